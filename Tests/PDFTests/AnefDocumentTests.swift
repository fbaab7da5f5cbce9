import Foundation
import XCTest

@testable import PDF

/// The attestation and receipt, read back with poppler (text, word boxes, rasterising) and, where
/// installed, zbar (the barcode must scan) and qrencode (a real, larger QR code).
final class AnefDocumentTests: XCTestCase {
    func testAttestationSaysInPlainWordsWhatItAllowsAndWhatItDoesNot() throws {
        let bytes = try AnefDocumentRenderer.attestation(AnefSamples.attestation, creationDate: Fixtures.date)
        PDFInspection.assertWellFormed(bytes, pages: 1)
        guard let text = try PDFInspection.text(bytes).map(PDFInspection.flattened) else { return }
        for expected in [
            "Préfecture d'Ille-et-Vilaine", "Attestation de prolongation d'instruction",
            "HADDAD", "Amira Nour", "12/03/1990", "Alep (Syrie)", "syrienne", "7501234567",
            "reconnu(e) réfugié(e)", "enregistrée sous le n° 3502-2025-000123",
            "du 01/04/2025 au 30/09/2025", "12 rue de l’Hôtel-Dieu", "35000 Rennes",
            "délivrée le 01/04/2025", "Attestation n° API-2025-000042",
            AnefDocumentRenderer.rightToWork, "n'est pas un document de voyage",
            AnefDocumentRenderer.notATravelDocument,
            "Vérifiez ce document : portail.example.fr/verifier", "Signé électroniquement (2D-Doc)",
        ] {
            XCTAssertTrue(text.contains(expected), "missing \(expected) in \(text)")
        }
        XCTAssertTrue(
            text.contains(
                "Cette attestation autorise son titulaire à travailler en France, dans la profession de son choix, salariée ou non salariée."
            ))
        for absent in ["schengen", "libre circulation", "circuler librement", "remplace", "jeton-secret"] {
            XCTAssertFalse(text.lowercased().contains(absent), "\(absent) in \(text)")
        }
    }

    func testEachStandingHasItsOwnWording() throws {
        let wordings: [ProtectionStanding: String] = [
            .refugee: "reconnu(e) réfugié(e)",
            .subsidiaryProtection: "bénéficiaire de la protection subsidiaire",
            .familyOfRefugee: "membre de famille d'un réfugié",
            .familyOfSubsidiaryProtection: "membre de la famille d'un bénéficiaire de la protection subsidiaire",
        ]
        for (standing, wording) in wordings {
            var attestation = AnefSamples.attestation
            attestation.standing = standing
            let bytes = try AnefDocumentRenderer.attestation(attestation, creationDate: Fixtures.date)
            PDFInspection.assertWellFormed(bytes, pages: 1)
            guard let text = try PDFInspection.text(bytes).map(PDFInspection.flattened) else { return }
            XCTAssertTrue(text.contains("Qualité " + wording), "\(standing): \(text)")
            for (other, otherWording) in wordings where other != standing && !wording.contains(otherWording) {
                XCTAssertFalse(text.contains(otherWording), "\(standing) also says \(otherWording)")
            }
            XCTAssertTrue(text.contains(AnefDocumentRenderer.rightToWork), "\(standing)")
            XCTAssertFalse(text.lowercased().contains("schengen"))
        }
    }

    func testRenewalNamesTheAttestationItReplaces() throws {
        var attestation = AnefSamples.attestation
        attestation.replaces = "API-2024-000007"
        let bytes = try AnefDocumentRenderer.attestation(attestation, creationDate: Fixtures.date)
        PDFInspection.assertWellFormed(bytes, pages: 1)
        guard let text = try PDFInspection.text(bytes).map(PDFInspection.flattened) else { return }
        XCTAssertTrue(text.contains("Elle remplace l'attestation n° API-2024-000007."), text)
    }

    func testFilingReceiptListsTheRequestAndWhoCanRelyOnIt() throws {
        let bytes = try AnefDocumentRenderer.filingReceipt(AnefSamples.receipt, creationDate: Fixtures.date)
        PDFInspection.assertWellFormed(bytes, pages: 1)
        guard let text = try PDFInspection.text(bytes).map(PDFInspection.flattened) else { return }
        for expected in [
            "Récépissé de dépôt de demande de titre de séjour", "HADDAD", "Amira Nour",
            "Date de naissance 12/03/1990", "Nationalité ou statut réfugiée (protection reconnue par l’OFPRA)",
            "12 rue de l’Hôtel-Dieu", "35000 Rennes", "N° étranger 7501234567",
            "N° de demande 3502-2025-000123", "Date de dépôt 28/03/2025", "Préfecture d'Ille-et-Vilaine",
            "CAF", "France Travail", "employeur", "Vérifiez ce document : portail.example.fr/verifier",
            "Signé électroniquement (2D-Doc)",
        ] {
            XCTAssertTrue(text.contains(expected), "missing \(expected) in \(text)")
        }
        XCTAssertFalse(text.lowercased().contains("schengen"))
        if let info = try PDFInspection.info(bytes) {
            XCTAssertEqual(info["Title"], "Récépissé de dépôt de demande de titre de séjour")
        }
    }

    func testLongNamesAndAddressesWrapInsideOnePage() throws {
        var attestation = AnefSamples.attestation
        attestation.surnames = "AL-HASHIMI BEN ABDELRAHMANE EL-MOUSSAOUI DE LA SANTÍSSIMA TRINIDAD OUEDRAOGO"
        attestation.givenNames = "Mohammed Abdelkader Fatima-Zahra Marie-Thérèse Jean-Baptiste"
        attestation.birthPlace = "Saint-Pierre-et-Miquelon-sur-le-Grand-Fleuve, province du Nord-Ouest (République centrafricaine)"
        attestation.address = [
            "Chez Mme Marie-Françoise Lebrun-Delacroix, association d’accueil des demandeurs d’asile et réfugiés",
            "Centre provisoire d’hébergement, bâtiment B, escalier 4, 3e étage, porte gauche",
            "147 boulevard du Maréchal-de-Lattre-de-Tassigny",
            "35000 Rennes",
        ]
        attestation.replaces = "API-2024-000007"
        let bytes = try AnefDocumentRenderer.attestation(attestation, creationDate: Fixtures.date)
        PDFInspection.assertWellFormed(bytes, pages: 1)
        guard let text = try PDFInspection.text(bytes) else { return }
        let squeezed = text.filter { !$0.isWhitespace }
        for expected in [attestation.surnames, attestation.givenNames, attestation.birthPlace] + attestation.address {
            XCTAssertTrue(squeezed.contains(expected.filter { !$0.isWhitespace }), "missing \(expected)")
        }
        try AnefSamples.assertInsideTheTextArea(bytes)
    }

    func testAbsurdlyLongTextFlowsOntoAnotherPageAndNeverUnderTheBarcode() throws {
        var receipt = AnefSamples.receipt
        receipt.surnames = String(repeating: "Abdelrahmane", count: 12) + " FINNOM"
        receipt.address = (1...40).map { "Ligne d’adresse \($0)" } + ["DERNIÈRE LIGNE"]
        let bytes = try AnefDocumentRenderer.filingReceipt(receipt, creationDate: Fixtures.date)
        let pages = PDFInspection.pageObjectCount(bytes)
        XCTAssertGreaterThanOrEqual(pages, 2)
        PDFInspection.assertWellFormed(bytes, pages: pages)
        guard let text = try PDFInspection.text(bytes).map(PDFInspection.flattened) else { return }
        for expected in ["FINNOM", "Ligne d’adresse 20", "DERNIÈRE LIGNE", "Date de dépôt 28/03/2025", "France Travail"] {
            XCTAssertTrue(text.contains(expected), "missing \(expected)")
        }
        if let last = try PDFInspection.text(bytes, page: pages) {
            XCTAssertTrue(last.contains("2D-Doc"), "the barcode block is on the last page")
            XCTAssertTrue(last.contains("\(pages)/\(pages)"))
        }
        try AnefSamples.assertInsideTheTextArea(bytes)
    }

    func testNamesOutsideWindows1252DegradeGracefully() throws {
        var attestation = AnefSamples.attestation
        attestation.surnames = "NGUYỄN"
        attestation.givenNames = "Łukasz Thị"
        attestation.birthPlace = "Đà Nẵng (Viêt Nam) 😀"
        let unicode = try AnefDocumentRenderer.attestation(attestation, creationDate: Fixtures.date)
        PDFInspection.assertWellFormed(unicode, pages: 1)
        if let text = try PDFInspection.text(unicode) {
            XCTAssertTrue(text.contains("NGUYỄN"), text)
            XCTAssertTrue(text.contains("Łukasz"), text)
        }
        // Without the TrueType font, characters outside Windows-1252 become "?" but the page
        // still comes out, French accents intact.
        let helvetica = try AnefDocumentRenderer.attestation(
            attestation, creationDate: Fixtures.date, typeface: .helvetica)
        PDFInspection.assertWellFormed(helvetica, pages: 1)
        if let text = try PDFInspection.text(helvetica).map(PDFInspection.flattened) {
            XCTAssertTrue(text.contains("NGUY?N"), text)
            XCTAssertTrue(text.contains("?ukasz"), text)
            XCTAssertTrue(text.contains(AnefDocumentRenderer.rightToWork), text)
        }
    }

    func testRenderingIsReproducible() throws {
        let first = try AnefDocumentRenderer.attestation(AnefSamples.attestation, creationDate: Fixtures.date)
        let second = try AnefDocumentRenderer.attestation(AnefSamples.attestation, creationDate: Fixtures.date)
        XCTAssertEqual(first, second)
    }

    func testBarcodeScansBackFromTheRenderedPage() throws {
        let attestation = try AnefDocumentRenderer.attestation(AnefSamples.attestation, creationDate: Fixtures.date)
        XCTAssertEqual(try AnefSamples.scan(attestation), ["HELLO"])
        let receipt = try AnefDocumentRenderer.filingReceipt(AnefSamples.receipt, creationDate: Fixtures.date)
        XCTAssertEqual(try AnefSamples.scan(receipt), ["HELLO"])
    }

    func testARealVerificationURLCodeScansBack() throws {
        let url = "https://portail.example.fr/verifier/API-2025-000042?t=4F3Q9ZKX7M2P8R5T"
        var attestation = AnefSamples.attestation
        attestation.barcode = try AnefSamples.qrencode(url)
        XCTAssertGreaterThan(attestation.barcode.size, 21)
        let bytes = try AnefDocumentRenderer.attestation(attestation, creationDate: Fixtures.date)
        XCTAssertEqual(try AnefSamples.scan(bytes), [url])
    }

    func testDataMatrixScansBackBesideTheQRCode() throws {
        var attestation = AnefSamples.attestation
        attestation.dataMatrix = AnefSamples.helloDataMatrix
        var receipt = AnefSamples.receipt
        receipt.dataMatrix = AnefSamples.helloDataMatrix
        for bytes in [
            try AnefDocumentRenderer.attestation(attestation, creationDate: Fixtures.date),
            try AnefDocumentRenderer.filingReceipt(receipt, creationDate: Fixtures.date),
        ] {
            PDFInspection.assertWellFormed(bytes, pages: 1)
            XCTAssertEqual(try AnefSamples.dmtxread(bytes), Array("HELLO".utf8))
            // The QR code is untouched: zbar still reads it at 150 dpi and at the 200 dpi of the
            // end-to-end test.
            XCTAssertEqual(try AnefSamples.scan(bytes), ["HELLO"])
            XCTAssertEqual(try AnefSamples.scan(bytes, dpi: 200), ["HELLO"])
            try AnefSamples.assertInsideTheTextArea(bytes)
            guard let text = try PDFInspection.text(bytes).map(PDFInspection.flattened) else { return }
            XCTAssertTrue(text.contains("Vérifiez ce document : portail.example.fr/verifier"), text)
            XCTAssertTrue(text.contains("Signé électroniquement (2D-Doc)"), text)
            // The caption under the Data Matrix, besides "Signé électroniquement (2D-Doc)".
            XCTAssertEqual(text.components(separatedBy: "2D-Doc").count, 3, text)
        }
    }

    /// A Data Matrix of 2D-Doc size (`dmtxwrite`, ASCII encodation like the Barcode module) from
    /// a text with GS and US separators: the exact bytes come back from the page.
    func testARealTwoDDocDataMatrixScansBack() throws {
        let text =
            "DC04AP00ABCD1A2B1A2BA101FRANAPI-2025-000042\u{1D}NMHADDAD\u{1D}PNAMIRA NOUR\u{1D}DN12031990"
            + "\u{1F}" + String(repeating: "QWERTYUIOPASDFGHJKLZXCVBNM234567", count: 4).prefix(103)
        var attestation = AnefSamples.attestation
        attestation.dataMatrix = try AnefSamples.dmtxwrite(Array(text.utf8))
        XCTAssertGreaterThanOrEqual(attestation.dataMatrix?.size ?? 0, 40)
        let bytes = try AnefDocumentRenderer.attestation(attestation, creationDate: Fixtures.date)
        XCTAssertEqual(try AnefSamples.dmtxread(bytes), Array(text.utf8))
        XCTAssertEqual(try AnefSamples.scan(bytes), ["HELLO"])
    }

    func testBarcodeIsDrawnAsRunsOfDarkModules() {
        let barcode = PDFBarcode(
            size: 4,
            modules: [
                true, true, false, true,
                false, false, false, false,
                true, true, true, true,
                false, true, true, false,
            ])
        XCTAssertEqual(barcode.darkRuns(inRow: 0).map { [$0.start, $0.length] }, [[0, 2], [3, 1]])
        XCTAssertTrue(barcode.darkRuns(inRow: 1).isEmpty)
        XCTAssertEqual(barcode.darkRuns(inRow: 2).map { [$0.start, $0.length] }, [[0, 4]])
        XCTAssertEqual(barcode.darkRuns(inRow: 3).map { [$0.start, $0.length] }, [[1, 2]])
    }

    func testMalformedBarcodeIsRefused() {
        for barcode in [
            PDFBarcode(size: 21, modules: Array(repeating: true, count: 20)),
            PDFBarcode(size: 0, modules: []),
            PDFBarcode(size: -3, modules: []),
            PDFBarcode(size: 1_000, modules: Array(repeating: false, count: 1_000_000)),
        ] {
            var attestation = AnefSamples.attestation
            attestation.barcode = barcode
            XCTAssertThrowsError(try AnefDocumentRenderer.attestation(attestation)) { error in
                guard case PDFError.invalidArgument = error else { return XCTFail("\(error)") }
            }
            var receipt = AnefSamples.receipt
            receipt.barcode = barcode
            XCTAssertThrowsError(try AnefDocumentRenderer.filingReceipt(receipt))
            // The same checks hold for the Data Matrix beside a valid QR code.
            attestation = AnefSamples.attestation
            attestation.dataMatrix = barcode
            XCTAssertThrowsError(try AnefDocumentRenderer.attestation(attestation))
            receipt = AnefSamples.receipt
            receipt.dataMatrix = barcode
            XCTAssertThrowsError(try AnefDocumentRenderer.filingReceipt(receipt))
        }
    }

    func testVerificationAddressKeepsOnlyTheHost() {
        let cases = [
            "https://portail.example.fr/verifier/abc?t=secret": "portail.example.fr/verifier",
            "HTTPS://Portail.Example.FR": "portail.example.fr/verifier",
            "http://localhost:8080/v/1": "localhost:8080/verifier",
            "portail.example.fr/v/abc": "portail.example.fr/verifier",
            "  https://portail.example.fr/x  ": "portail.example.fr/verifier",
        ]
        for (url, expected) in cases {
            XCTAssertEqual(AnefDocumentRenderer.verificationAddress(url), expected, url)
        }
    }
}

private enum AnefSamples {
    /// Version 1-L QR code for "HELLO" (from `qrencode -t ASCII -m 0 HELLO`); X = dark.
    static let hello: PDFBarcode = {
        let rows = [
            "XXXXXXX..X..X.XXXXXXX",
            "X.....X.X..X..X.....X",
            "X.XXX.X..X....X.XXX.X",
            "X.XXX.X.X..X..X.XXX.X",
            "X.XXX.X...XXX.X.XXX.X",
            "X.....X.XXX.X.X.....X",
            "XXXXXXX.X.X.X.XXXXXXX",
            "..........XXX........",
            "XXXXX.XXXX..XX.X.X.X.",
            "X.X..X......X..X.XXXX",
            "......X.XXXX.X..XX..X",
            ".XXXXX.X..X....XX....",
            ".XX..XX.XXXX.X..X.X..",
            "........XX.XXXX..X.XX",
            "XXXXXXX.X.X.X.XX..X.X",
            "X.....X..XXXXXX..X..X",
            "X.XXX.X.X...X..X..X..",
            "X.XXX.X.X.X.X..X..X..",
            "X.XXX.X.X..X.X..X.X..",
            "X.....X.X.X....XX.X.X",
            "XXXXXXX.X..X.X..X.X..",
        ]
        return PDFBarcode(size: rows.count, modules: rows.flatMap { $0.map { $0 == "X" } })
    }()

    /// 12×12 Data Matrix for "HELLO" (from `dmtxwrite -p`, checked against the Barcode module's
    /// encoder in AttestationTests); X = dark, top row first.
    static let helloDataMatrix: PDFBarcode = {
        let rows = [
            "X.X.X.X.X.X.",
            "X.XX.X..X.XX",
            "X....XX.X...",
            "XXX..X..X..X",
            "XX.....X.XX.",
            "XX...X....XX",
            "XX.....X.X..",
            "XX.X..X.XXXX",
            "XXX.X.XX..X.",
            "X.X.XX.XXX.X",
            "X..X.X.XX.X.",
            "XXXXXXXXXXXX",
        ]
        return PDFBarcode(size: rows.count, modules: rows.flatMap { $0.map { $0 == "X" } })
    }()

    static let attestation = ProlongationAttestation(
        number: "API-2025-000042", surnames: "HADDAD", givenNames: "Amira Nour", birthDate: "12/03/1990",
        birthPlace: "Alep (Syrie)", nationality: "syrienne", standing: .refugee, foreignerNumber: "7501234567",
        requestNumber: "3502-2025-000123", address: ["SPADA de Rennes", "12 rue de l’Hôtel-Dieu", "35000 Rennes"],
        prefecture: "Préfecture d'Ille-et-Vilaine", validFrom: "01/04/2025", validUntil: "30/09/2025",
        issuedOn: "01/04/2025", verificationURL: "https://portail.example.fr/verifier/API-2025-000042?t=jeton-secret",
        barcode: hello)

    static let receipt = FilingReceipt(
        requestNumber: "3502-2025-000123", surnames: "HADDAD", givenNames: "Amira Nour", birthDate: "12/03/1990",
        nationalityOrStatus: "réfugiée (protection reconnue par l’OFPRA)",
        address: ["SPADA de Rennes", "12 rue de l’Hôtel-Dieu", "35000 Rennes"], foreignerNumber: "7501234567",
        filedOn: "28/03/2025", prefecture: "Préfecture d'Ille-et-Vilaine",
        verificationURL: "https://portail.example.fr/verifier/R-3502-2025-000123?t=jeton-secret", barcode: hello)

    /// Every word's box (from `pdftotext -bbox`, top-left origin) lies within the 2 cm margins,
    /// and none but the barcode caption and footer reaches into the barcode's band at the bottom.
    static func assertInsideTheTextArea(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws {
        guard PDFInspection.tool("pdftotext") != nil else { return XCTFail("pdftotext missing", file: file, line: line) }
        let html = try run("pdftotext", ["-bbox", "-enc", "UTF-8"], input: bytes)
        let margin = 2 * pointsPerCentimetre
        let (width, height) = (595.276, 841.89)
        let bandTop = height - margin - 4 * pointsPerCentimetre - 14  // top of the barcode band
        let regex = try NSRegularExpression(
            pattern: #"<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>"#)
        let matches = regex.matches(in: html, range: NSRange(html.startIndex..., in: html))
        XCTAssertGreaterThan(matches.count, 50, "words found", file: file, line: line)
        for match in matches {
            let number = { (index: Int) in Double(html[Range(match.range(at: index), in: html)!])! }
            let word = String(html[Range(match.range(at: 5), in: html)!])
            let (xMin, yMin, xMax, yMax) = (number(1), number(2), number(3), number(4))
            XCTAssertGreaterThanOrEqual(xMin, margin - 0.5, word, file: file, line: line)
            XCTAssertLessThanOrEqual(xMax, width - margin + 0.5, word, file: file, line: line)
            XCTAssertGreaterThanOrEqual(yMin, margin - 0.5, word, file: file, line: line)
            XCTAssertLessThanOrEqual(yMax, height - margin / 2 + 2, word, file: file, line: line)
            // The band holds only the caption (left of the code) and the footer (below it).
            if yMax > bandTop + 1, yMin < height - margin {
                XCTAssertLessThan(xMax, width - margin - 4 * pointsPerCentimetre, word, file: file, line: line)
            }
        }
    }

    /// The codes zbar finds on the last page rasterised at 150 dpi (a laser printout's worth).
    static func scan(_ bytes: [UInt8], dpi: Int = 150) throws -> [String] {
        for tool in ["pdftoppm", "zbarimg"] where PDFInspection.tool(tool) == nil {
            throw XCTSkip("\(tool) is not installed (poppler-utils, zbar-tools)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("anef-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pdf = directory.appendingPathComponent("page.pdf")
        try Data(bytes).write(to: pdf)
        let prefix = directory.appendingPathComponent("page").path
        _ = try run("pdftoppm", ["-r", "\(dpi)", "-png", "-singlefile", pdf.path, prefix])
        let output = try run("zbarimg", ["--quiet", "--raw", prefix + ".png"])
        return output.split(separator: "\n").map(String.init)
    }

    /// The bytes of the first Data Matrix libdmtx's reader finds on the last page at 300 dpi.
    static func dmtxread(_ bytes: [UInt8]) throws -> [UInt8] {
        for tool in ["pdftoppm", "dmtxread"] where PDFInspection.tool(tool) == nil {
            throw XCTSkip("\(tool) is not installed (poppler-utils, dmtx-utils)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("anef-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pdf = directory.appendingPathComponent("page.pdf")
        try Data(bytes).write(to: pdf)
        let prefix = directory.appendingPathComponent("page").path
        _ = try run("pdftoppm", ["-r", "300", "-png", "-singlefile", pdf.path, prefix])
        // -N1: the first symbol; without -n nor -U the bytes come out as they are (GS, US).
        return try runData("dmtxread", ["-N1", prefix + ".png"])
    }

    /// A Data Matrix from the `dmtxwrite` CLI (Debian `dmtx-utils`), read off its `-p` preview
    /// (4 spaces, then "XX" or two spaces a module), or a skip without it.
    static func dmtxwrite(_ bytes: [UInt8]) throws -> PDFBarcode {
        guard PDFInspection.tool("dmtxwrite") != nil else { throw XCTSkip("dmtxwrite is not installed") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("anef-\(UUID()).txt")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let preview = try run("dmtxwrite", ["-e", "a", "-s", "s", "-p", "-o", "/dev/null", file.path])
        let rows = preview.split(separator: "\n").filter { !$0.isEmpty }.map { line in
            let cells = Array(line.dropFirst(4))
            return stride(from: 0, to: cells.count, by: 2).map { cells[$0] == "X" }
        }
        XCTAssertTrue(rows.allSatisfy { $0.count == rows.count }, "square preview")
        return PDFBarcode(size: rows.count, modules: rows.flatMap { $0 })
    }

    /// A QR matrix from the `qrencode` CLI (Debian `qrencode`), or a skip without it.
    static func qrencode(_ text: String) throws -> PDFBarcode {
        guard PDFInspection.tool("qrencode") != nil else { throw XCTSkip("qrencode is not installed") }
        let ascii = try run("qrencode", ["-t", "ASCII", "-m", "0", "-l", "M", text])
        let rows = ascii.split(separator: "\n").map { row in
            stride(from: 0, to: row.count, by: 2).map { row[row.index(row.startIndex, offsetBy: $0)] == "#" }
        }
        return PDFBarcode(size: rows.count, modules: rows.flatMap { $0 })
    }

    /// Runs a tool and returns its standard output; `input` goes into a temporary file passed
    /// after the arguments, followed by "-" (poppler's "write to stdout").
    @discardableResult
    static func run(_ name: String, _ arguments: [String], input: [UInt8]? = nil) throws -> String {
        String(decoding: try runData(name, arguments, input: input), as: UTF8.self)
    }

    /// `run`, with the output as raw bytes.
    static func runData(_ name: String, _ arguments: [String], input: [UInt8]? = nil) throws -> [UInt8] {
        guard let executable = PDFInspection.tool(name) else { throw XCTSkip("\(name) is not installed") }
        var arguments = arguments
        var inputFile: URL?
        if let input {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("anef-\(UUID()).pdf")
            try Data(input).write(to: file)
            inputFile = file
            arguments += [file.path, "-"]
        }
        defer { inputFile.map { try? FileManager.default.removeItem(at: $0) } }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "\(name) \(arguments) failed")
        return Array(data)
    }
}
