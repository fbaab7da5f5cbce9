/// The font family a document draws with.
public enum PDFTypeface: Sendable, Equatable {
    /// TrueType files embedded in the PDF; text goes in as UTF-8, so French, other Latin scripts
    /// and Arabic letters print as typed. Arabic is not shaped nor reordered right-to-left
    /// (libharu has no text shaping): fine for French legal letters, not for Arabic prose.
    case trueType(regular: String, bold: String)
    /// PDF base-14 Helvetica: always available, nothing embedded, but limited to Windows-1252.
    case helvetica

    /// DejaVu Sans from Debian's `fonts-dejavu-core`.
    public static let dejaVuSans = PDFTypeface.trueType(
        regular: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        bold: "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
}

/// How text reaches the PDF, which decides what it can show.
public enum PDFTextEncoding: Sendable, Equatable {
    /// UTF-8 into an embedded TrueType font: every character the font has.
    case unicode
    /// Windows-1252 into a base-14 font: other characters print as "?".
    case winAnsi
}
