/// Why an uploaded ID photo or document scan was refused. The raw values are stable: they
/// are stored and used as message keys.
/// An `Error` so it can be the failure of a `Result`.
public enum ImageProblem: String, Error, Sendable, Equatable, CaseIterable {
    /// Neither a JPEG nor a PNG signature (a PDF, a text file, random bytes).
    case notAnImage = "not_an_image"
    /// A picture format we recognise by its signature but do not accept (GIF, WebP, HEIC/AVIF, BMP, TIFF).
    case unsupportedFormat = "unsupported_format"
    /// The signature is right but the header cannot be read or the decoder failed (truncated, corrupt).
    case unreadable = "unreadable"
    /// Below the minimum resolution.
    case tooSmall = "too_small"
    /// The header declares more pixels than we are willing to decode.
    case tooLarge = "too_large"
}

/// Limits for uploaded pictures.
public enum ImageRules {
    /// 35×45 mm at 300 dpi, the ANEF photo format.
    public static let photoMinimumWidth = 413
    public static let photoMinimumHeight = 531
    /// Enough for an A4 page or an ID card to stay legible.
    public static let scanMinimumShortSide = 500
    /// A decoded truecolor image costs 4 bytes a pixel: 40 Mpx is 160 MB, per request.
    public static let maximumPixels = 40_000_000
    public static let maximumDimension = 12_000
}
