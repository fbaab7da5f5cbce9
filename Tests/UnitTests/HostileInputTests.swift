import I18n
import XCTest

@testable import HTTP
@testable import Web

/// Request-derived text that once trapped the process (a trap kills every thread of the app)
/// or leaked through: each case is a regression test for a finding of the hostile-input audit.
final class HostileInputTests: XCTestCase {
    /// `Accept-Language: ;` split into nothing and the first element was read: the app died.
    func testAcceptLanguageWithEmptyItemsNeverTraps() {
        for header in [";", ";;", ",;,", " ; ", ";q=1", "; fr", ",,,", "", "=;=", "-;q=0.5", ";en"] {
            XCTAssertNil(Language.negotiate(acceptLanguage: header), "\(header.debugDescription)")
        }
        // The empty items are skipped, the others still count.
        XCTAssertEqual(Language.negotiate(acceptLanguage: ";,en;q=0.5,;")?.code, "en")
        XCTAssertEqual(Language.negotiate(acceptLanguage: "ar;;q=0.9")?.code, "ar")
    }

    func testAcceptLanguageOddQValuesAreIgnored() {
        XCTAssertNil(Language.negotiate(acceptLanguage: "fr;q=nan"))
        XCTAssertNil(Language.negotiate(acceptLanguage: "fr;q=-1"))
        XCTAssertEqual(Language.negotiate(acceptLanguage: "fr;q=0.1,en;q=inf")?.code, "fr")
    }

    /// A value typed by someone (a name) that looks like a placeholder must stay as typed: a
    /// second pass over the text would put another argument (a code, a key) in its place.
    func testCatalogueArgumentsAreNotSubstitutedTwice() {
        let text = Catalogue.format("{{a}} / {{b}}", ["a": "{{b}}", "b": "{{a}}"])
        XCTAssertEqual(text, "{{b}} / {{a}}")
        XCTAssertEqual(
            Catalogue.format("Bonjour {{name}}, code {{code}}", ["name": "{{code}}", "code": "123456"]),
            "Bonjour {{code}}, code 123456")
        XCTAssertEqual(Catalogue.format("{{x}}{{x}} {{y}} {{", ["x": "1"]), "11 {{y}} {{")
        XCTAssertEqual(Catalogue.format("{{}}{{{{x}}}}", ["x": "é", "": "e"]), "e{{é}}")
    }

    /// A cookie value or name with CR/LF would split the response head (header injection).
    func testCookieWithLineBreakIsNotWritten() {
        var r = Response.text("ok")
        r.cookies = [
            Cookie(name: "lang", value: "fr\r\nSet-Cookie: session=evil"), Cookie(name: "a\nb", value: "1"),
            Cookie(name: "ok", value: "1"),
        ]
        let head = r.serializedHead()
        XCTAssertFalse(head.contains("evil"))
        XCTAssertFalse(head.contains("a\nb"))
        XCTAssertTrue(head.contains("Set-Cookie: ok=1"))
        XCTAssertEqual(head.components(separatedBy: "\r\n").filter { $0.hasPrefix("Set-Cookie:") }.count, 1)
    }

    /// A header name with a colon or a line break is dropped too, not only such a value.
    func testHeaderNameWithLineBreakIsNotWritten() {
        var r = Response.text("ok")
        r.setHeader("X-A\r\nX-Injected", "1")
        XCTAssertFalse(r.serializedHead().contains("X-Injected"))
        XCTAssertNotNil(r.refusal)
    }

    /// A NUL in a decoded field or path would be cut silently by libpq's C strings (the rest
    /// of the value vanishes): refused as a 400 instead, like broken escapes.
    func testPercentEncodedNULIsA400() {
        for bad in ["a=%00", "a=x%00y", "%00=1"] {
            XCTAssertThrowsError(try FormData.parseURLEncoded(bad), bad) { error in
                XCTAssertEqual((error as? HTTPError)?.status, 400)
            }
        }
        XCTAssertThrowsError(try FastCGIServer.makeRequest(params: ["REQUEST_URI": "/usager%00/espace"], body: []))
        XCTAssertThrowsError(try FormData.parseURLEncoded([UInt8(ascii: "a"), UInt8(ascii: "="), 0]))
    }

    func testMultipartFieldWithNULIsA400() {
        let body = Array("--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\u{0}y\r\n--B--\r\n".utf8)
        XCTAssertThrowsError(try MultipartParser.fields(of: MultipartParser.parse(body, boundary: "B"))) { error in
            XCTAssertEqual((error as? HTTPError)?.status, 400)
        }
    }

    /// Found by `make fuzz` (target form): a NUL inside a part's headers reached handlers as a
    /// field name (`name="\0\0rf"`), to be cut by libpq like a value would be.
    func testMultipartHeaderWithNULIsA400() {
        let body = Array("--B\r\nContent-Disposition:(form-data; name=\u{0}\u{0}\u{0}\u{0}rf\"\r\n\r\nabc\r\n--B--\r\n".utf8)
        XCTAssertThrowsError(try MultipartParser.parse(body, boundary: "B")) { error in
            XCTAssertEqual((error as? HTTPError)?.status, 400)
        }
        let file = Array("--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\u{0}.pdf\"\r\n\r\n%PDF\r\n--B--\r\n".utf8)
        XCTAssertThrowsError(try MultipartParser.parse(file, boundary: "B"))
    }

    /// Odd request lines and parameters answer (400 or a page), never trap.
    func testOddCGIParametersNeverTrap() {
        let uris = [
            "", "?", "??", "%", "%%", "/%zz", "/%C3", "/?%", "/a?b=%", "//", "/%2F%2Fevil.example",
            "/\u{7F}", String(repeating: "/", count: 10_000), String(repeating: "%41", count: 10_000),
        ]
        for uri in uris {
            for query in ["", "=", "&&&", "a=%", "%=%", "=&=", "a=%ff"] {
                _ = try? FastCGIServer.makeRequest(
                    params: [
                        "REQUEST_URI": uri, "QUERY_STRING": query,
                        "CONTENT_LENGTH": "-1", "HTTP_COOKIE": ";=;==;",
                    ], body: [])
            }
        }
        let r = try? FastCGIServer.makeRequest(params: [:], body: [])
        XCTAssertEqual(r?.path, "/")
    }

    /// The access log line is one line whatever the path holds (`%0A` would forge a log entry).
    func testLogSafePathEscapesControlCharacters() {
        XCTAssertEqual(FastCGIServer.logSafe("/a\nGET /admin 200\r\u{0}\u{1B}[31m"), "/a\\x0AGET /admin 200\\x0D\\x00\\x1B[31m")
        XCTAssertEqual(FastCGIServer.logSafe("/usager/Créteil"), "/usager/Créteil")
        XCTAssertEqual(Request(method: .get, path: "/admin\n200 OK").loggablePath, "/admin\\x0A200 OK")
    }

    func testOddCookieHeadersParse() {
        // A piece whose name is blank is no cookie: skipped, like one without `=`.
        XCTAssertEqual(Cookie.parseHeader(";;=;==; =x; a==b; lang=ar"), ["a": "=b", "lang": "ar"])
        XCTAssertEqual(Cookie.parseHeader(String(repeating: "a=1;", count: 5000)), ["a": "1"])
    }

    func testOddMultipartNeverTraps() {
        let bodies = [
            "--B", "--B\r", "--B\r\n", "--B\r\n\r\n", "--B\r\n\r\n\r\n--B--", "--B--",
            "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n", "--B\r\n:\r\n\r\nx\r\n--B--",
            "--B\r\nContent-Disposition: form-data; name=\"\r\n\r\nx\r\n--B--",
            "--B\r\nContent-Disposition: ;;;=;name\r\n\r\nx\r\n--B\r\n",
        ]
        for b in bodies { _ = try? MultipartParser.parse(Array(b.utf8), boundary: "B") }
        for type in [
            "multipart/form-data; boundary=\"", "multipart/form-data; boundary=", "multipart/form-data;;;=",
            "multipart/form-data; boundary=\"\"", "multipart/form-data; boundary=" + String(repeating: "x", count: 71),
        ] {
            XCTAssertNil(MultipartParser.boundary(fromContentType: type), type)
        }
    }

    /// The language switcher links to the page itself: a path of `//evil.example` (or `/\evil`,
    /// or a tab browsers drop) must not turn that link into one to another site.
    func testLinkPathStaysOnThisSite() {
        func link(_ path: String) -> String { Request(method: .get, path: path).linkPath }
        XCTAssertEqual(link("//evil.example/x"), "/evil.example/x")
        XCTAssertEqual(link("///evil.example"), "/evil.example")
        XCTAssertEqual(link("/\\evil.example"), "/%5Cevil.example")
        XCTAssertEqual(link("/\t/evil.example"), "/%09/evil.example")
        XCTAssertEqual(link("/usager/Créteil"), "/usager/Cr%C3%A9teil")
        XCTAssertEqual(link("/"), "/")
        XCTAssertEqual(link("/a\"><x-hostile>"), "/a%22%3E%3Cx-hostile%3E")
        XCTAssertEqual(link("/pro/personnes/12"), "/pro/personnes/12")
    }
}
