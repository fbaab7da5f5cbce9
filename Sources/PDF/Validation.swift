import CHaru

/// libharu writes whatever number it gets, so NaN or infinity would make a corrupt file, and it
/// rejects some values only with a cryptic code: arguments are checked in Swift first.
extension PDFPage {
    /// Far beyond any page (A4 is 842 points high) yet safe for libharu's number formatting.
    static let coordinateLimit = 100_000.0

    static func validate(_ point: PDFPoint) throws {
        guard point.x.isFinite, point.y.isFinite,
            abs(point.x) <= coordinateLimit, abs(point.y) <= coordinateLimit
        else {
            throw PDFError.invalidArgument("position (\(point.x), \(point.y)) is not on any page")
        }
    }

    static func validate(_ rect: PDFRect) throws {
        try validate(PDFPoint(x: rect.x, y: rect.y))
        try validate(PDFPoint(x: rect.width, y: rect.height))
    }

    static func validate(size: Double) throws {
        guard size.isFinite, size > 0, size <= Double(HPDF_MAX_FONTSIZE) else {
            throw PDFError.invalidArgument("font size \(size) is outside 0–\(HPDF_MAX_FONTSIZE)")
        }
    }

    /// A strictly positive, finite length (line width, line height, wrapping width).
    static func validate(length: Double, _ what: String) throws {
        guard length.isFinite, length > 0, length <= coordinateLimit else {
            throw PDFError.invalidArgument("\(what) \(length) must be positive")
        }
    }

    static func components(_ color: PDFColor) throws -> (HPDF_REAL, HPDF_REAL, HPDF_REAL) {
        let all = [color.red, color.green, color.blue]
        guard all.allSatisfy({ $0.isFinite && (0...1).contains($0) }) else {
            throw PDFError.invalidArgument("colour components must be between 0 and 1")
        }
        return (HPDF_REAL(color.red), HPDF_REAL(color.green), HPDF_REAL(color.blue))
    }
}
