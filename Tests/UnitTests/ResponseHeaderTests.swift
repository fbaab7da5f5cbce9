import Foundation
import Logging
import XCTest

@testable import HTTP

/// Header names compare case-insensitively (ASCII), so a handler's `content-type` is the
/// same header as the server's `Content-Type`: never two of them in a response.
final class ResponseHeaderTests: XCTestCase {
    func testLookupIgnoresCase() {
        let r = Response.html("<p>x</p>")
        XCTAssertEqual(r.header(.contentType), "text/html; charset=utf-8")
        XCTAssertEqual(r.header("content-type"), "text/html; charset=utf-8")
        XCTAssertEqual(r.header("CONTENT-TYPE"), "text/html; charset=utf-8")
        XCTAssertNil(r.header("Content-Typ"))
        XCTAssertNil(r.header("Content-Types"))
        XCTAssertNil(r.header(""))
    }

    func testSetHeaderReplacesWhateverTheCase() {
        var r = Response.text("hi")
        r.setHeader("content-type", "application/json")
        XCTAssertEqual(r.headers.filter { $0.name == .contentType }.count, 1)
        XCTAssertEqual(r.header("Content-Type"), "application/json")
    }

    func testDefaultHeaderKeepsTheHandlersValue() {
        var r = Response.text("hi")
        r.setHeader("cache-control", "no-store")
        r.defaultHeader(.cacheControl, "max-age=60")
        r.defaultHeader(HTTPField.Name("X-Frame-Options")!, "DENY")
        XCTAssertEqual(r.header("CACHE-CONTROL"), "no-store")
        XCTAssertEqual(r.headers.filter { $0.name == .cacheControl }.count, 1)
        XCTAssertEqual(r.header("x-frame-options"), "DENY")
    }

    func testOnlyASCIILettersFold() {
        // `^` (0x5E) and `~` (0x7E) differ by 0x20 like a letter's cases, but are not letters.
        XCTAssertNotEqual(HTTPField.Name("X^")!, HTTPField.Name("X~")!)
        XCTAssertEqual(HTTPField.Name("X-Request-Id"), HTTPField.Name("x-REQUEST-id"))
        XCTAssertEqual(FastCGIServer.cgiHeaderName("ACCEPT_LANGUAGE".utf8[...]), "accept-language")
    }

    func testContentLengthNotDuplicatedWhenSetInAnotherCase() {
        var r = Response.text("hi")
        r.setHeader("content-length", "2")
        XCTAssertFalse(r.serializedHead().contains("Content-Length: 2"))
        XCTAssertTrue(r.serializedHead().contains("content-length: 2\r\n"))
    }

    /// A CR, LF or NUL in a value (or a value HTTP cannot carry as it is) is refused: nothing of it
    /// is written, the header is not repaired, and the response is marked so the server answers 500.
    func testLineBreakOrNULInAValueIsRefusedNotRepaired() {
        for bad in ["a\r\nSet-Cookie: s=1", "a\nb", "a\rb", "a\u{0}b", "a\u{1}b", " padded "] {
            var r = Response.text("ok")
            r.setHeader(.location, bad)
            XCTAssertNil(r.header(.location), bad.debugDescription)
            XCTAssertEqual(r.refusedHeaders, ["Location"], bad.debugDescription)
            XCTAssertNotNil(r.refusal, bad.debugDescription)
            XCTAssertFalse(r.serializedHead().contains("Location"), bad.debugDescription)
        }
        var fine = Response.text("ok")
        fine.setHeader(.location, "/usager/espace?notice=x")
        XCTAssertNil(fine.refusal)
    }

    /// What the server writes for a refused response: a 500, and an error in the log naming the
    /// header, never the handler's response with the header dropped or altered.
    func testTheServerAnswers500AndLogsARefusedHeader() {
        let log = CapturedLog()
        let logger = Logger(label: "test") { _ in CapturedLogHandler(log: log) }
        var r = Response.html("<p>page</p>")
        r.setHeader("Content-Disposition", "attachment; filename=\"a\r\nb.pdf\"")
        let written = FastCGIServer.checked(r, requestId: "r1", logger: logger)
        XCTAssertEqual(written.status, .internalServerError)
        XCTAssertFalse(written.serializedHead().contains("Content-Disposition"))
        XCTAssertFalse(String(decoding: written.body, as: UTF8.self).contains("page"))
        XCTAssertEqual(log.entries.filter { $0.level == .error }.count, 1)
        XCTAssertTrue(log.entries.first?.message.contains("Content-Disposition") == true, "\(log.entries)")

        let ok = Response.text("fine")
        XCTAssertEqual(FastCGIServer.checked(ok, requestId: "r2", logger: logger).status, .ok)
        XCTAssertEqual(log.entries.count, 1)
    }

    /// A cookie whose value would split the head is refused the same way.
    func testACookieWithALineBreakMakesTheResponseRefused() {
        var r = Response.text("ok")
        r.cookies = [Cookie(name: "lang", value: "fr\r\nSet-Cookie: session=evil")]
        XCTAssertNotNil(r.refusal)
    }
}

final class CapturedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [(level: Logger.Level, message: String)] = []
    var entries: [(level: Logger.Level, message: String)] { lock.withLock { stored } }
    func add(_ level: Logger.Level, _ message: String) { lock.withLock { stored.append((level, message)) } }
}

struct CapturedLogHandler: LogHandler {
    let log: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        log.add(level, message.description)
    }
}
