import CHaru
import Foundation

/// One PDF being built: owns libharu's document and frees it on deinit. A4 pages, compressed
/// streams, UTF-8 text in an embedded TrueType font (or Helvetica when the font is missing).
///
/// Not Sendable: build and save a document on one thread. libharu keeps all state in the
/// document, so separate documents may be built on separate threads at once.
public final class PDFDocument {
    let handle: HPDF_Doc
    let errors: HaruErrorBox
    let fontNames: (regular: String, bold: String)
    /// Fonts already fetched, by boldness; libharu creates a font object (and embeds its
    /// glyphs) only on first use, so a letter without bold text carries one font.
    var fonts: [Bool: HaruFont] = [:]

    /// Whether text is embedded as Unicode or squeezed into Windows-1252 (font file missing).
    public let textEncoding: PDFTextEncoding
    public private(set) var pageCount = 0

    /// `creationDate` goes into the metadata; pass a fixed one for reproducible bytes.
    public init(
        title: String, author: String, typeface: PDFTypeface = .dejaVuSans,
        creationDate: Date = Date()
    ) throws {
        let errors = HaruErrorBox()
        guard let handle = HPDF_New(haruErrorHandler, Unmanaged.passUnretained(errors).toOpaque()) else {
            throw PDFError.libharu(operation: "HPDF_New", code: errors.code, detail: errors.detail)
        }
        self.handle = handle
        self.errors = errors
        // From here deinit frees the document, also when a step below throws.
        // The UTF-8 encoder serves TrueType text and also the info strings (title...): with it
        // as "current encoder" libharu writes them as UTF-16, which every reader shows right.
        let utf8Status = HPDF_UseUTFEncodings(handle)
        if utf8Status == HaruStatus.ok, case .trueType(let regular, let bold) = typeface,
            let names = Self.loadTrueType(handle, errors, regular, bold)
        {
            fontNames = names
            textEncoding = .unicode
        } else {
            // Missing or unreadable font: Helvetica is built into every PDF reader, so a letter
            // still comes out, accents intact, with characters outside Windows-1252 as "?".
            fontNames = ("Helvetica", "Helvetica-Bold")
            textEncoding = .winAnsi
        }
        try check(utf8Status, "HPDF_UseUTFEncodings")
        try check(HPDF_SetCurrentEncoder(handle, "UTF-8"), "HPDF_SetCurrentEncoder")
        try check(HPDF_SetCompressionMode(handle, HPDF_UINT(HPDF_COMP_ALL)), "HPDF_SetCompressionMode")
        try setInfo(HPDF_INFO_TITLE, title)
        try setInfo(HPDF_INFO_AUTHOR, author)
        try setInfo(HPDF_INFO_CREATOR, "AsylumPortal")
        try check(
            HPDF_SetInfoDateAttr(handle, HPDF_INFO_CREATION_DATE, HaruDate.make(creationDate)),
            "HPDF_SetInfoDateAttr")
    }

    deinit {
        HPDF_Free(handle)
    }

    /// A new A4 portrait page (595.3 × 841.9 points, origin at the bottom-left corner).
    public func addPage() throws -> PDFPage {
        let page = try checked(HPDF_AddPage(handle), "HPDF_AddPage")
        try check(HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT), "HPDF_Page_SetSize")
        pageCount += 1
        return PDFPage(document: self, handle: page)
    }

    private func setInfo(_ type: HPDF_InfoType, _ value: String) throws {
        try check(HPDF_SetInfoAttr(handle, type, PDFTextEncoding.unicode.cString(value)), "HPDF_SetInfoAttr")
    }
}

/// Spelled out so that no later extension makes it Sendable by mistake: libharu documents must
/// stay on one thread.
@available(*, unavailable)
extension PDFDocument: Sendable {}
