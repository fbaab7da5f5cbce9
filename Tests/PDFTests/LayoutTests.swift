import XCTest

@testable import PDF

final class LayoutTests: XCTestCase {
    private func document() throws -> PDFDocument {
        try PDFDocument(title: "Mise en page", author: "Tests", typeface: .dejaVuSans, creationDate: Fixtures.date)
    }

    func testPageParagraphWrapsWithinTheWidth() throws {
        let document = try document()
        let page = try document.addPage()
        let text = Fixtures.prose(words: 60)
        let lines = try document.wrap(text, width: 200, size: 11)
        XCTAssertGreaterThan(lines.count, 3)
        for line in lines { XCTAssertLessThanOrEqual(try document.textWidth(line, size: 11), 200.001, line) }
        XCTAssertEqual(lines.joined(separator: " "), text, "wrapping loses no word")
        let next = try page.paragraph(text, x: 72, y: 700, width: 200, size: 11, lineHeight: 14)
        XCTAssertEqual(next, 700 - Double(lines.count) * 14, accuracy: 0.001)
    }

    func testLongParagraphFlowsOntoASecondPage() throws {
        let document = try document()
        let layout = try PDFLayout(document: document)
        let lineCount = try layout.paragraph(Fixtures.prose(words: 900) + " FIN", size: 11)
        XCTAssertGreaterThan(lineCount, 50, "more lines than one A4 page holds at 11 pt")
        XCTAssertEqual(layout.pages.count, 2)
        XCTAssertEqual(document.pageCount, 2)
        XCTAssertGreaterThan(layout.y, layout.margins.bottom, "cursor stays above the bottom margin")
        let bytes = try document.data()
        PDFInspection.assertWellFormed(bytes, pages: 2)
        if let first = try PDFInspection.text(bytes, page: 1), let second = try PDFInspection.text(bytes, page: 2) {
            XCTAssertTrue(first.contains("demande d’asile"))
            XCTAssertFalse(first.contains("FIN"))
            XCTAssertTrue(second.contains("FIN"))
        }
    }

    func testEnsureSpaceKeepsBlocksTogetherButNeverLoopsOnAnEmptyPage() throws {
        let layout = try PDFLayout(document: document())
        try layout.ensureSpace(10_000)
        XCTAssertEqual(layout.pages.count, 1, "an empty page is the best there is")
        try layout.paragraph("ligne")
        layout.space(layout.remainingHeight - 5)
        try layout.ensureSpace(20)
        XCTAssertEqual(layout.pages.count, 2)
        try layout.rule()
        layout.moveTo(y: .nan)
        layout.space(.infinity)
        try layout.paragraph("toujours là")
        PDFInspection.assertWellFormed(try layout.document.data(), pages: 2)
    }

    func testMarginsThatLeaveNoRoomAreRefused() throws {
        XCTAssertThrowsError(try PDFLayout(document: document(), margins: PDFMargins(all: 400)))
    }
}
