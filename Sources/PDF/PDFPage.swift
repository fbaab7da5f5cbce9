import CHaru

/// A page of a `PDFDocument`. Coordinates are points with the origin at the bottom-left corner;
/// text positions are baselines. Each call sets the colour, font and line width it needs, so
/// calls do not depend on one another. Keeps its document alive.
public final class PDFPage {
    public let document: PDFDocument
    let handle: HPDF_Page

    init(document: PDFDocument, handle: HPDF_Page) {
        self.document = document
        self.handle = handle
    }

    public var width: Double { Double(HPDF_Page_GetWidth(handle)) }
    public var height: Double { Double(HPDF_Page_GetHeight(handle)) }

    /// One line of text with its baseline at `point`; `align` says whether `point.x` is the
    /// line's left end, centre or right end. Nothing wraps: see `paragraph`.
    public func text(
        _ text: String, at point: PDFPoint, size: Double = 11, bold: Bool = false,
        align: PDFAlignment = .left, color: PDFColor = .black
    ) throws {
        try Self.validate(point)
        try Self.validate(size: size)
        let font = try document.font(bold: bold)
        let bytes = document.textEncoding.cString(text)
        guard bytes.count > 1 else { return }
        // libharu refuses longer strings; no single line of a page comes near it.
        guard bytes.count <= HPDF_LIMIT_MAX_STRING_LEN else {
            throw PDFError.invalidArgument("line of \(bytes.count) bytes is too long")
        }
        var x = point.x
        switch align {
        case .left: break
        case .center: x -= font.width(of: bytes, size: size) / 2
        case .right: x -= font.width(of: bytes, size: size)
        }
        try setFill(color)
        try inTextObject {
            try document.check(
                HPDF_Page_SetFontAndSize(handle, font.handle, HPDF_REAL(size)),
                "HPDF_Page_SetFontAndSize")
            try document.check(
                HPDF_Page_TextOut(handle, HPDF_REAL(x), HPDF_REAL(point.y), bytes),
                "HPDF_Page_TextOut")
        }
    }

    /// Word-wrapped text within `width`, first baseline at `y`, one line every `lineHeight`
    /// (default 1.35 × size). Returns the baseline of the line that would come next. Lines that
    /// fall below the page are drawn off-page: use `PDFLayout` for text that must flow.
    @discardableResult
    public func paragraph(
        _ text: String, x: Double, y: Double, width: Double, size: Double = 11,
        bold: Bool = false, lineHeight: Double? = nil,
        color: PDFColor = .black
    ) throws -> Double {
        let step = lineHeight ?? size * 1.35
        try Self.validate(PDFPoint(x: x, y: y))
        try Self.validate(length: step, "line height")
        var baseline = y
        for line in try document.wrap(text, width: width, size: size, bold: bold) {
            try self.text(line, at: PDFPoint(x: x, y: baseline), size: size, bold: bold, color: color)
            baseline -= step
        }
        return baseline
    }

    /// A straight stroke.
    public func line(
        from start: PDFPoint, to end: PDFPoint, width: Double = 0.5,
        color: PDFColor = .black
    ) throws {
        try Self.validate(start)
        try Self.validate(end)
        try Self.validate(length: width, "line width")
        try setStroke(color, width: width)
        try document.check(HPDF_Page_MoveTo(handle, HPDF_REAL(start.x), HPDF_REAL(start.y)), "HPDF_Page_MoveTo")
        try document.check(HPDF_Page_LineTo(handle, HPDF_REAL(end.x), HPDF_REAL(end.y)), "HPDF_Page_LineTo")
        try document.check(HPDF_Page_Stroke(handle), "HPDF_Page_Stroke")
    }

    /// A rectangle outlined with `stroke`, filled with `fill`, or both; neither draws nothing.
    public func rectangle(
        _ rect: PDFRect, stroke: PDFColor? = .black, fill: PDFColor? = nil,
        lineWidth: Double = 0.5
    ) throws {
        try Self.validate(rect)
        try Self.validate(length: lineWidth, "line width")
        guard stroke != nil || fill != nil else { return }
        if let stroke { try setStroke(stroke, width: lineWidth) }
        if let fill { try setFill(fill) }
        try document.check(
            HPDF_Page_Rectangle(
                handle, HPDF_REAL(rect.x), HPDF_REAL(rect.y),
                HPDF_REAL(rect.width), HPDF_REAL(rect.height)),
            "HPDF_Page_Rectangle")
        let paint: HPDF_STATUS
        switch (stroke != nil, fill != nil) {
        case (true, true): paint = HPDF_Page_FillStroke(handle)
        case (false, true): paint = HPDF_Page_Fill(handle)
        default: paint = HPDF_Page_Stroke(handle)
        }
        try document.check(paint, "HPDF_Page_FillStroke")
    }

    // MARK: - Helpers

    private func setFill(_ color: PDFColor) throws {
        let (r, g, b) = try Self.components(color)
        try document.check(HPDF_Page_SetRGBFill(handle, r, g, b), "HPDF_Page_SetRGBFill")
    }

    private func setStroke(_ color: PDFColor, width: Double) throws {
        let (r, g, b) = try Self.components(color)
        try document.check(HPDF_Page_SetRGBStroke(handle, r, g, b), "HPDF_Page_SetRGBStroke")
        try document.check(HPDF_Page_SetLineWidth(handle, HPDF_REAL(width)), "HPDF_Page_SetLineWidth")
    }

    /// Runs `body` between BeginText and EndText, closing the text object even when `body`
    /// fails: a page left in text mode would reject every later drawing call.
    private func inTextObject(_ body: () throws -> Void) throws {
        try document.check(HPDF_Page_BeginText(handle), "HPDF_Page_BeginText")
        do {
            try body()
        } catch {
            _ = HPDF_Page_EndText(handle)
            document.discardError()
            throw error
        }
        try document.check(HPDF_Page_EndText(handle), "HPDF_Page_EndText")
    }
}

@available(*, unavailable)
extension PDFPage: Sendable {}
