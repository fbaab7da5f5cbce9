import Barcode
import Domain
import Foundation
import Security
import XCTest

final class QRCodeTests: XCTestCase {
    func testMatrixShape() throws {
        let code = try QRCode(encoding: "https://example.org/v")
        // Versions grow by 4 modules from 21 (version 1) to 177 (version 40).
        XCTAssertEqual((code.size - 17) % 4, 0)
        XCTAssertEqual(code.modules.count, code.size * code.size)
        // Finder patterns: dark corners, light separators; off the symbol reads as light.
        XCTAssertTrue(code.isDark(x: 0, y: 0))
        XCTAssertTrue(code.isDark(x: code.size - 1, y: 0))
        XCTAssertTrue(code.isDark(x: 0, y: code.size - 1))
        XCTAssertFalse(code.isDark(x: 7, y: 7))
        XCTAssertFalse(code.isDark(x: -1, y: 0))
        XCTAssertFalse(code.isDark(x: 0, y: code.size))
        XCTAssertEqual(try QRCode(encoding: "https://example.org/v"), code)
        XCTAssertGreaterThan(try QRCode(encoding: "https://example.org/v", correction: .high).size, code.size - 1)
    }

    func testEncodingErrors() {
        XCTAssertThrowsError(try QRCode(encoding: "")) { XCTAssertEqual($0 as? QRCode.EncodingError, .empty) }
        XCTAssertThrowsError(try QRCode(encoding: String(repeating: "x", count: 2_332))) {
            XCTAssertEqual($0 as? QRCode.EncodingError, .tooLong(bytes: 2_332, capacity: 2_331))
        }
        XCTAssertNoThrow(try QRCode(encoding: String(repeating: "x", count: 2_953), correction: .low))
        XCTAssertNoThrow(try QRCode(encoding: "nul \0 inside"))
    }

    func testSVG() throws {
        let code = try QRCode(encoding: "DC04")
        let svg = code.svg(moduleSize: 5, quietZone: 4, label: "Code \"2D-Doc\" <signé>")
        let side = code.size + 8
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\""))
        XCTAssertTrue(svg.hasSuffix("</svg>"))
        XCTAssertTrue(svg.contains("shape-rendering=\"crispEdges\""))
        XCTAssertTrue(svg.contains("viewBox=\"0 0 \(side) \(side)\""))
        XCTAssertTrue(svg.contains("width=\"\(side * 5)\""))
        XCTAssertTrue(svg.contains("aria-label=\"Code &quot;2D-Doc&quot; &lt;signé&gt;\""))
        XCTAssertEqual(svg.components(separatedBy: "<path").count, 2)
        // The top-left finder pattern's first row is one run of 7 modules, after the quiet zone.
        XCTAssertTrue(svg.contains("d=\"M4 4h7v1h-7z"))
    }

    /// Decoded by an independent reader (zbar) from a bitmap drawn from `modules`.
    func testZbarReadsWhatWasEncoded() throws {
        guard let zbarimg = Self.executable("zbarimg") else { throw XCTSkip("zbarimg (zbar-tools) is not installed") }
        let key = DocumentSigningKey.generate()
        let document = TwoDDoc(
            header: .init(
                authority: "AP01", certificate: key.certificateId, issued: CivilDate(year: 2026, month: 12, day: 3)!,
                signed: CivilDate(year: 2026, month: 12, day: 3)!, documentType: TwoDDoc.DocumentType.attestation),
            fields: [TwoDDoc.Field(id: "AN", value: "API-1"), TwoDDoc.Field(id: "NM", value: "DOE"), TwoDDoc.Field(id: "TR", value: "1")])
        let texts = [
            "https://portal.example.fr/attestation/verify?d=DC04AP01%1DNMDOE%1F" + String(repeating: "A", count: 103),
            "https://example.org/",
            document.text(signature: try key.sign(Array(document.message.utf8))),
        ]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (index, text) in texts.enumerated() {
            for correction in [QRCode.Correction.low, .high] {
                let file = directory.appendingPathComponent("\(index)-\(correction).pgm")
                try Self.pgm(try QRCode(encoding: text, correction: correction), scale: 4, quietZone: 4).write(to: file)
                let (status, output) = try Self.run(zbarimg, ["--raw", "-q", file.path])
                XCTAssertEqual(status, 0, "zbarimg could not read \(text.debugDescription)")
                // zbar ends each symbol with a newline.
                XCTAssertEqual(output.hasSuffix("\n") ? String(output.dropLast()) : output, text)
            }
        }
    }

    /// Binary PGM (P5): white quiet zone, each module `scale` pixels wide.
    static func pgm(_ code: QRCode, scale: Int, quietZone: Int) -> Data {
        let side = (code.size + 2 * quietZone) * scale
        var data = Data("P5\n\(side) \(side)\n255\n".utf8)
        for py in 0..<side {
            for px in 0..<side {
                data.append(code.isDark(x: px / scale - quietZone, y: py / scale - quietZone) ? 0 : 255)
            }
        }
        return data
    }

    static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let candidates = path.split(separator: ":").map { "\($0)/\(name)" } + ["/usr/bin/\(name)", "/usr/local/bin/\(name)"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
