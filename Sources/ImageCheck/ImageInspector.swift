import CGD
import Domain

/// An upload that decoded cleanly, re-encoded by libgd: the bytes carry pixels only (no
/// EXIF/XMP/ICC/text chunks, nothing after the end marker), so location data and polyglot
/// payloads do not survive.
public struct CheckedImage: Sendable, Equatable {
    public enum Format: String, Sendable {
        case jpeg, png
    }

    public let format: Format
    public let width: Int
    public let height: Int
    public let bytes: [UInt8]

    public var contentType: String {
        switch format {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        }
    }

    public init(format: Format, width: Int, height: Int, bytes: [UInt8]) {
        self.format = format
        self.width = width
        self.height = height
        self.bytes = bytes
    }
}

/// Checks uploaded pictures by content, never by file name or declared type. Safe to call
/// from several threads at once: every call works on its own libgd images.
public enum ImageInspector {
    static let jpegQuality: Int32 = 90

    /// The accepted format the first bytes announce, or nil.
    public static func sniff(_ bytes: [UInt8]) -> CheckedImage.Format? {
        if case .accepted(let format) = ImageHeader.signature(bytes) { return format }
        return nil
    }

    /// An ID photo: JPEG or PNG, at least 413×531, always returned as JPEG (quality 90).
    public static func photo(_ bytes: [UInt8]) -> Result<CheckedImage, ImageProblem> {
        check(bytes, convertingTo: .jpeg) { width, height in
            width >= ImageRules.photoMinimumWidth && height >= ImageRules.photoMinimumHeight
        }
    }

    /// A document scan: JPEG or PNG, short side at least 500 px, returned in its own format.
    public static func scan(_ bytes: [UInt8]) -> Result<CheckedImage, ImageProblem> {
        check(bytes, convertingTo: nil) { width, height in
            min(width, height) >= ImageRules.scanMinimumShortSide
        }
    }

    private static func check(
        _ bytes: [UInt8], convertingTo output: CheckedImage.Format?, largeEnough: (Int, Int) -> Bool
    ) -> Result<CheckedImage, ImageProblem> {
        let format: CheckedImage.Format
        switch ImageHeader.signature(bytes) {
        case .accepted(let accepted): format = accepted
        case .unsupported: return .failure(.unsupportedFormat)
        case .unknown: return .failure(.notAnImage)
        }
        // The declared size decides whether we decode at all: libgd allocates what the header says.
        let declared = format == .jpeg ? ImageHeader.jpegSize(bytes) : ImageHeader.pngSize(bytes)
        guard let (width, height) = declared else { return .failure(.unreadable) }
        guard width <= ImageRules.maximumDimension, height <= ImageRules.maximumDimension,
            width * height <= ImageRules.maximumPixels
        else { return .failure(.tooLarge) }
        // Sizes are judged the way the picture is shown: EXIF orientations 5…8 are quarter turns.
        let orientation = format == .jpeg ? ImageHeader.jpegOrientation(bytes) : 1
        let (shownWidth, shownHeight) = orientation >= 5 ? (height, width) : (width, height)
        guard largeEnough(shownWidth, shownHeight) else { return .failure(.tooSmall) }

        guard let decoded = GD.decode(bytes, as: format) else { return .failure(.unreadable) }
        defer { GD.destroy(decoded) }
        guard GD.size(decoded) == (width, height) else { return .failure(.unreadable) }
        guard let image = GD.oriented(decoded, orientation) else { return .failure(.unreadable) }
        defer { if image != decoded { GD.destroy(image) } }
        guard GD.size(image) == (shownWidth, shownHeight) else { return .failure(.unreadable) }

        let encoded: [UInt8]?
        let target = output ?? format
        switch (format, target) {
        case (.png, .jpeg):
            guard let flat = GD.flattenedOnWhite(image) else { return .failure(.unreadable) }
            defer { GD.destroy(flat) }
            encoded = GD.jpeg(flat, quality: jpegQuality)
        case (_, .jpeg):
            encoded = GD.jpeg(image, quality: jpegQuality)
        case (_, .png):
            encoded = GD.png(image)
        }
        // Encoding only fails when memory runs out; the upload is not at fault but cannot be kept.
        guard let encoded else { return .failure(.unreadable) }
        return .success(CheckedImage(format: target, width: shownWidth, height: shownHeight, bytes: encoded))
    }
}
