import CHaru
import XCTest

@testable import PDF

/// Nothing a caller passes may crash the process: it draws something sensible or throws.
final class BadInputTests: XCTestCase {
    private func page() throws -> PDFPage {
        try PDFDocument(title: "", author: "", typeface: .dejaVuSans, creationDate: Fixtures.date).addPage()
    }

    func testEmptyStringsEverywhere() throws {
        let page = try page()
        try page.text("", at: PDFPoint(x: 72, y: 700))
        XCTAssertEqual(try page.paragraph("", x: 72, y: 700, width: 200), 700, "no line, no advance")
        let letter = Letter(
            heading: "", reference: "", date: "", recipientLines: [], title: "",
            paragraphs: [], signature: "")
        PDFInspection.assertWellFormed(try LetterRenderer.render(letter), pages: 1)
        let letterWithEmpties = Letter(
            heading: "", reference: "", date: "", recipientLines: ["", ""],
            title: "", paragraphs: ["", "\n\n"], signature: "")
        PDFInspection.assertWellFormed(try LetterRenderer.render(letterWithEmpties), pages: 1)
        PDFInspection.assertWellFormed(try ReceiptRenderer.render(Receipt(title: "", lines: [], footer: "")), pages: 1)
        let emptyRow = Receipt(title: "", rows: [(label: "", value: "")], footer: "")
        PDFInspection.assertWellFormed(try ReceiptRenderer.render(emptyRow), pages: 1)
    }

    func testCharactersOutsideTheFontAndControlCharacters() throws {
        let strange = "😀 中文 \u{0} \u{7} \u{202E}reversed \u{FEFF} \u{FFFD} \u{E000} e\u{0301}\u{0302}\u{0303} 𝔘"
        let page = try page()
        try page.text(strange, at: PDFPoint(x: 72, y: 700))
        try page.paragraph(strange, x: 72, y: 680, width: 100)
        let letter = Letter(
            heading: strange, reference: strange, date: strange, recipientLines: [strange],
            title: strange, paragraphs: [strange], signature: strange)
        for typeface in [PDFTypeface.dejaVuSans, .helvetica] {
            PDFInspection.assertWellFormed(try LetterRenderer.render(letter, typeface: typeface))
            let receipt = Receipt(title: strange, rows: [(label: strange, value: strange)], footer: strange)
            PDFInspection.assertWellFormed(try ReceiptRenderer.render(receipt, typeface: typeface))
        }
        XCTAssertEqual(page.document.pageCount, 1)
        PDFInspection.assertWellFormed(try page.document.data(), pages: 1)
    }

    func testVeryLongWordsAreCutWithoutLosingALetter() throws {
        let word = String(repeating: "Reconnaissance", count: 400)  // 5,600 letters, no space
        let document = try PDFDocument(title: "", author: "", typeface: .dejaVuSans, creationDate: Fixtures.date)
        let layout = try PDFLayout(document: document)
        try layout.paragraph(word + " Fin")
        XCTAssertGreaterThan(layout.pages.count, 1, "5,600 letters fill more than a page")
        let bytes = try document.data()
        PDFInspection.assertWellFormed(bytes, pages: layout.pages.count)
        if let text = try PDFInspection.text(bytes) {
            XCTAssertEqual(text.filter { !$0.isWhitespace }, word + "Fin")
        }
        // The same word in every field of a letter.
        let letter = Letter(
            heading: word, reference: word, date: word, recipientLines: [word], title: word,
            paragraphs: [word], signature: word)
        PDFInspection.assertWellFormed(try LetterRenderer.render(letter))
        let receipt = Receipt(title: word, rows: [(label: word, value: word)], footer: word)
        PDFInspection.assertWellFormed(try ReceiptRenderer.render(receipt))
    }

    func testOverlongSingleLineThrowsInsteadOfCrashing() throws {
        let page = try page()
        XCTAssertThrowsError(try page.text(String(repeating: "a", count: 70_000), at: PDFPoint(x: 0, y: 0))) {
            guard case .invalidArgument = $0 as? PDFError else { return XCTFail("\($0)") }
        }
        // The page is still usable afterwards.
        try page.text("encore", at: PDFPoint(x: 72, y: 700))
        PDFInspection.assertWellFormed(try page.document.data(), pages: 1)
    }

    func testNonsenseNumbersAreRefused() throws {
        let page = try page()
        let bad: [() throws -> Void] = [
            { try page.text("x", at: PDFPoint(x: .nan, y: 0)) },
            { try page.text("x", at: PDFPoint(x: 0, y: .infinity)) },
            { try page.text("x", at: PDFPoint(x: 0, y: 0), size: 0) },
            { try page.text("x", at: PDFPoint(x: 0, y: 0), size: -3) },
            { try page.text("x", at: PDFPoint(x: 0, y: 0), size: 10_000) },
            { try page.text("x", at: PDFPoint(x: 0, y: 0), color: PDFColor(red: 2, green: 0, blue: 0)) },
            { try page.paragraph("x y", x: 0, y: 0, width: 0) },
            { try page.paragraph("x y", x: 0, y: 0, width: .nan) },
            { try page.paragraph("x y", x: 0, y: 0, width: 100, lineHeight: -1) },
            { try page.line(from: PDFPoint(x: 0, y: 0), to: PDFPoint(x: 1e300, y: 0)) },
            { try page.line(from: PDFPoint(x: 0, y: 0), to: PDFPoint(x: 1, y: 1), width: 0) },
            { try page.rectangle(PDFRect(x: 0, y: 0, width: .nan, height: 1)) },
            { _ = try page.document.textWidth("x", size: .infinity) },
            { _ = try page.document.wrap("x", width: -5, size: 10) },
        ]
        for (index, call) in bad.enumerated() {
            XCTAssertThrowsError(try call(), "case \(index)") {
                guard case .invalidArgument = $0 as? PDFError else { return XCTFail("case \(index): \($0)") }
            }
        }
        try page.text("toujours utilisable", at: PDFPoint(x: 72, y: 700))
        PDFInspection.assertWellFormed(try page.document.data(), pages: 1)
    }

    func testLibharuErrorsBecomeSwiftErrorsAndTheDocumentRecovers() throws {
        let page = try page()
        // A LineTo without a MoveTo: libharu rejects it through the error handler.
        XCTAssertThrowsError(try page.document.check(HPDF_Page_LineTo(page.handle, 10, 10), "HPDF_Page_LineTo")) {
            guard case .libharu(let operation, let code, _) = $0 as? PDFError else { return XCTFail("\($0)") }
            XCTAssertEqual(operation, "HPDF_Page_LineTo")
            XCTAssertNotEqual(code, 0)
            XCTAssertTrue("\($0)".contains("0x"))
        }
        // libharu's error is sticky; it was reset, so drawing and saving still work.
        try page.text("après l’erreur", at: PDFPoint(x: 72, y: 700))
        try page.line(from: PDFPoint(x: 72, y: 690), to: PDFPoint(x: 300, y: 690))
        let bytes = try page.document.data()
        PDFInspection.assertWellFormed(bytes, pages: 1)
        if let text = try PDFInspection.text(bytes) { XCTAssertTrue(text.contains("après l’erreur")) }
    }

    func testShapesAndImages() throws {
        let page = try page()
        try page.rectangle(PDFRect(x: 72, y: 600, width: 100, height: 50))
        try page.rectangle(PDFRect(x: 72, y: 500, width: 100, height: 50), stroke: nil, fill: PDFColor(gray: 0.9))
        try page.rectangle(PDFRect(x: 72, y: 400, width: 100, height: 50), stroke: .black, fill: .white, lineWidth: 2)
        try page.rectangle(PDFRect(x: 72, y: 300, width: 100, height: 50), stroke: nil, fill: nil)
        let checker = (0..<(21 * 21)).map { UInt8($0 % 2 == 0 ? 0 : 255) }
        try page.image(pixels: checker, width: 21, height: 21, in: PDFRect(x: 300, y: 600, width: 84, height: 84))
        try page.image(
            pixels: [255, 0, 0, 0, 0, 255], width: 2, height: 1, format: .rgb8,
            in: PDFRect(x: 300, y: 500, width: 40, height: 20))
        for (pixels, width, height) in [([UInt8](), 0, 0), ([1, 2, 3], 2, 2), ([1], 1, 100_000)] {
            XCTAssertThrowsError(
                try page.image(
                    pixels: pixels, width: width, height: height,
                    in: PDFRect(x: 0, y: 0, width: 10, height: 10)))
        }
        let bytes = try page.document.data()
        PDFInspection.assertWellFormed(bytes, pages: 1)
        XCTAssertTrue(String(decoding: bytes, as: UTF8.self).contains("/Subtype /Image"))
    }
}
