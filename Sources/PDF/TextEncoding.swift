import Foundation

extension PDFTextEncoding {
    /// NUL-terminated bytes for libharu, which takes C strings. A Swift String is valid Unicode,
    /// but libharu still needs help: NUL would cut the string, controls have no glyph, and its
    /// UTF-8 encoder turns anything beyond U+FFFF (emoji...) into a blank.
    func cString(_ text: String) -> [CChar] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 1)
        // NFC so "e" + combining acute becomes "é": libharu places one glyph per character and
        // cannot stack a combining accent.
        for scalar in text.precomposedStringWithCanonicalMapping.unicodeScalars {
            let scalar = Self.printable(scalar)
            switch self {
            case .unicode:
                if scalar.value > 0xFFFF { bytes.append(0x3F) } else { bytes.append(contentsOf: String(scalar).utf8) }
            case .winAnsi:
                bytes.append(CP1252.byte(for: scalar) ?? 0x3F)
            }
        }
        bytes.append(0)
        return bytes.map { CChar(bitPattern: $0) }
    }

    /// Control characters (tabs, stray newlines, NUL) become spaces: one line is drawn at a time.
    private static func printable(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: return " "
        default: return scalar
        }
    }
}

/// Unicode → Windows-1252 for the Helvetica fallback. Foundation's lossy conversion differs
/// between platforms, so the (small) table is spelled out.
enum CP1252 {
    static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let value = scalar.value
        if value < 0x80 || (0xA0...0xFF).contains(value) { return UInt8(value) }
        if let byte = extra[value] { return byte }
        return substitutes[value]
    }

    /// The 0x80–0x9F block, where Windows-1252 differs from Latin-1.
    private static let extra: [UInt32: UInt8] = [
        0x20AC: 0x80, 0x201A: 0x82, 0x0192: 0x83, 0x201E: 0x84, 0x2026: 0x85, 0x2020: 0x86,
        0x2021: 0x87, 0x02C6: 0x88, 0x2030: 0x89, 0x0160: 0x8A, 0x2039: 0x8B, 0x0152: 0x8C,
        0x017D: 0x8E, 0x2018: 0x91, 0x2019: 0x92, 0x201C: 0x93, 0x201D: 0x94, 0x2022: 0x95,
        0x2013: 0x96, 0x2014: 0x97, 0x02DC: 0x98, 0x2122: 0x99, 0x0161: 0x9A, 0x203A: 0x9B,
        0x0153: 0x9C, 0x017E: 0x9E, 0x0178: 0x9F,
    ]

    /// Look-alikes common in French text (narrow no-break space before ":", non-breaking hyphen).
    private static let substitutes: [UInt32: UInt8] = [
        0x202F: 0xA0, 0x2007: 0xA0, 0x2009: 0x20, 0x200A: 0x20, 0x2002: 0x20, 0x2003: 0x20,
        0x2010: 0x2D, 0x2011: 0x2D, 0x2212: 0x2D,
    ]
}
