import Domain
import XCTest

final class PDFCheckTests: XCTestCase {
    let minimal = Array("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8)

    func testAcceptsAPDFByItsBytes() {
        XCTAssertNil(PDFCheck.problem(in: minimal))
        XCTAssertNil(PDFCheck.problem(in: Array("%PDF-2.0 body body body\n%%EOF".utf8)))
    }

    func testRefusesEmptyRenamedTruncatedAndOversizedFiles() {
        XCTAssertEqual(PDFCheck.problem(in: []), .empty)
        XCTAssertEqual(PDFCheck.problem(in: Array("GIF89a not a pdf at all, renamed to .pdf".utf8)), .notPDF)
        XCTAssertEqual(PDFCheck.problem(in: Array(minimal.dropLast(7))), .notPDF, "no %%EOF: truncated")
        XCTAssertEqual(PDFCheck.problem(in: Array("%PDF-9.9 nonsense\n%%EOF".utf8)), .notPDF)
        XCTAssertEqual(PDFCheck.problem(in: minimal + [UInt8](repeating: 32, count: PDFCheck.maximumBytes)), .tooLarge)
    }
}
