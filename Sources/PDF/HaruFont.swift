import CHaru

/// A font handle inside one document; libharu frees it with the document.
struct HaruFont {
    let handle: HPDF_Font

    /// Advance width in points. libharu adds up per-glyph widths without kerning, so a line's
    /// width is the sum of its words' and spaces' widths — the wrapper relies on that.
    func width(of cString: [CChar], size: Double) -> Double {
        let length = cString.count - 1  // without the NUL
        guard length > 0 else { return 0 }
        let measured = cString.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: HPDF_BYTE.self, capacity: length) {
                HPDF_Font_TextWidth(handle, $0, HPDF_UINT(length))
            }
        }
        return Double(measured.width) * size / 1000
    }
}
