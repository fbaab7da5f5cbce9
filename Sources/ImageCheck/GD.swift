import CGD

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A thin layer over libgd: decoding from memory, encoding to a Swift array. Every image a
/// caller gets must be handed back to `destroy` (callers use `defer`).
enum GD {
    /// Decodes `bytes`; nil when libgd fails. For JPEG, a libjpeg warning (truncated or corrupt
    /// data that it would "recover" by filling with grey) also counts as a failure.
    static func decode(_ bytes: [UInt8], as format: CheckedImage.Format) -> gdImagePtr? {
        guard !bytes.isEmpty, let size = Int32(exactly: bytes.count) else { return nil }
        let messages = Messages()
        let image: gdImagePtr? = Messages.collect(into: messages) {
            bytes.withUnsafeBytes { raw in
                // libgd takes `void *` but only reads from it.
                let data = UnsafeMutableRawPointer(mutating: raw.baseAddress)
                switch format {
                case .jpeg: return gdImageCreateFromJpegPtrEx(size, data, 0)
                case .png: return gdImageCreateFromPngPtr(size, data)
                }
            }
        }
        guard let image else { return nil }
        // libgd only reports libjpeg's warnings when ignore_warning is 0; it returns the image anyway.
        if format == .jpeg && messages.warnings + messages.errors > 0 {
            gdImageDestroy(image)
            return nil
        }
        return image
    }

    static func destroy(_ image: gdImagePtr) { gdImageDestroy(image) }

    static func size(_ image: gdImagePtr) -> (width: Int, height: Int) {
        (Int(image.pointee.sx), Int(image.pointee.sy))
    }

    /// `image` turned upright per its EXIF orientation (1…8). Flips happen in place and return
    /// `image`; quarter turns return a new image, which the caller destroys as well.
    static func oriented(_ image: gdImagePtr, _ orientation: Int) -> gdImagePtr? {
        switch orientation {
        case 2: gdImageFlipHorizontal(image)
        case 3: gdImageFlipBoth(image)
        case 4: gdImageFlipVertical(image)
        case 5...8:
            // gd measures angles counter-clockwise: 270 is a quarter turn clockwise.
            guard let turned = gdImageRotateInterpolated(image, orientation == 8 ? 90 : 270, 0) else { return nil }
            if orientation == 5 { gdImageFlipHorizontal(turned) }
            if orientation == 7 { gdImageFlipVertical(turned) }
            return turned
        default: break
        }
        return image
    }

    /// A truecolor copy of `image` laid over white, so transparent areas of a PNG do not turn
    /// black in a JPEG (which has no alpha). Handles palette sources too.
    static func flattenedOnWhite(_ image: gdImagePtr) -> gdImagePtr? {
        let (width, height) = size(image)
        guard let canvas = gdImageCreateTrueColor(Int32(width), Int32(height)) else { return nil }
        gdImageAlphaBlending(canvas, 1)
        gdImageFilledRectangle(canvas, 0, 0, Int32(width - 1), Int32(height - 1), 0xFF_FFFF)
        gdImageCopy(canvas, image, 0, 0, 0, 0, Int32(width), Int32(height))
        return canvas
    }

    /// Encodes to JPEG (a palette image must be made truecolor first, libgd would otherwise
    /// write a poor-quality JPEG) without gd's "CREATOR" comment segment.
    static func jpeg(_ image: gdImagePtr, quality: Int32) -> [UInt8]? {
        if image.pointee.trueColor == 0 { guard gdImagePaletteToTrueColor(image) != 0 else { return nil } }
        guard var bytes = take({ gdImageJpegPtr(image, $0, quality) }) else { return nil }
        for range in ImageHeader.jpegCommentRanges(bytes).reversed() { bytes.removeSubrange(range) }
        return bytes
    }

    /// Encodes to PNG, keeping the alpha channel (libgd drops it unless told).
    static func png(_ image: gdImagePtr) -> [UInt8]? {
        gdImageSaveAlpha(image, 1)
        return take({ gdImagePngPtrEx(image, $0, -1) })
    }

    /// Runs a libgd encoder, copies the buffer it allocated into an array and frees it.
    private static func take(_ encoder: (UnsafeMutablePointer<Int32>) -> UnsafeMutableRawPointer?) -> [UInt8]? {
        var size: Int32 = 0
        guard let pointer = encoder(&size) else { return nil }
        defer { gdFree(pointer) }
        guard size > 0 else { return nil }
        return Array(UnsafeRawBufferPointer(start: pointer, count: Int(size)))
    }
}
