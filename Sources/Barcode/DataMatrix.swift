import CDmtx

/// A Data Matrix (ECC 200) symbol as a plain matrix of modules, encoded by libdmtx. 2D-Doc
/// readers expect this symbology; the bytes go in ASCII encodation (bytes above 127 by upper
/// shift), so control characters such as 2D-Doc's GS and US survive.
///
/// Always square (10×10 to 144×144), so it can be drawn like a QR code. Readers need a light
/// quiet zone of at least one module round it; the matrix has none.
public struct DataMatrix: Sendable, Equatable {
    /// Modules per row (no quiet zone); equal to `height`.
    public let width: Int
    /// Modules per column (no quiet zone).
    public let height: Int
    /// Row-major from the top row, `true` = dark.
    public let modules: [Bool]

    public enum EncodingError: Error, Sendable, Equatable {
        case empty
        /// The bytes need more codewords than the largest square symbol (144×144) holds.
        case tooLong(bytes: Int)
        /// libdmtx could not allocate its encoder.
        case failed
    }

    /// Data codewords of a 144×144 symbol: one per byte up to 127, one per pair of digits, two
    /// per byte above 127.
    public static let maximumCodewords = 1558

    public init(encoding text: String) throws {
        try self.init(encoding: Array(text.utf8))
    }

    public init(encoding bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { throw EncodingError.empty }
        // Two digits per codeword is the densest any input gets: past that, do not ask libdmtx.
        guard bytes.count <= 2 * Self.maximumCodewords else { throw EncodingError.tooLong(bytes: bytes.count) }
        // One encoder per call: libdmtx keeps its state in it, nothing is shared between threads.
        guard let encoder = dmtxEncodeCreate() else { throw EncodingError.failed }
        defer {
            var owned: UnsafeMutablePointer<DmtxEncode>? = encoder
            dmtxEncodeDestroy(&owned)
        }
        dmtxEncodeSetProp(encoder, Int32(DmtxPropScheme.rawValue), Int32(DmtxSchemeAscii.rawValue))
        dmtxEncodeSetProp(encoder, Int32(DmtxPropSizeRequest.rawValue), Int32(DmtxSymbolSquareAuto.rawValue))
        // The rendered image is not used, keep it as small as possible.
        dmtxEncodeSetProp(encoder, Int32(DmtxPropModuleSize.rawValue), 1)
        dmtxEncodeSetProp(encoder, Int32(DmtxPropMarginSize.rawValue), 0)
        var input = bytes
        let status = input.withUnsafeMutableBufferPointer { buffer in
            dmtxEncodeDataMatrix(encoder, Int32(buffer.count), buffer.baseAddress)
        }
        // Every byte has an ASCII encodation, so a failure means the data did not fit.
        guard status == DmtxPass else { throw EncodingError.tooLong(bytes: bytes.count) }
        guard let message = encoder.pointee.message else { throw EncodingError.failed }
        let sizeIdx = encoder.pointee.region.sizeIdx
        let rows = Int(dmtxGetSymbolAttribute(Int32(DmtxSymAttribSymbolRows.rawValue), sizeIdx))
        let columns = Int(dmtxGetSymbolAttribute(Int32(DmtxSymAttribSymbolCols.rawValue), sizeIdx))
        guard rows > 0, rows == columns else { throw EncodingError.failed }
        var modules = [Bool](repeating: false, count: rows * columns)
        for y in 0..<rows {
            // libdmtx counts symbol rows from the bottom (its finder's solid edge is row 0).
            let symbolRow = Int32(rows - 1 - y)
            for x in 0..<columns {
                let status = dmtxSymbolModuleStatus(message, sizeIdx, symbolRow, Int32(x))
                modules[y * columns + x] = status & Int32(DmtxModuleOnRGB) != 0
            }
        }
        width = columns
        height = rows
        self.modules = modules
    }

    /// `false` outside the symbol, so callers can draw a quiet zone without bounds checks.
    public func isDark(x: Int, y: Int) -> Bool {
        guard (0..<width).contains(x), (0..<height).contains(y) else { return false }
        return modules[y * width + x]
    }
}
