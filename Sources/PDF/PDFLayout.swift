/// Top-down flow over A4 pages, for letters and receipts: a cursor starts under the top margin,
/// moves down as text is written, and a new page begins when a line would cross the bottom
/// margin. `y` stays in PDF coordinates (points from the bottom of the page).
public final class PDFLayout {
    public let document: PDFDocument
    public let margins: PDFMargins
    /// Every page this layout added, in order (for page numbers or footers drawn afterwards).
    public private(set) var pages: [PDFPage] = []
    /// Top of the free space on the current page.
    public private(set) var y: Double = 0

    /// Starts with a new page of `document`.
    public init(document: PDFDocument, margins: PDFMargins = .letter) throws {
        self.document = document
        self.margins = margins
        try newPage()
        guard contentWidth > 10, top - margins.bottom > 10 else {
            throw PDFError.invalidArgument("margins leave no room on the page")
        }
    }

    public var page: PDFPage { pages[pages.count - 1] }
    public var left: Double { margins.left }
    public var right: Double { page.width - margins.right }
    public var contentWidth: Double { right - left }
    /// Height left above the bottom margin.
    public var remainingHeight: Double { y - margins.bottom }
    private var top: Double { page.height - margins.top }

    public func newPage() throws {
        pages.append(try document.addPage())
        y = top
    }

    /// Starts a new page unless `height` points still fit on this one (or this page is still
    /// empty, where breaking would not help). Use it to keep a block together.
    public func ensureSpace(_ height: Double) throws {
        if height > remainingHeight + 0.001, y < top { try newPage() }
    }

    /// Moves the cursor down (negative moves it up); a page break happens only with the next
    /// line that does not fit.
    public func space(_ points: Double) {
        guard points.isFinite else { return }
        y -= points
    }

    /// Moves the cursor to `y` on the current page, e.g. to line up a second column.
    public func moveTo(y newY: Double) {
        guard newY.isFinite else { return }
        y = min(max(newY, margins.bottom), top)
    }

    /// Wrapped text within `width` (default: up to the right margin) starting `indent` points
    /// right of the left margin; flows onto new pages as needed. Returns the number of lines.
    @discardableResult
    public func paragraph(
        _ text: String, size: Double = 11, bold: Bool = false,
        lineHeight: Double? = nil, indent: Double = 0, width: Double? = nil,
        align: PDFAlignment = .left, color: PDFColor = .black
    ) throws -> Int {
        let x = left + indent
        let columnWidth = width ?? (right - x)
        let lines = try document.wrap(text, width: columnWidth, size: size, bold: bold)
        for line in lines {
            try textLine(
                line, x: x, width: columnWidth, size: size, bold: bold,
                lineHeight: lineHeight, align: align, color: color)
        }
        return lines.count
    }

    /// One line, unwrapped, in the column [x, x + width] aligned as asked.
    public func textLine(
        _ text: String, x: Double, width: Double, size: Double = 11, bold: Bool = false,
        lineHeight: Double? = nil, align: PDFAlignment = .left,
        color: PDFColor = .black
    ) throws {
        let step = lineHeight ?? Self.lineHeight(size)
        try PDFPage.validate(length: step, "line height")
        try ensureSpace(step)
        let anchor: Double
        switch align {
        case .left: anchor = x
        case .center: anchor = x + width / 2
        case .right: anchor = x + width
        }
        try page.text(
            text, at: PDFPoint(x: anchor, y: baseline(size: size)), size: size, bold: bold,
            align: align, color: color)
        y -= step
    }

    /// A horizontal rule across the text width, with a little air around it.
    public func rule(width: Double = 0.5, color: PDFColor = PDFColor(gray: 0.6), gap: Double = 6) throws {
        try ensureSpace(2 * gap)
        space(gap)
        try page.line(from: PDFPoint(x: left, y: y), to: PDFPoint(x: right, y: y), width: width, color: color)
        space(gap)
    }

    /// Where the baseline of a line of `size` goes when its top is at the cursor: about the
    /// font's ascent below it.
    public func baseline(size: Double) -> Double { y - size * 0.9 }

    /// Default line height for a font size.
    public static func lineHeight(_ size: Double) -> Double { size * 1.35 }
}

@available(*, unavailable)
extension PDFLayout: Sendable {}
