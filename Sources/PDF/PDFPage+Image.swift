import CHaru

/// How the bytes of a raster image are laid out: 8 bits per component, rows top to bottom.
public enum PDFPixelFormat: Sendable, Equatable {
    case gray8
    case rgb8

    var components: Int { self == .gray8 ? 1 : 3 }
    var colorSpace: HPDF_ColorSpace { self == .gray8 ? HPDF_CS_DEVICE_GRAY : HPDF_CS_DEVICE_RGB }
}

extension PDFPage {
    /// Largest width or height accepted, far above any QR code or stamp.
    static let maxImageSide = 8_000

    /// Draws raw pixels (e.g. a QR code, one byte per module) stretched to `rect`.
    ///
    /// Deliberately no PNG: libharu decodes PNG with libpng without installing a recovery
    /// point, so a corrupt PNG makes libpng abort() the whole process. Raw pixels are checked
    /// here (size must match) and need no decoder.
    public func image(
        pixels: [UInt8], width: Int, height: Int, format: PDFPixelFormat = .gray8,
        in rect: PDFRect
    ) throws {
        try Self.validate(rect)
        guard (1...Self.maxImageSide).contains(width), (1...Self.maxImageSide).contains(height),
            pixels.count == width * height * format.components
        else {
            throw PDFError.invalidArgument("image of \(width)×\(height) needs \(format.components) byte(s) per pixel")
        }
        let image = try pixels.withUnsafeBufferPointer {
            try document.checked(
                HPDF_LoadRawImageFromMem(
                    document.handle, $0.baseAddress, HPDF_UINT(width),
                    HPDF_UINT(height), format.colorSpace, 8),
                "HPDF_LoadRawImageFromMem")
        }
        try document.check(
            HPDF_Page_DrawImage(
                handle, image, HPDF_REAL(rect.x), HPDF_REAL(rect.y),
                HPDF_REAL(rect.width), HPDF_REAL(rect.height)),
            "HPDF_Page_DrawImage")
    }
}
