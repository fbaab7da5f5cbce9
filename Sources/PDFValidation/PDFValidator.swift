import Domain
import Foundation
import QPDFScan

/// Validates an uploaded PDF: the byte checks of `PDFCheck`, then qpdf reads the structure and
/// `PDFCheck` decides from what it found. The only place the app touches qpdf.
public enum PDFValidator {
    public static func problem(in bytes: [UInt8]) -> PDFCheck.Problem? {
        if let problem = PDFCheck.problem(in: bytes) { return problem }
        return PDFCheck.problem(with: findings(in: bytes))
    }

    /// What qpdf finds, decoding at most `decodedLimit` bytes of stream data in all.
    public static func findings(in bytes: [UInt8], decodedLimit: UInt64 = PDFCheck.maximumDecodedBytes) -> PDFCheck.Findings {
        let watched = PDFCheck.watchedNames
        precondition(watched.count <= 64, "qpdf_scan reports at most 64 names")
        var report = qpdf_scan_report()
        let cNames = watched.map { strdup($0) }
        defer { for name in cNames { free(name) } }
        let pointers: [UnsafePointer<CChar>?] = cNames.map { UnsafePointer($0) }
        bytes.withUnsafeBufferPointer { data in
            pointers.withUnsafeBufferPointer { names in
                _ = qpdf_scan(data.baseAddress, data.count, names.baseAddress, names.count, decodedLimit, &report)
            }
        }
        var found = Set<String>()
        for (i, name) in watched.enumerated() where report.found_mask & (1 << UInt64(i)) != 0 { found.insert(name) }
        return PDFCheck.Findings(
            parsed: report.parsed == 1, needsPassword: report.needs_password == 1,
            encrypted: report.encrypted == 1, warnings: Int(report.warnings),
            decodedOverLimit: report.decoded_over_limit == 1, names: found,
            detail: report.parsed == 1 ? nil : message(report.error))
    }

    static func message<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
