import XCTest

@testable import PDF

final class PDFDocumentTests: XCTestCase {
    private func document(typeface: PDFTypeface = .dejaVuSans) throws -> PDFDocument {
        try PDFDocument(
            title: "Décision d’essai", author: "Office français", typeface: typeface,
            creationDate: Fixtures.date)
    }

    func testProducesAnA4PDFWithMetadata() throws {
        let document = try document()
        let page = try document.addPage()
        XCTAssertEqual(page.width, 595.276, accuracy: 0.01)
        XCTAssertEqual(page.height, 841.89, accuracy: 0.01)
        try page.text("Décision", at: PDFPoint(x: 72, y: 770), size: 14, bold: true)
        let bytes = try document.data()

        XCTAssertEqual(document.textEncoding, .unicode)
        XCTAssertEqual(document.pageCount, 1)
        PDFInspection.assertWellFormed(bytes, pages: 1)
        XCTAssertTrue(String(decoding: bytes, as: UTF8.self).contains("/FlateDecode"), "compressed")
        if let info = try PDFInspection.info(bytes) {
            XCTAssertEqual(info["Title"], "Décision d’essai")
            XCTAssertEqual(info["Author"], "Office français")
            XCTAssertEqual(info["Creator"], "AsylumPortal")
            XCTAssertEqual(info["Pages"], "1")
            XCTAssertEqual(info["Page size"]?.hasPrefix("595.276 x 841.89"), true)
            XCTAssertEqual(info["CreationDate"]?.contains("2025"), true)
        }
        if let text = try PDFInspection.text(bytes) {
            XCTAssertTrue(text.contains("Décision"), text)
        }
    }

    func testSavingTwiceGivesTheSameBytesAndPagesCanStillBeAdded() throws {
        let document = try document()
        try document.addPage().text("Première page", at: PDFPoint(x: 72, y: 770))
        let first = try document.data()
        XCTAssertEqual(try document.data(), first)
        try document.addPage().text("Seconde page", at: PDFPoint(x: 72, y: 770))
        let second = try document.data()
        PDFInspection.assertWellFormed(second, pages: 2)
        XCTAssertEqual(document.pageCount, 2)
    }

    func testSameInputGivesSameBytes() throws {
        XCTAssertEqual(
            try LetterRenderer.render(Fixtures.decision, creationDate: Fixtures.date),
            try LetterRenderer.render(Fixtures.decision, creationDate: Fixtures.date))
    }

    func testDocumentWithoutPagesIsRefused() throws {
        XCTAssertThrowsError(try document().data()) { XCTAssertEqual($0 as? PDFError, .noPages) }
    }

    func testMissingFontFallsBackToHelveticaWithTransliteration() throws {
        let document = try document(
            typeface: .trueType(
                regular: "/nonexistent/Regular.ttf",
                bold: "/nonexistent/Bold.ttf"))
        XCTAssertEqual(document.textEncoding, .winAnsi)
        try document.addPage().text("Décision — sœur, 5 € عربي", at: PDFPoint(x: 72, y: 770))
        let bytes = try document.data()
        PDFInspection.assertWellFormed(bytes, pages: 1)
        XCTAssertTrue(String(decoding: bytes, as: UTF8.self).contains("/Helvetica"))
        if let text = try PDFInspection.text(bytes) {
            XCTAssertTrue(text.contains("Décision — sœur, 5 € ????"), text)
        }
        if let info = try PDFInspection.info(bytes) {
            XCTAssertEqual(info["Title"], "Décision d’essai", "metadata stays Unicode")
        }
    }

    func testCorruptFontFileFallsBackInsteadOfFailing() throws {
        let garbage = FileManager.default.temporaryDirectory.appendingPathComponent("garbage-\(UUID()).ttf")
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: garbage)
        defer { try? FileManager.default.removeItem(at: garbage) }
        let truncated = FileManager.default.temporaryDirectory.appendingPathComponent("truncated-\(UUID()).ttf")
        let dejaVu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
        if let real = FileManager.default.contents(atPath: dejaVu) {
            try real.prefix(2000).write(to: truncated)
        } else {
            try Data([0, 1, 0, 0, 0, 9]).write(to: truncated)
        }
        defer { try? FileManager.default.removeItem(at: truncated) }

        for file in [garbage.path, truncated.path] {
            let document = try document(typeface: .trueType(regular: file, bold: file))
            XCTAssertEqual(document.textEncoding, .winAnsi, file)
            try document.addPage().text("Décision", at: PDFPoint(x: 72, y: 770))
            PDFInspection.assertWellFormed(try document.data(), pages: 1)
        }
    }

    func testBaseFontNeedsNoFile() throws {
        let document = try document(typeface: .helvetica)
        XCTAssertEqual(document.textEncoding, .winAnsi)
        try document.addPage().paragraph(Fixtures.prose(words: 80), x: 72, y: 770, width: 300)
        PDFInspection.assertWellFormed(try document.data(), pages: 1)
    }

    func testWidthsCountCharactersNotBytes() throws {
        let document = try document()
        let plain = try document.textWidth("eee", size: 10)
        XCTAssertGreaterThan(plain, 0)
        XCTAssertEqual(try document.textWidth("ééé", size: 10), plain, accuracy: 0.01)
        XCTAssertEqual(try document.textWidth("eee", size: 20), 2 * plain, accuracy: 0.01)
        XCTAssertGreaterThan(try document.textWidth("eee", size: 10, bold: true), plain)
        XCTAssertEqual(try document.textWidth("", size: 10), 0)
    }

    func testAlignmentUsesMeasuredWidth() throws {
        let document = try document()
        let page = try document.addPage()
        try page.text("Centré", at: PDFPoint(x: page.width / 2, y: 700), align: .center)
        try page.text("À droite", at: PDFPoint(x: page.width - 72, y: 680), align: .right)
        PDFInspection.assertWellFormed(try document.data(), pages: 1)
    }
}
