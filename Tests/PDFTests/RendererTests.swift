import XCTest

@testable import PDF

final class RendererTests: XCTestCase {
    func testLetterIsAValidOnePagePDFWithTheFrenchText() throws {
        let bytes = try LetterRenderer.render(Fixtures.decision, creationDate: Fixtures.date)
        PDFInspection.assertWellFormed(bytes, pages: 1)
        XCTAssertLessThan(bytes.count, 400_000, "fonts are subset, not embedded whole")
        if let text = try PDFInspection.text(bytes).map(PDFInspection.flattened) {
            for expected in [
                "Office français de protection des réfugiés et apatrides", "Réf. : OFPRA 2024-123456",
                "Mme Amira Haddad", "12 rue de l’Hôtel-Dieu", "Fontenay-sous-Bois, le 3 mars 2025",
                "Objet : Décision sur votre demande d’asile", "Cour nationale du droit d'asile",
                "La cheffe de division", "1/1",
            ] {
                XCTAssertTrue(text.contains(expected), "missing \(expected) in \(text)")
            }
        }
        if let info = try PDFInspection.info(bytes) {
            XCTAssertEqual(info["Title"], "Objet : Décision sur votre demande d’asile")
            XCTAssertEqual(info["Author"], "Office français de protection des réfugiés et apatrides")
        }
    }

    func testLongLetterContinuesWithNumberedPages() throws {
        let letter = Fixtures.letter(paragraphs: (0..<12).map { _ in Fixtures.prose(words: 120) })
        let bytes = try LetterRenderer.render(letter, creationDate: Fixtures.date)
        let pages = PDFInspection.pageObjectCount(bytes)
        XCTAssertGreaterThanOrEqual(pages, 2)
        PDFInspection.assertWellFormed(bytes, pages: pages)
        if let last = try PDFInspection.text(bytes, page: pages) {
            XCTAssertTrue(last.contains("\(pages)/\(pages)"))
            XCTAssertTrue(last.contains("La cheffe de division"), "signature ends the letter")
            XCTAssertTrue(last.contains("Réf. : OFPRA 2024-123456"), "reference in every footer")
        }
    }

    func testLetterFallsBackToHelvetica() throws {
        let bytes = try LetterRenderer.render(Fixtures.decision, typeface: .helvetica, creationDate: Fixtures.date)
        PDFInspection.assertWellFormed(bytes, pages: 1)
        if let text = try PDFInspection.text(bytes).map(PDFInspection.flattened) {
            XCTAssertTrue(text.contains("Objet : Décision sur votre demande d’asile"), text)
        }
    }

    func testArabicLettersAreEmbeddedThoughNotShaped() throws {
        var letter = Fixtures.decision
        letter.recipientLines = ["أمل حداد", "Rennes"]
        let bytes = try LetterRenderer.render(letter, creationDate: Fixtures.date)
        PDFInspection.assertWellFormed(bytes, pages: 1)
        if let text = try PDFInspection.text(bytes) {
            XCTAssertTrue(text.contains("ح"), "Arabic letters present (order and joining not guaranteed)")
        }
    }

    func testReceiptIsAValidOnePagePDF() throws {
        let bytes = try ReceiptRenderer.render(Fixtures.receipt, creationDate: Fixtures.date)
        PDFInspection.assertWellFormed(bytes, pages: 1)
        if let text = try PDFInspection.text(bytes).map(PDFInspection.flattened) {
            for expected in [
                "Accusé de notification", "Numéro étranger", "7501234567",
                "4 mars 2025 à 18 h 40 (première consultation)", "article R.531-17 du CESEDA",
            ] {
                XCTAssertTrue(text.contains(expected), "missing \(expected) in \(text)")
            }
        }
        if let info = try PDFInspection.info(bytes) { XCTAssertEqual(info["Title"], "Accusé de notification") }
    }

    func testReceiptWithManyAndHugeRowsLosesNothing() throws {
        var rows = (1...60).map { (label: "Ligne \($0)", value: "Valeur \($0)") }
        rows.append((label: "Très longue", value: Fixtures.prose(words: 1_500) + " DERNIER"))
        let bytes = try ReceiptRenderer.render(Receipt(title: "Reçu", rows: rows, footer: "Pied de page"))
        let pages = PDFInspection.pageObjectCount(bytes)
        XCTAssertGreaterThan(pages, 2)
        PDFInspection.assertWellFormed(bytes, pages: pages)
        if let text = try PDFInspection.text(bytes).map(PDFInspection.flattened) {
            XCTAssertTrue(text.contains("Valeur 60"))
            XCTAssertTrue(text.contains("DERNIER"))
            XCTAssertTrue(text.contains("Pied de page"))
        }
    }

    func testLettersCanBeAppendedToOneDocument() throws {
        let document = try PDFDocument(title: "Dossier", author: "Tests", typeface: .dejaVuSans, creationDate: Fixtures.date)
        try LetterRenderer.draw(Fixtures.decision, in: document)
        try ReceiptRenderer.draw(Fixtures.receipt, in: document)
        PDFInspection.assertWellFormed(try document.data(), pages: 2)
    }
}
