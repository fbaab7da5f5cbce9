import CHaru
import Foundation

extension PDFDocument {
    /// Width of `text` on one line, in points.
    public func textWidth(_ text: String, size: Double, bold: Bool = false) throws -> Double {
        try PDFPage.validate(size: size)
        let font = try font(bold: bold)
        return font.width(of: textEncoding.cString(text), size: size)
    }

    func font(bold: Bool) throws -> HaruFont {
        if let font = fonts[bold] { return font }
        let name = bold ? fontNames.bold : fontNames.regular
        let encoding = textEncoding == .unicode ? "UTF-8" : "WinAnsiEncoding"
        let font = HaruFont(handle: try checked(HPDF_GetFont(handle, name, encoding), "HPDF_GetFont"))
        fonts[bold] = font
        return font
    }

    /// Registers both TrueType files with libharu (which parses them now and embeds the glyphs
    /// used when saving). Nil, with libharu's error cleared, when either cannot be loaded.
    static func loadTrueType(
        _ doc: HPDF_Doc, _ errors: HaruErrorBox, _ regular: String,
        _ bold: String
    ) -> (regular: String, bold: String)? {
        let files = FileManager.default
        guard files.isReadableFile(atPath: regular), files.isReadableFile(atPath: bold),
            let regularName = HPDF_LoadTTFontFromFile(doc, regular, HPDF_TRUE),
            let boldName = HPDF_LoadTTFontFromFile(doc, bold, HPDF_TRUE)
        else {
            HPDF_ResetError(doc)
            errors.clear()
            return nil
        }
        return (String(cString: regularName), String(cString: boldName))
    }
}
