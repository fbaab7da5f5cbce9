import Foundation
import XCTest

@testable import PDF

final class ResourceTests: XCTestCase {
    /// 200 letters one after another: every document is freed (deinit runs) and resident memory
    /// stays flat. A leaked document with its parsed fonts costs megabytes, so 200 leaks would
    /// show far above the bound.
    func testTwoHundredLettersDoNotLeak() throws {
        weak var lastDocument: PDFDocument?
        func renderOne(_ index: Int) throws {
            var letter = Fixtures.decision
            letter.reference = "Réf. : \(index)"
            let document = try PDFDocument(title: letter.title, author: "Tests", typeface: .dejaVuSans)
            lastDocument = document
            try LetterRenderer.draw(letter, in: document)
            PDFInspection.assertWellFormed(try document.data())
            XCTAssertEqual(document.pageCount, 1)
        }
        for index in 0..<20 { try renderOne(index) }  // warm-up: allocator pools, caches
        let before = Self.residentBytes()
        for index in 0..<200 {
            try renderOne(index)
            XCTAssertNil(lastDocument, "document \(index) outlived its use")
        }
        if let before, let after = Self.residentBytes() {
            XCTAssertLessThan(after - before, 64 << 20, "resident memory grew by \((after - before) >> 20) MiB")
        }
    }

    func testPagesKeepTheirDocumentAlive() throws {
        var page: PDFPage? = try PDFDocument(title: "t", author: "a").addPage()
        try page?.text("Page seule", at: PDFPoint(x: 72, y: 700))
        weak let document = page?.document
        XCTAssertNotNil(document)
        PDFInspection.assertWellFormed(try XCTUnwrap(document).data(), pages: 1)
        page = nil
        XCTAssertNil(document)
    }

    /// libharu keeps its state per document (memory manager, error, encoders, fonts): two
    /// documents built at once on two threads come out exactly as when built one at a time.
    func testDocumentsCanBeBuiltConcurrentlyOnTwoThreads() throws {
        let letters = [Fixtures.decision, Fixtures.letter(paragraphs: [Fixtures.prose(words: 700)])]
        let expected = try letters.map { try LetterRenderer.render($0, creationDate: Fixtures.date) }
        let results = Results()
        let finished = DispatchGroup()
        for (index, letter) in letters.enumerated() {
            finished.enter()
            let thread = Thread {
                defer { finished.leave() }
                for _ in 0..<10 {
                    do {
                        let bytes = try LetterRenderer.render(letter, creationDate: Fixtures.date)
                        let receipt = try ReceiptRenderer.render(Fixtures.receipt, creationDate: Fixtures.date)
                        results.add(index, bytes, receiptPages: PDFInspection.pageObjectCount(receipt))
                    } catch {
                        results.fail("\(error)")
                    }
                }
            }
            thread.start()
        }
        XCTAssertEqual(finished.wait(timeout: .now() + 120), .success)
        let (outputs, failures, receiptPages) = results.snapshot()
        XCTAssertEqual(failures, [])
        XCTAssertEqual(receiptPages, Array(repeating: 1, count: 20))
        for index in letters.indices {
            XCTAssertEqual(outputs[index]?.count, 10)
            XCTAssertTrue(outputs[index]?.allSatisfy { $0 == expected[index] } ?? false, "thread \(index) differs")
        }
    }

    /// VmRSS from /proc (Linux); nil elsewhere.
    static func residentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ")[1])
        else { return nil }
        return kilobytes * 1024
    }
}

/// Collects what the worker threads produce.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var outputs: [Int: [[UInt8]]] = [:]
    private var failures: [String] = []
    private var receiptPages: [Int] = []

    func add(_ index: Int, _ bytes: [UInt8], receiptPages pages: Int) {
        lock.withLock {
            outputs[index, default: []].append(bytes)
            receiptPages.append(pages)
        }
    }

    func fail(_ message: String) { lock.withLock { failures.append(message) } }

    func snapshot() -> ([Int: [[UInt8]]], [String], [Int]) {
        lock.withLock { (outputs, failures, receiptPages) }
    }
}
