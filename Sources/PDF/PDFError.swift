/// Everything that can go wrong while building a PDF. Drawing never traps: bad arguments and
/// libharu failures surface here instead.
public enum PDFError: Error, Equatable, Sendable, CustomStringConvertible {
    /// libharu reported `code` (see hpdf_error.h; `detail` is its secondary number) in `operation`.
    case libharu(operation: String, code: UInt, detail: UInt)
    /// A caller-supplied value libharu would reject or misrender (NaN coordinate, zero width...).
    case invalidArgument(String)
    /// `data()` on a document without pages: viewers reject page-less PDFs.
    case noPages

    public var description: String {
        switch self {
        case .libharu(let operation, let code, let detail):
            let hex = "0x" + String(code, radix: 16, uppercase: true)
            return "libharu error \(hex) (detail \(detail)) in \(operation)"
        case .invalidArgument(let message):
            return "invalid PDF argument: \(message)"
        case .noPages:
            return "PDF document has no pages"
        }
    }
}
