/// Checks that an upload is a PDF by its bytes, never by its name or declared type: a file
/// renamed `.pdf` is refused, and so is a truncated one (no end-of-file marker).
public enum PDFCheck {
    public static let maximumBytes = 10 * 1024 * 1024

    public enum Problem: String, Sendable {
        case empty = "documents.upload.empty"
        case tooLarge = "documents.upload.too_large"
        case notPDF = "documents.upload.not_pdf"
    }

    public static func problem(in bytes: [UInt8]) -> Problem? {
        if bytes.isEmpty { return .empty }
        if bytes.count > maximumBytes { return .tooLarge }
        // "%PDF-1.x" or "%PDF-2.0" must open the file (a few leading bytes of junk are tolerated by
        // readers, but a document OFPRA deposits has none).
        let header = Array("%PDF-".utf8)
        guard bytes.count > 16, bytes.starts(with: header), (49...50).contains(bytes[5]) else { return .notPDF }
        let tail = bytes.suffix(1024)
        let eof = Array("%%EOF".utf8)
        guard tail.indices.contains(where: { i in tail[i...].starts(with: eof) }) else { return .notPDF }
        return nil
    }
}
