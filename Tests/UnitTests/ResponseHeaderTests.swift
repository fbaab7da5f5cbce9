@testable import HTTP
import XCTest

/// Header names compare case-insensitively (ASCII), so a handler's `content-type` is the
/// same header as the server's `Content-Type`: never two of them in a response.
final class ResponseHeaderTests: XCTestCase {
    func testLookupIgnoresCase() {
        let r = Response.html("<p>x</p>")
        XCTAssertEqual(r.header("content-type"), "text/html; charset=utf-8")
        XCTAssertEqual(r.header("CONTENT-TYPE"), "text/html; charset=utf-8")
        XCTAssertEqual(r.header("Content-Type"), "text/html; charset=utf-8")
        XCTAssertNil(r.header("Content-Typ"))
        XCTAssertNil(r.header("Content-Types"))
        XCTAssertNil(r.header(""))
    }

    func testSetHeaderReplacesWhateverTheCase() {
        var r = Response.text("hi")
        r.setHeader("content-type", "application/json")
        XCTAssertEqual(r.headers.filter { $0.name.lowercased() == "content-type" }.count, 1)
        XCTAssertEqual(r.header("Content-Type"), "application/json")
    }

    func testDefaultHeaderKeepsTheHandlersValue() {
        var r = Response.text("hi")
        r.setHeader("cache-control", "no-store")
        r.defaultHeader("Cache-Control", "max-age=60")
        r.defaultHeader("X-Frame-Options", "DENY")
        XCTAssertEqual(r.header("CACHE-CONTROL"), "no-store")
        XCTAssertEqual(r.headers.filter { $0.name.lowercased() == "cache-control" }.count, 1)
        XCTAssertEqual(r.header("x-frame-options"), "DENY")
    }

    func testOnlyASCIILettersFold() {
        // `[` (0x5B) and `{` (0x7B) differ by 0x20 like a letter's cases, but are not letters.
        XCTAssertFalse(Response.sameHeaderName("X[", "X{"))
        XCTAssertFalse(Response.sameHeaderName("@", "`"))
        XCTAssertTrue(Response.sameHeaderName("X-Request-Id", "x-REQUEST-id"))
    }

    func testContentLengthNotDuplicatedWhenSetInAnotherCase() {
        var r = Response.text("hi")
        r.setHeader("content-length", "2")
        XCTAssertFalse(r.serializedHead().contains("Content-Length: 2"))
        XCTAssertTrue(r.serializedHead().contains("content-length: 2\r\n"))
    }
}
