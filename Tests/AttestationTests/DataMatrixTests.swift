import Barcode
import Foundation
import XCTest

final class DataMatrixTests: XCTestCase {
    /// Shaped like a signed 2D-Doc: header, fields ended by GS, US, then a Base32 signature.
    static let twoDDoc =
        "DC04AP00ABCD1A2B1A2BA101FR" + "ANAPI-2026-000043\u{1D}NMHAILE\u{1D}PNSELAM\u{1D}DN11021993" + "\u{1F}"
        + String(repeating: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", count: 4).prefix(103)

    func testSymbolIsSquareWithItsFinderPattern() throws {
        for text in ["HELLO", Self.twoDDoc, String(repeating: "x", count: 1_000)] {
            let code = try DataMatrix(encoding: text)
            XCTAssertEqual(code.width, code.height)
            XCTAssertEqual(code.modules.count, code.width * code.height)
            XCTAssertTrue((10...144).contains(code.width), "\(code.width)")
            let last = code.width - 1
            // Solid L on the left and bottom edges, alternating clock track on top and right:
            // a matrix read upside down would fail here.
            for i in 0...last {
                XCTAssertTrue(code.isDark(x: 0, y: i), "left edge, row \(i)")
                XCTAssertTrue(code.isDark(x: i, y: last), "bottom edge, column \(i)")
                XCTAssertEqual(code.isDark(x: i, y: 0), i % 2 == 0, "top edge, column \(i)")
                XCTAssertEqual(code.isDark(x: last, y: i), i % 2 == 1, "right edge, row \(i)")
            }
            XCTAssertFalse(code.isDark(x: -1, y: 0))
            XCTAssertFalse(code.isDark(x: 0, y: code.height))
        }
        XCTAssertEqual(try DataMatrix(encoding: "HELLO").width, 12)
        XCTAssertEqual(try DataMatrix(encoding: Self.twoDDoc), try DataMatrix(encoding: Array(Self.twoDDoc.utf8)))
    }

    /// The matrix pasted into PDFTests' AnefDocumentTests (which cannot import Barcode).
    func testHelloMatchesThePDFTestsLiteral() throws {
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
        let code = try DataMatrix(encoding: "HELLO")
        let drawn = (0..<code.height).map { y in String((0..<code.width).map { code.isDark(x: $0, y: y) ? "X" : "." }) }
        XCTAssertEqual(drawn, rows)
    }

    func testEncodingErrors() {
        XCTAssertThrowsError(try DataMatrix(encoding: "")) { XCTAssertEqual($0 as? DataMatrix.EncodingError, .empty) }
        XCTAssertThrowsError(try DataMatrix(encoding: [UInt8]())) {
            XCTAssertEqual($0 as? DataMatrix.EncodingError, .empty)
        }
        // 144×144 holds 1558 codewords: that many letters, twice as many digits, half as many
        // bytes above 127.
        XCTAssertEqual(try DataMatrix(encoding: String(repeating: "x", count: 1_558)).width, 144)
        XCTAssertThrowsError(try DataMatrix(encoding: String(repeating: "x", count: 1_559))) {
            XCTAssertEqual($0 as? DataMatrix.EncodingError, .tooLong(bytes: 1_559))
        }
        XCTAssertNoThrow(try DataMatrix(encoding: String(repeating: "7", count: 3_116)))
        XCTAssertNoThrow(try DataMatrix(encoding: [UInt8](repeating: 0xFF, count: 779)))
        for bytes in [
            [UInt8](repeating: 0xFF, count: 780), [UInt8](repeating: 0xFF, count: 3_116),
            [UInt8](repeating: 0x31, count: 3_117), [UInt8](repeating: 0, count: 1_000_000),
        ] {
            XCTAssertThrowsError(try DataMatrix(encoding: bytes)) {
                XCTAssertEqual($0 as? DataMatrix.EncodingError, .tooLong(bytes: bytes.count))
            }
        }
        XCTAssertNoThrow(try DataMatrix(encoding: "nul \0 inside"))
    }

    func testConcurrentEncodingsAgree() throws {
        let expected = try DataMatrix(encoding: Self.twoDDoc)
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 64) { index in
            results.append(try? DataMatrix(encoding: index % 2 == 0 ? Self.twoDDoc : "HELLO"))
        }
        let codes = results.all
        XCTAssertEqual(codes.count, 64)
        XCTAssertEqual(codes.filter { $0 == expected }.count, 32)
        XCTAssertEqual(codes.filter { $0 == (try? DataMatrix(encoding: "HELLO")) }.count, 32)
    }

    /// Decoded by libdmtx's own reader from a bitmap drawn from `modules` with the 2-module quiet
    /// zone the PDFs use: the bytes, GS and US included, come back exactly.
    func testDmtxreadReadsBackTheExactBytes() throws {
        guard let dmtxread = QRCodeTests.executable("dmtxread") else {
            throw XCTSkip("dmtxread (dmtx-utils) is not installed")
        }
        let inputs: [[UInt8]] = [
            Array(Self.twoDDoc.utf8), Array("HELLO".utf8), Array("Prénom : Émilie, née à Alep".utf8),
            Array("0123456789012345678901234567890123".utf8), [0x1D, 0x1F, 0x00, 0x7F, 0x80, 0xFF],
        ]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dmtx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (index, bytes) in inputs.enumerated() {
            let code = try DataMatrix(encoding: bytes)
            let file = directory.appendingPathComponent("\(index).pbm")
            try Self.pbm(code, scale: 4, quietZone: 2).write(to: file)
            // -N1: stop at the first symbol; without -n nor -U the bytes come out as they are.
            let (status, output) = try Self.run(dmtxread, ["-N1", file.path])
            XCTAssertEqual(status, 0, "dmtxread could not read \(bytes)")
            XCTAssertEqual(Array(output), bytes)
        }
    }

    /// Binary PBM (P4): rows padded to whole bytes, 1 = black.
    static func pbm(_ code: DataMatrix, scale: Int, quietZone: Int) -> Data {
        let width = (code.width + 2 * quietZone) * scale
        let height = (code.height + 2 * quietZone) * scale
        var data = Data("P4\n\(width) \(height)\n".utf8)
        for py in 0..<height {
            var row = [UInt8](repeating: 0, count: (width + 7) / 8)
            for px in 0..<width where code.isDark(x: px / scale - quietZone, y: py / scale - quietZone) {
                row[px / 8] |= 0x80 >> UInt8(px % 8)
            }
            data.append(contentsOf: row)
        }
        return data
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}

/// Collects results from concurrent work.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var codes: [DataMatrix] = []

    func append(_ code: DataMatrix?) {
        guard let code else { return }
        lock.withLock { codes.append(code) }
    }

    var all: [DataMatrix] { lock.withLock { codes } }
}
