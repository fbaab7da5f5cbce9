import Foundation
import XCTest

/// Checks on finished PDFs: structural facts, and text through poppler's `pdftotext` /
/// `pdfinfo` (Debian `poppler-utils`, installed by scripts/deps.sh). Without them the test
/// fails, saying so: a green run must mean the text was checked.
enum PDFInspection {
    static func assertWellFormed(
        _ bytes: [UInt8], pages expected: Int? = nil,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(Array(bytes.prefix(5)), Array("%PDF-".utf8), "header", file: file, line: line)
        let tail = String(decoding: bytes.suffix(16), as: UTF8.self)
        XCTAssertTrue(
            tail.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("%%EOF"),
            "trailer: \(tail)", file: file, line: line)
        if let expected {
            XCTAssertEqual(pageObjectCount(bytes), expected, "page objects", file: file, line: line)
        }
    }

    /// Page dictionaries ("/Type /Page", not "/Pages"). libharu leaves dictionaries uncompressed
    /// (PDF 1.3 has no object streams), so they can be counted in the raw bytes.
    static func pageObjectCount(_ bytes: [UInt8]) -> Int {
        let text = String(decoding: bytes, as: UTF8.self)
        let regex = try! NSRegularExpression(pattern: "/Type\\s*/Page(?![s\\w])")
        return regex.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text))
    }

    /// Extracted text (nil, and a test failure, when poppler is not installed). `page` limits it to one page.
    static func text(_ bytes: [UInt8], page: Int? = nil) throws -> String? {
        var arguments = ["-enc", "UTF-8"]
        if let page { arguments += ["-f", String(page), "-l", String(page)] }
        return try run("pdftotext", arguments, bytes: bytes, outputToStdout: true)
    }

    /// `pdfinfo` fields ("Title" → "…"); nil, and a test failure, when poppler is not installed.
    static func info(_ bytes: [UInt8]) throws -> [String: String]? {
        guard let output = try run("pdfinfo", ["-enc", "UTF-8"], bytes: bytes, outputToStdout: false) else {
            return nil
        }
        var fields: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    static func tool(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    private static func run(
        _ name: String, _ arguments: [String], bytes: [UInt8],
        outputToStdout: Bool
    ) throws -> String? {
        guard let executable = tool(name) else {
            XCTFail("\(name) is not on PATH: install poppler-utils (scripts/deps.sh) to check the PDF's text")
            return nil
        }
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("pdftest-\(UUID()).pdf")
        try Data(bytes).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments + [input.path] + (outputToStdout ? ["-"] : [])
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice  // libharu's ToUnicode CMap draws warnings
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "\(name) failed")
        return String(decoding: output, as: UTF8.self)
    }

    /// Collapses runs of whitespace, since pdftotext's line breaks follow the layout.
    static func flattened(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
