import XCTest

@testable import HTTP

final class CookieAndResponseTests: XCTestCase {
    func testSetCookieCarriesSafeFlags() {
        let c = Cookie(name: "__Host-session", value: "abc", secure: true)
        XCTAssertEqual(c.headerValue, "__Host-session=abc; Path=/; Secure; HttpOnly; SameSite=Lax")
        XCTAssertTrue(Cookie.expired("x", secure: false).headerValue.contains("Max-Age=0"))
    }

    func testParsesCookieHeaderLeniently() {
        let cookies = Cookie.parseHeader("a=1; b = two ;junk; c=x=y; a=shadowed")
        XCTAssertEqual(cookies["a"], "1")
        XCTAssertEqual(cookies["b"], "two")
        XCTAssertEqual(cookies["c"], "x=y")
        XCTAssertEqual(cookies.count, 3)
        // Byte scanning: tabs trimmed, pieces without a name or a value skipped, non-ASCII kept.
        let odd = Cookie.parseHeader(";;\tlang=ar\t ; e=; =v; x = é😀 ;")
        XCTAssertEqual(odd, ["lang": "ar", "x": "é😀"])
        XCTAssertEqual(Cookie.parseHeader(""), [:])
        XCTAssertEqual(Cookie.parseHeader("  ;  "), [:])
    }

    func testHeadDropsHeaderInjection() {
        var r = Response.text("hi")
        r.setHeader("X-Test", "ok")
        r.setHeader("X-Evil", "a\r\nSet-Cookie: stolen=1")
        let head = r.serializedHead()
        XCTAssertTrue(head.hasPrefix("Status: 200 OK\r\n"))
        XCTAssertTrue(head.contains("X-Test: ok\r\n"))
        XCTAssertFalse(head.contains("stolen"))
        XCTAssertEqual(r.refusedHeaders, ["X-Evil"], "refused, so the server answers 500 instead")
        XCTAssertTrue(head.contains("Content-Length: 2\r\n"))
        XCTAssertTrue(head.hasSuffix("\r\n\r\n"))
    }

    func testRequestFromCGIParameters() throws {
        let r = try FastCGIServer.makeRequest(
            params: [
                "REQUEST_METHOD": "GET", "REQUEST_URI": "/usager/caf%C3%A9?lang=ar", "QUERY_STRING": "lang=ar",
                "HTTP_ACCEPT_LANGUAGE": "ar,fr;q=0.8", "HTTP_COOKIE": "lang=en", "HTTPS": "on", "REQUEST_ID": "r1",
            ], body: [])
        XCTAssertEqual(r.path, "/usager/café")
        XCTAssertEqual(r.query["lang"], "ar")
        XCTAssertEqual(r.header(.acceptLanguage), "ar,fr;q=0.8")
        XCTAssertEqual(r.method, .get)
        XCTAssertEqual(r.cookies["lang"], "en")
        XCTAssertTrue(r.isSecure)
        XCTAssertEqual(r.requestId, "r1")
    }

    func testUnreadablePathIsA400() {
        XCTAssertThrowsError(try FastCGIServer.makeRequest(params: ["REQUEST_URI": "/%FF%FE"], body: [])) { error in
            XCTAssertEqual((error as? HTTPError)?.status, 400)
        }
    }
}
