import CQRencode

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A QR code symbol as a plain matrix of modules, encoded by libqrencode in 8-bit (byte) mode
/// from the text's UTF-8 bytes, so control characters such as 2D-Doc's GS and US survive.
public struct QRCode: Sendable, Equatable {
    /// Modules per side (no quiet zone).
    public let size: Int
    /// Row-major, `true` = dark.
    public let modules: [Bool]

    public enum Correction: Sendable, CaseIterable {
        case low, medium, quartile, high

        fileprivate var level: QRecLevel {
            switch self {
            case .low: QR_ECLEVEL_L
            case .medium: QR_ECLEVEL_M
            case .quartile: QR_ECLEVEL_Q
            case .high: QR_ECLEVEL_H
            }
        }

        /// Bytes a version-40 symbol holds in byte mode at this level (ISO/IEC 18004 table 7).
        public var byteCapacity: Int {
            switch self {
            case .low: 2953
            case .medium: 2331
            case .quartile: 1663
            case .high: 1273
            }
        }
    }

    public enum EncodingError: Error, Sendable, Equatable {
        /// The text does not fit the largest QR code at this correction level.
        case tooLong(bytes: Int, capacity: Int)
        case empty
        /// libqrencode failed otherwise (errno), e.g. out of memory.
        case failed(errno: Int32)
    }

    public init(encoding text: String, correction: Correction = .medium) throws {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw EncodingError.empty }
        // Checked here too: libqrencode would spend time trying every version before refusing.
        guard bytes.count <= correction.byteCapacity else {
            throw EncodingError.tooLong(bytes: bytes.count, capacity: correction.byteCapacity)
        }
        errno = 0
        // Version 0: the smallest symbol that fits.
        let symbol = bytes.withUnsafeBufferPointer { buffer in
            QRcode_encodeData(Int32(buffer.count), buffer.baseAddress, 0, correction.level)
        }
        guard let symbol else {
            if errno == ERANGE { throw EncodingError.tooLong(bytes: bytes.count, capacity: correction.byteCapacity) }
            throw EncodingError.failed(errno: errno)
        }
        defer { QRcode_free(symbol) }
        let width = Int(symbol.pointee.width)
        guard width > 0, let data = symbol.pointee.data else { throw EncodingError.failed(errno: 0) }
        // Bit 0 of each byte is the module colour; the other bits are libqrencode's bookkeeping.
        size = width
        modules = (0..<width * width).map { data[$0] & 1 == 1 }
    }

    /// `false` outside the symbol, so callers can draw a quiet zone without bounds checks.
    public func isDark(x: Int, y: Int) -> Bool {
        guard (0..<size).contains(x), (0..<size).contains(y) else { return false }
        return modules[y * size + x]
    }

    /// A standalone SVG: white background (scanners need the light quiet zone even on dark
    /// pages), then the dark modules as one path of per-row runs, in module units.
    public func svg(moduleSize: Int = 4, quietZone: Int = 4, label: String = "QR code") -> String {
        let quiet = max(0, quietZone)
        let side = size + 2 * quiet
        let pixels = side * max(1, moduleSize)
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else {
                    x += 1
                    continue
                }
                let start = x
                while x < size, isDark(x: x, y: y) { x += 1 }
                path += "M\(start + quiet) \(y + quiet)h\(x - start)v1h-\(x - start)z"
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="\(Self.escaped(label))" \
            width="\(pixels)" height="\(pixels)" viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges">\
            <rect width="\(side)" height="\(side)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
            """
    }

    private static func escaped(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
