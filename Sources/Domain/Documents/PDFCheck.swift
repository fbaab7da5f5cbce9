/// What a document OFPRA deposits may be. Two steps: the bytes themselves (never the name or
/// declared type), then what a PDF library found inside (`Findings`, filled by the PDFValidation
/// module, which holds the parser: this module stays free of C libraries).
public enum PDFCheck {
    public static let maximumBytes = 10 * 1024 * 1024
    /// Decoded size of all streams together. A scanned 10 MB letter decodes to a few times its
    /// size; a Flate bomb (1 MiB → 1 GiB) is stopped here, before anything is inflated in full.
    public static let maximumDecodedBytes: UInt64 = 64 * 1024 * 1024

    /// Raw values are stable codes (logs, tests); the web layer words them.
    public enum Problem: String, Sendable, CaseIterable {
        case empty = "empty"
        case tooLarge = "too_large"
        case notPDF = "not_pdf"
        case polyglot = "polyglot"
        case damaged = "damaged"
        case encrypted = "encrypted"
        case activeContent = "active_content"
        case attachments = "attachments"
        case tooExpanded = "too_expanded"
    }

    /// Names that make a viewer run code, act on its own, or carry another file. Looked for as
    /// dictionary keys and as name values (e.g. `/S /Launch`), after the parser resolved escapes.
    public static let activeContentNames: Set<String> = [
        "/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch", "/SubmitForm", "/ImportData", "/XFA",
    ]
    public static let attachmentNames: Set<String> = [
        "/EmbeddedFiles", "/EmbeddedFile", "/FileAttachment", "/RichMedia", "/RichMediaContent", "/GoToE",
    ]
    public static var watchedNames: [String] { (activeContentNames.union(attachmentNames)).sorted() }

    /// What the PDF library reports about one document.
    public struct Findings: Sendable, Equatable {
        /// Read entirely, without repair (the library's recovery mode is off).
        public var parsed: Bool
        public var needsPassword: Bool
        public var encrypted: Bool
        /// Damage the library tolerated (wrong stream lengths, bad references…).
        public var warnings: Int
        public var decodedOverLimit: Bool
        /// Watched names present anywhere in the document.
        public var names: Set<String>
        /// The library's message when it could not read the file (for the log, not for users).
        public var detail: String?

        public init(
            parsed: Bool, needsPassword: Bool = false, encrypted: Bool = false, warnings: Int = 0,
            decodedOverLimit: Bool = false, names: Set<String> = [], detail: String? = nil
        ) {
            self.parsed = parsed
            self.needsPassword = needsPassword
            self.encrypted = encrypted
            self.warnings = warnings
            self.decodedOverLimit = decodedOverLimit
            self.names = names
            self.detail = detail
        }
    }

    /// The bytes: a PDF header at offset 0, an end-of-file marker, and no HTML a browser could
    /// sniff (a PDF/HTML polyglot renders as a web page wherever a type is guessed).
    public static func problem(in bytes: [UInt8]) -> Problem? {
        if bytes.isEmpty { return .empty }
        if bytes.count > maximumBytes { return .tooLarge }
        if containsHTML(bytes) { return .polyglot }
        // "%PDF-1.x" or "%PDF-2.0" at offset 0: readers tolerate leading junk, which is how
        // polyglots are made; a document OFPRA deposits has none.
        let header = Array("%PDF-".utf8)
        guard bytes.count > 16, bytes.starts(with: header), (49...50).contains(bytes[5]) else { return .notPDF }
        let tail = bytes.suffix(1024)
        let eof = Array("%%EOF".utf8)
        guard tail.indices.contains(where: { i in tail[i...].starts(with: eof) }) else { return .notPDF }
        return nil
    }

    /// The structure, in order of what the agent can fix: an unreadable file first (nothing else
    /// is known then), then encryption, size, active content, attachments.
    public static func problem(with f: Findings) -> Problem? {
        if f.needsPassword { return .encrypted }
        if f.decodedOverLimit { return .tooExpanded }
        // Damaged files are refused rather than repaired: two readers may repair them differently,
        // and what the person sees must be what OFPRA deposited.
        if !f.parsed || f.warnings > 0 { return .damaged }
        if f.encrypted { return .encrypted }
        if !f.names.isDisjoint(with: activeContentNames) { return .activeContent }
        if !f.names.isDisjoint(with: attachmentNames) { return .attachments }
        return nil
    }

    static let htmlMarkers = ["<html", "<script", "<!doctype", "<body", "<iframe", "<svg"].map { Array($0.utf8) }

    /// Case-insensitive search of the whole file. Compressed data hitting a 5-byte marker by chance
    /// is ~1 in 10⁴ for a 10 MB file, an acceptable refusal; uncompressed PDF syntax never does.
    static func containsHTML(_ bytes: [UInt8]) -> Bool {
        let count = bytes.count
        return bytes.withUnsafeBufferPointer { b in
            var i = 0
            while i < count {
                if b[i] == UInt8(ascii: "<") {
                    for marker in htmlMarkers where i + marker.count <= count {
                        var j = 1
                        while j < marker.count, lowercased(b[i + j]) == marker[j] { j += 1 }
                        if j == marker.count { return true }
                    }
                }
                i += 1
            }
            return false
        }
    }

    static func lowercased(_ c: UInt8) -> UInt8 { (65...90).contains(c) ? c | 0x20 : c }
}
