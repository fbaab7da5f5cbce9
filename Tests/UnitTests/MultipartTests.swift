import XCTest

@testable import HTTP

final class MultipartTests: XCTestCase {
    let boundary = "----b0undary"

    func body(_ parts: [String]) -> [UInt8] {
        Array((parts.map { "--\(boundary)\r\n\($0)\r\n" }.joined() + "--\(boundary)--\r\n").utf8)
    }

    func testParsesFieldsAndFiles() throws {
        let raw = body([
            "Content-Disposition: form-data; name=\"_csrf\"\r\n\r\ntoken123",
            "Content-Disposition: form-data; name=\"file\"; filename=\"lettre.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\nbinary",
        ])
        let parts = try MultipartParser.parse(raw, boundary: boundary)
        XCTAssertEqual(parts.count, 2)
        XCTAssertEqual(parts[0].name, "_csrf")
        XCTAssertEqual(String(decoding: parts[0].body, as: UTF8.self), "token123")
        XCTAssertEqual(parts[1].filename, "lettre.pdf")
        XCTAssertEqual(parts[1].contentType, "application/pdf")
        // CRLF inside a file is content, not a delimiter.
        XCTAssertEqual(String(decoding: parts[1].body, as: UTF8.self), "%PDF-1.4\r\nbinary")
    }

    func testRequestFormSkipsFileParts() throws {
        let raw = body([
            "Content-Disposition: form-data; name=\"kind\"\r\n\r\nconvocation",
            "Content-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\nxx",
        ])
        let request = Request(method: .post, path: "/", headers: [.contentType: "multipart/form-data; boundary=\(boundary)"], body: raw)
        let form = try request.form()
        XCTAssertEqual(form["kind"], "convocation")
        XCTAssertNil(form["file"])
    }

    func testBoundaryFromContentType() {
        XCTAssertEqual(MultipartParser.boundary(fromContentType: "multipart/form-data; boundary=abc"), "abc")
        XCTAssertEqual(MultipartParser.boundary(fromContentType: "multipart/form-data; boundary=\"a b\""), "a b")
        XCTAssertNil(MultipartParser.boundary(fromContentType: "multipart/form-data"))
    }

    func testMalformedBodiesAreA400() {
        let cases: [[UInt8]] = [
            Array("garbage".utf8),
            Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end".utf8),
            Array("--\(boundary)\r\nno-header-end".utf8),
            Array("--\(boundary)\r\nContent-Type: text/plain\r\n\r\nx\r\n--\(boundary)--".utf8),
        ]
        for c in cases {
            XCTAssertThrowsError(try MultipartParser.parse(c, boundary: boundary)) { error in
                XCTAssertEqual((error as? HTTPError)?.status, 400)
            }
        }
    }
}
