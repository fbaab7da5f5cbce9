import Foundation

/// Writes small PDFs with a correct cross-reference table, so that qpdf reads them without
/// warnings: whatever a test refuses is refused for what it contains, not for being damaged.
enum HostilePDF {
    /// Object 1 is the catalogue, 2 the page tree, 3 the page, 4 its content, 5 the font;
    /// `extra` objects follow from 6 on. The fragments are spliced into the catalogue and page;
    /// `content` replaces object 4 (a whole stream object).
    static func build(
        catalog: String = "", page: String = "", extra: [[UInt8]] = [], header: String = "%PDF-1.7\n",
        trailer: String = "", content: [UInt8]? = nil
    ) -> [UInt8] {
        let text = stream(Array("BT /F1 18 Tf 72 720 Td (Convocation OFPRA) Tj ET".utf8))
        let objects: [[UInt8]] =
            [
                Array("<< /Type /Catalog /Pages 2 0 R \(catalog) >>".utf8),
                Array("<< /Type /Pages /Kids [3 0 R] /Count 1 >>".utf8),
                Array(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> \(page) >>"
                        .utf8),
                content ?? text,
                Array("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".utf8),
            ] + extra
        var out = Array(header.utf8) + [0x25, 0xE2, 0xE3, 0xCF, 0xD3, 0x0A]
        var offsets = [Int]()
        for (i, body) in objects.enumerated() {
            offsets.append(out.count)
            out += Array("\(i + 1) 0 obj\n".utf8) + body + Array("\nendobj\n".utf8)
        }
        let xref = out.count
        out += Array("xref\n0 \(objects.count + 1)\n0000000000 65535 f \n".utf8)
        for o in offsets { out += Array(String(format: "%010d 00000 n \n", o).utf8) }
        out += Array("trailer\n<< /Size \(objects.count + 1) /Root 1 0 R \(trailer) >>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        return out
    }

    static func stream(_ data: [UInt8], dictionary: String = "") -> [UInt8] {
        Array("<< /Length \(data.count) \(dictionary) >>\nstream\n".utf8) + data + Array("\nendstream".utf8)
    }

    /// A zlib stream that inflates to `count` zero bytes, written by hand (fixed Huffman codes:
    /// one literal 0, then matches of 258 bytes at distance 1, 13 bits each): ~6.5 MB → 1 GiB.
    static func zeros(count: Int) -> [UInt8] {
        var bits = BitWriter()
        bits.write(0b1, count: 1)  // BFINAL
        bits.write(0b01, count: 2)  // BTYPE = fixed Huffman
        bits.huffman(0b0011_0000, count: 8)  // literal 0
        var left = count - 1
        func match(_ length: Int) {
            // Length codes 257…285 (7 or 8 bits) with their extra bits, then distance code 0 (= 1).
            let (code, base, extra) = lengthCode(length)
            if code < 280 { bits.huffman(code - 256, count: 7) } else { bits.huffman(code - 280 + 0b1100_0000, count: 8) }
            if extra > 0 { bits.write(length - base, count: extra) }
            bits.huffman(0, count: 5)
        }
        // 8 matches are 104 bits, a whole number of bytes: past the first 8, every 8 write the same 13.
        var matches = left / 258
        left -= matches * 258
        if matches >= 24 {
            for _ in 0..<8 { match(258) }
            let start = bits.bytes.count
            for _ in 0..<8 { match(258) }
            let block = Array(bits.bytes[start...])
            let repeats = (matches - 16) / 8
            bits.bytes.reserveCapacity(bits.bytes.count + repeats * block.count + 64)
            for _ in 0..<repeats { bits.bytes += block }
            matches -= 16 + repeats * 8
        }
        for _ in 0..<matches { match(258) }
        if left >= 3 {
            match(left)
            left = 0
        }
        for _ in 0..<left { bits.huffman(0b0011_0000, count: 8) }
        bits.huffman(0, count: 7)  // end of block (256)
        var out: [UInt8] = [0x78, 0x01] + bits.finished
        let adlerB = UInt32(count % 65521)  // Adler-32 of zeros: a = 1, b = count
        let adler = adlerB << 16 | 1
        out += [UInt8(adler >> 24), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF)]
        return out
    }

    static func lengthCode(_ length: Int) -> (code: Int, base: Int, extra: Int) {
        let table: [(Int, Int, Int)] = [
            (257, 3, 0), (258, 4, 0), (259, 5, 0), (260, 6, 0), (261, 7, 0), (262, 8, 0), (263, 9, 0), (264, 10, 0),
            (265, 11, 1), (266, 13, 1), (267, 15, 1), (268, 17, 1), (269, 19, 2), (270, 23, 2), (271, 27, 2),
            (272, 31, 2), (273, 35, 3), (274, 43, 3), (275, 51, 3), (276, 59, 3), (277, 67, 4), (278, 83, 4),
            (279, 99, 4), (280, 115, 4), (281, 131, 5), (282, 163, 5), (283, 195, 5), (284, 227, 5), (285, 258, 0),
        ]
        return table.last { $0.1 <= length }!
    }

    struct BitWriter {
        var bytes = [UInt8]()
        var current: UInt32 = 0
        var filled = 0
        /// Data bits go least significant first.
        mutating func write(_ value: Int, count: Int) {
            for i in 0..<count { push(UInt32(value >> i) & 1) }
        }
        /// Huffman codes go most significant first.
        mutating func huffman(_ code: Int, count: Int) {
            for i in stride(from: count - 1, through: 0, by: -1) { push(UInt32(code >> i) & 1) }
        }
        mutating func push(_ bit: UInt32) {
            current |= bit << filled
            filled += 1
            if filled == 8 {
                bytes.append(UInt8(current))
                current = 0
                filled = 0
            }
        }
        var finished: [UInt8] { filled > 0 ? bytes + [UInt8(current)] : bytes }
    }
}
