/// What the first bytes of an upload say it is, and the size its header declares, read
/// without decoding anything (so a small file that declares a huge image costs nothing).
enum ImageHeader {
    enum Signature: Equatable {
        case accepted(CheckedImage.Format)
        /// A picture format we know but do not take.
        case unsupported
        case unknown
    }

    static func signature(_ b: [UInt8]) -> Signature {
        if b.starts(with: [0xFF, 0xD8, 0xFF]) { return .accepted(.jpeg) }
        if b.starts(with: pngSignature) { return .accepted(.png) }
        if b.starts(with: Array("GIF87a".utf8)) || b.starts(with: Array("GIF89a".utf8)) { return .unsupported }
        if b.count >= 12, b.starts(with: Array("RIFF".utf8)), Array(b[8..<12]) == Array("WEBP".utf8) { return .unsupported }
        // TIFF, little- and big-endian (also most camera raw files).
        if b.starts(with: [0x49, 0x49, 0x2A, 0x00]) || b.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return .unsupported }
        // ISO-BMFF: HEIC/HEIF (iPhones) and AVIF, "ftyp" box then a major brand.
        if b.count >= 12, Array(b[4..<8]) == Array("ftyp".utf8) {
            let brand = String(decoding: b[8..<12], as: UTF8.self)
            if ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif", "avis"].contains(brand) { return .unsupported }
        }
        // "BM" alone would catch text files; also require a known DIB header size.
        if b.count >= 18, b.starts(with: Array("BM".utf8)), [12, 40, 52, 56, 64, 108, 124].contains(littleEndian32(b, at: 14)) {
            return .unsupported
        }
        // JPEG 2000 and JPEG XL (codestream and container).
        if b.starts(with: [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20]) || b.starts(with: [0xFF, 0x0A])
            || b.starts(with: [0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20])
        {
            return .unsupported
        }
        return .unknown
    }

    /// Width and height from the IHDR chunk, which the PNG format requires to come first.
    static func pngSize(_ b: [UInt8]) -> (width: Int, height: Int)? {
        guard b.count >= 8 + 8 + 13, b.starts(with: pngSignature), bigEndian32(b, at: 8) == 13,
            Array(b[12..<16]) == Array("IHDR".utf8)
        else { return nil }
        let width = bigEndian32(b, at: 16)
        let height = bigEndian32(b, at: 20)
        // The format caps both at 2^31 - 1; zero is invalid.
        guard (1...Int(Int32.max)).contains(width), (1...Int(Int32.max)).contains(height) else { return nil }
        return (width, height)
    }

    /// Width and height from the first start-of-frame segment, walking the segments before it.
    /// Reaching the scan data (SOS) first means there is no usable frame header.
    static func jpegSize(_ b: [UInt8]) -> (width: Int, height: Int)? {
        guard b.starts(with: [0xFF, 0xD8]) else { return nil }
        var i = 2
        while i < b.count {
            guard b[i] == 0xFF else { return nil }
            // Any number of 0xFF fill bytes may precede a marker code.
            while i < b.count, b[i] == 0xFF { i += 1 }
            guard i < b.count else { return nil }
            let marker = b[i]
            i += 1
            switch marker {
            case 0x01, 0xD0...0xD7:
                continue  // standalone markers, no length
            case 0x00, 0xD8, 0xD9, 0xDA:
                return nil  // stuffed byte, second SOI, EOI or scan data before any frame header
            default:
                break
            }
            guard i + 2 <= b.count else { return nil }
            let length = Int(b[i]) << 8 | Int(b[i + 1])
            guard length >= 2, i + length <= b.count else { return nil }
            if isStartOfFrame(marker) {
                // Length, precision, height, width, component count.
                guard length >= 8 else { return nil }
                let height = Int(b[i + 3]) << 8 | Int(b[i + 4])
                let width = Int(b[i + 5]) << 8 | Int(b[i + 6])
                // Height 0 means "given later by a DNL marker", which libjpeg does not support.
                guard width > 0, height > 0 else { return nil }
                return (width, height)
            }
            i += length
        }
        return nil
    }

    /// SOF0…SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    private static func isStartOfFrame(_ marker: UInt8) -> Bool {
        (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
    }

    /// The EXIF orientation (1…8, 1 when absent or unreadable) from the first APP1 "Exif"
    /// segment before the frame header. Re-encoding drops EXIF, so the rotation a phone
    /// recorded there must be applied to the pixels or the picture ends up sideways.
    static func jpegOrientation(_ b: [UInt8]) -> Int {
        var i = 2
        while i + 4 <= b.count, b[i] == 0xFF {
            let marker = b[i + 1]
            if marker == 0xDA || marker == 0xD9 || isStartOfFrame(marker) { break }
            if marker == 0xFF {
                i += 1  // fill byte
                continue
            }
            let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            guard length >= 2, i + 2 + length <= b.count else { break }
            let payload = b[(i + 4)..<(i + 2 + length)]
            if marker == 0xE1, payload.starts(with: Array("Exif".utf8) + [0, 0]) {
                return tiffOrientation(Array(payload.dropFirst(6))) ?? 1
            }
            i += 2 + length
        }
        return 1
    }

    /// Tag 0x0112 of IFD0 of a TIFF structure, every offset bounds-checked.
    private static func tiffOrientation(_ t: [UInt8]) -> Int? {
        guard t.count >= 8 else { return nil }
        let little: Bool
        switch (t[0], t[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= t.count else { return nil }
            return little ? Int(t[at]) | Int(t[at + 1]) << 8 : Int(t[at]) << 8 | Int(t[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let a = u16(at), let b = u16(at + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
        for entry in 0..<count {
            let at = ifd + 2 + entry * 12
            guard let tag = u16(at) else { return nil }
            // Type SHORT, one value, stored in the first half of the value field.
            if tag == 0x0112 {
                guard u16(at + 2) == 3, let value = u16(at + 8), (1...8).contains(value) else { return nil }
                return value
            }
        }
        return nil
    }

    /// The byte range of every COM (comment) segment before the scan data of a JPEG that is
    /// known to be well formed (our own encoder's output).
    static func jpegCommentRanges(_ b: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var i = 2
        while i + 4 <= b.count, b[i] == 0xFF {
            let marker = b[i + 1]
            if marker == 0xDA || marker == 0xD9 || marker == 0xFF || marker == 0x00 { break }
            let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            guard length >= 2, i + 2 + length <= b.count else { break }
            if marker == 0xFE { ranges.append(i..<(i + 2 + length)) }
            i += 2 + length
        }
        return ranges
    }

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    private static func bigEndian32(_ b: [UInt8], at i: Int) -> Int {
        Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
    }

    private static func littleEndian32(_ b: [UInt8], at i: Int) -> Int {
        Int(b[i + 3]) << 24 | Int(b[i + 2]) << 16 | Int(b[i + 1]) << 8 | Int(b[i])
    }
}
