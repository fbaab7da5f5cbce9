import CGD
import Dispatch
import Domain
import Foundation
import XCTest

@testable import ImageCheck

final class ImageInspectorTests: XCTestCase {
    // MARK: Accepted uploads

    func testGoodJPEGPhotoComesBackAsJPEGOfTheSameSize() throws {
        let image = try ImageInspector.photo(Fixture.jpeg(width: 600, height: 800)).get()
        XCTAssertEqual(image.format, .jpeg)
        XCTAssertEqual(image.contentType, "image/jpeg")
        XCTAssertEqual([image.width, image.height], [600, 800])
        XCTAssertEqual(ImageInspector.sniff(image.bytes), .jpeg)
        XCTAssertEqual(Fixture.decodedSize(image.bytes, .jpeg)?.width, 600)
        XCTAssertEqual(Fixture.decodedSize(image.bytes, .jpeg)?.height, 800)
    }

    func testPNGPhotoComesBackAsJPEG() throws {
        let image = try ImageInspector.photo(Fixture.png(width: 413, height: 531)).get()
        XCTAssertEqual(image.format, .jpeg)
        XCTAssertEqual([image.width, image.height], [413, 531])
        XCTAssertEqual(ImageInspector.sniff(image.bytes), .jpeg)
    }

    func testTransparentPNGPhotoIsFlattenedOnWhite() throws {
        let transparent = Fixture.png(width: 500, height: 600, color: 0x7F00_0000)  // alpha 127: fully transparent
        let image = try ImageInspector.photo(transparent).get()
        let pixel = try XCTUnwrap(Fixture.pixel(image.bytes, .jpeg, x: 250, y: 300))
        XCTAssertGreaterThan(pixel & 0xFF, 0xF0, "blue channel of a white pixel")
        XCTAssertGreaterThan(pixel >> 16 & 0xFF, 0xF0, "red channel of a white pixel")
    }

    func testPalettePNGIsAcceptedAsPhotoAndKeptAsPNGScan() throws {
        let palette = Fixture.palettePNG(width: 600, height: 800)
        XCTAssertEqual(try ImageInspector.photo(palette).get().format, .jpeg)
        let scan = try ImageInspector.scan(palette).get()
        XCTAssertEqual(scan.format, .png)
        XCTAssertEqual(scan.contentType, "image/png")
    }

    func testScanKeepsItsFormat() throws {
        let png = try ImageInspector.scan(Fixture.png(width: 1240, height: 1754)).get()
        XCTAssertEqual(png.format, .png)
        XCTAssertEqual(ImageInspector.sniff(png.bytes), .png)
        XCTAssertEqual([png.width, png.height], [1240, 1754])
        let jpeg = try ImageInspector.scan(Fixture.jpeg(width: 800, height: 500)).get()
        XCTAssertEqual(jpeg.format, .jpeg)
        XCTAssertEqual([jpeg.width, jpeg.height], [800, 500])
    }

    // MARK: Size rules

    func testSmallPhotoIsTooSmall() {
        XCTAssertEqual(ImageInspector.photo(Fixture.jpeg(width: 200, height: 250)).failure, .tooSmall)
        XCTAssertEqual(ImageInspector.photo(Fixture.jpeg(width: 413, height: 530)).failure, .tooSmall)
        XCTAssertEqual(ImageInspector.photo(Fixture.png(width: 412, height: 531)).failure, .tooSmall)
    }

    func testScanShortSideMustReach500() {
        XCTAssertEqual(ImageInspector.scan(Fixture.jpeg(width: 2000, height: 499)).failure, .tooSmall)
        XCTAssertEqual(ImageInspector.scan(Fixture.png(width: 499, height: 2000)).failure, .tooSmall)
        XCTAssertNil(ImageInspector.scan(Fixture.png(width: 500, height: 500)).failure)
    }

    func testHugeDeclaredPNGIsTooLargeWithoutDecoding() {
        let start = Date()
        let bomb = Fixture.pngHeaderOnly(width: 50_000, height: 50_000)
        XCTAssertEqual(ImageInspector.photo(bomb).failure, .tooLarge)
        XCTAssertEqual(ImageInspector.scan(bomb).failure, .tooLarge)
        // One side over the limit, few pixels in all.
        XCTAssertEqual(ImageInspector.scan(Fixture.pngHeaderOnly(width: 12_001, height: 600)).failure, .tooLarge)
        // 7000×7000 is within the side limit but 49 Mpx.
        XCTAssertEqual(ImageInspector.scan(Fixture.pngHeaderOnly(width: 7000, height: 7000)).failure, .tooLarge)
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.5)
    }

    func testHugeDeclaredJPEGIsTooLarge() {
        var jpeg = Fixture.jpeg(width: 600, height: 800)
        let sof = try! XCTUnwrap(Fixture.firstSOF(jpeg))
        // Height then width, big-endian, after length (2) and precision (1).
        jpeg.replaceSubrange((sof + 5)..<(sof + 9), with: [0xFF, 0xF0, 0xFF, 0xF0])
        XCTAssertEqual(ImageInspector.photo(jpeg).failure, .tooLarge)
    }

    // MARK: Not images, other formats

    func testTextAndPDFAreNotImages() {
        let text = Array("Bonjour, voici ma photo.\n".utf8)
        let pdf = Array("%PDF-1.7\n%\u{E2}\u{E3}\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".utf8)
        for bytes in [text, pdf, [], [0xFF], [0xFF, 0xD8], Array("BMP is great".utf8)] {
            XCTAssertEqual(ImageInspector.photo(bytes).failure, .notAnImage, "\(bytes.prefix(8))")
            XCTAssertEqual(ImageInspector.scan(bytes).failure, .notAnImage)
            XCTAssertNil(ImageInspector.sniff(bytes))
        }
    }

    func testOtherPictureFormatsAreUnsupported() {
        let gif = Array("GIF89a".utf8) + [0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00]
        let webp = Array("RIFF".utf8) + [0x1A, 0x00, 0x00, 0x00] + Array("WEBPVP8 ".utf8)
        let heic = [0x00, 0x00, 0x00, 0x18] + Array("ftypheic".utf8) + [0x00, 0x00, 0x00, 0x00] + Array("mif1heic".utf8)
        let avif = [0x00, 0x00, 0x00, 0x1C] + Array("ftypavif".utf8) + [0x00, 0x00, 0x00, 0x00]
        let tiff: [UInt8] = [0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00]
        var bmp = Array("BM".utf8) + [UInt8](repeating: 0, count: 24)
        bmp[14] = 40  // BITMAPINFOHEADER
        for bytes in [gif, webp, heic, avif, tiff, bmp] {
            XCTAssertEqual(ImageInspector.photo(bytes).failure, .unsupportedFormat, "\(bytes.prefix(12))")
            XCTAssertEqual(ImageInspector.scan(bytes).failure, .unsupportedFormat)
            XCTAssertNil(ImageInspector.sniff(bytes))
        }
    }

    func testSniff() {
        XCTAssertEqual(ImageInspector.sniff(Fixture.jpeg(width: 8, height: 8)), .jpeg)
        XCTAssertEqual(ImageInspector.sniff(Fixture.png(width: 8, height: 8)), .png)
        XCTAssertNil(ImageInspector.sniff(Array("GIF89a".utf8)))
    }

    // MARK: Broken files

    func testTruncatedJPEGIsUnreadable() {
        let jpeg = Fixture.jpeg(width: 600, height: 800, noisy: true)
        XCTAssertEqual(ImageInspector.photo(Array(jpeg.prefix(jpeg.count / 2))).failure, .unreadable)
        XCTAssertEqual(ImageInspector.photo(Array(jpeg.dropLast(2))).failure, .unreadable, "without EOI")
        XCTAssertEqual(ImageInspector.photo(Array(jpeg.prefix(40))).failure, .unreadable, "cut in the headers")
    }

    func testTruncatedPNGIsUnreadable() {
        let png = Fixture.png(width: 600, height: 800, noisy: true)
        XCTAssertEqual(ImageInspector.photo(Array(png.prefix(png.count / 2))).failure, .unreadable)
        XCTAssertEqual(ImageInspector.scan(Array(png.prefix(png.count - 12))).failure, .unreadable, "without IEND")
        XCTAssertEqual(ImageInspector.scan(Array(png.prefix(20))).failure, .unreadable, "cut in IHDR")
    }

    func testPNGWithCRCErrorIsUnreadable() throws {
        var png = Fixture.png(width: 600, height: 800, noisy: true)
        let idat = try XCTUnwrap(Fixture.chunkOffset(png, type: "IDAT"))
        let length = Int(png[idat]) << 24 | Int(png[idat + 1]) << 16 | Int(png[idat + 2]) << 8 | Int(png[idat + 3])
        png[idat + 8 + length] ^= 0xFF  // first CRC byte
        XCTAssertEqual(ImageInspector.scan(png).failure, .unreadable)
    }

    func testPNGMissingImageDataIsUnreadable() throws {
        // Well-formed chunks, valid CRCs, but the compressed pixels stop early: libpng only warns.
        let png = Fixture.png(width: 600, height: 800, noisy: true)
        let idat = try XCTUnwrap(Fixture.chunkOffset(png, type: "IDAT"))
        let length = Int(png[idat]) << 24 | Int(png[idat + 1]) << 16 | Int(png[idat + 2]) << 8 | Int(png[idat + 3])
        let data = Array(png[(idat + 8)..<(idat + 8 + length)])
        let short =
            Array(png.prefix(idat)) + Fixture.chunk(type: "IDAT", data: Array(data.prefix(data.count / 4)))
            + Fixture.chunk(type: "IEND", data: [])
        XCTAssertEqual(ImageInspector.scan(short).failure, .unreadable)
    }

    func testGarbageAfterSOIIsUnreadable() {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<50 {
            let garbage = [0xFF, 0xD8, 0xFF] + (0..<500).map { _ in UInt8.random(in: 0...255, using: &generator) }
            XCTAssertEqual(ImageInspector.photo(garbage).failure, .unreadable)
        }
    }

    func testMutatedFilesNeverCrash() {
        var generator = SeededGenerator(seed: 7)
        let originals = [Fixture.jpeg(width: 500, height: 600, noisy: true), Fixture.png(width: 500, height: 600, noisy: true)]
        for original in originals {
            for _ in 0..<60 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...8, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                if Bool.random(using: &generator) { bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator))) }
                // Any answer will do, as long as success means a real image.
                if case .success(let image) = ImageInspector.scan(bytes) {
                    XCTAssertNotNil(Fixture.decodedSize(image.bytes, image.format))
                }
            }
        }
    }

    // MARK: Metadata and appended data are dropped

    func testEXIFIsStripped() throws {
        let jpeg = Fixture.jpeg(width: 600, height: 800)
        let payload = Array("Exif".utf8) + [0, 0] + Array("MM\0*GPS-SECRET-123".utf8)
        let app1 = [0xFF, 0xE1, UInt8((payload.count + 2) >> 8), UInt8((payload.count + 2) & 0xFF)] + payload
        let withExif = Array(jpeg.prefix(2)) + app1 + Array(jpeg.dropFirst(2))
        XCTAssertNotNil(Fixture.decodedSize(withExif, .jpeg), "the fixture itself must be a valid JPEG")
        let image = try ImageInspector.photo(withExif).get()
        XCTAssertFalse(image.bytes.contains(subsequence: Array("GPS-SECRET-123".utf8)))
        XCTAssertFalse(image.bytes.contains(subsequence: Array("Exif".utf8)))
    }

    func testPNGTextChunkIsStripped() throws {
        let png = Fixture.png(width: 600, height: 800)
        let chunk = Fixture.chunk(type: "tEXt", data: Array("Comment".utf8) + [0] + Array("secret-xyz".utf8))
        let withText = Array(png.prefix(33)) + chunk + Array(png.dropFirst(33))  // after the signature and IHDR
        XCTAssertNotNil(Fixture.decodedSize(withText, .png))
        for image in [try ImageInspector.scan(withText).get(), try ImageInspector.photo(withText).get()] {
            XCTAssertFalse(image.bytes.contains(subsequence: Array("secret-xyz".utf8)))
        }
    }

    func testDataAfterEOIIsDropped() throws {
        let jpeg = Fixture.jpeg(width: 600, height: 800)
        let zip = [0x50, 0x4B, 0x03, 0x04] + Array("payload.php<?php system($_GET['c']); ?>".utf8)
        let image = try ImageInspector.photo(jpeg + zip).get()
        XCTAssertFalse(image.bytes.contains(subsequence: [0x50, 0x4B, 0x03, 0x04]))
        XCTAssertFalse(image.bytes.contains(subsequence: Array("payload.php".utf8)))
        XCTAssertEqual(Array(image.bytes.suffix(2)), [0xFF, 0xD9])
    }

    func testOutputHasNoEncoderComment() throws {
        let image = try ImageInspector.photo(Fixture.png(width: 600, height: 800)).get()
        XCTAssertFalse(image.bytes.contains(subsequence: Array("CREATOR".utf8)))
        XCTAssertTrue(ImageHeader.jpegCommentRanges(image.bytes).isEmpty)
    }

    // MARK: EXIF orientation is applied before it is stripped

    func testEXIFOrientationIsApplied() throws {
        // 800×600 stored, red block in the stored top-left corner.
        let stored = Fixture.jpegWithRedCorner(width: 800, height: 600)
        let cases: [(orientation: UInt8, size: [Int], red: (x: Int32, y: Int32))] = [
            (1, [800, 600], (20, 20)),
            (3, [800, 600], (779, 579)),
            (6, [600, 800], (579, 20)),  // a phone held upright: turn clockwise
            (8, [600, 800], (20, 779)),
            (2, [800, 600], (779, 20)),
            (5, [600, 800], (20, 20)),
            (7, [600, 800], (579, 779)),
        ]
        for (orientation, size, red) in cases {
            let image = try ImageInspector.scan(Fixture.insertingEXIF(into: stored, orientation: orientation)).get()
            XCTAssertEqual([image.width, image.height], size, "orientation \(orientation)")
            XCTAssertEqual(Fixture.decodedSize(image.bytes, .jpeg).map { [$0.width, $0.height] }, size)
            let pixel = try XCTUnwrap(Fixture.pixel(image.bytes, .jpeg, x: red.x, y: red.y))
            XCTAssertGreaterThan(pixel >> 16 & 0xFF, 0xC0, "orientation \(orientation): red expected at \(red)")
            XCTAssertLessThan(pixel & 0xFF, 0x40, "orientation \(orientation)")
        }
    }

    func testPhotoSizeIsJudgedUpright() {
        // Stored 531×413 but shown 413×531 once turned: a valid portrait photo.
        let stored = Fixture.jpegWithRedCorner(width: 531, height: 413)
        XCTAssertEqual(ImageInspector.photo(stored).failure, .tooSmall)
        XCTAssertNil(ImageInspector.photo(Fixture.insertingEXIF(into: stored, orientation: 6)).failure)
    }

    /// Why warnings are counted: libjpeg fills a truncated file with grey and libgd, even with
    /// ignore_warning 0, returns the image.
    func testLibjpegAloneAcceptsATruncatedJPEG() {
        let jpeg = Fixture.jpeg(width: 600, height: 800, noisy: true)
        let truncated = Array(jpeg.prefix(jpeg.count / 2))
        XCTAssertNotNil(Fixture.decodedSize(truncated, .jpeg))
        XCTAssertNil(GD.decode(truncated, as: .jpeg))
        XCTAssertNotNil(GD.decode(jpeg, as: .jpeg).map { GD.destroy($0) })
    }

    // MARK: Threads

    func testConcurrentChecks() {
        let good = Fixture.jpeg(width: 600, height: 800, noisy: true)
        let truncated = Array(good.prefix(good.count / 2))
        let png = Fixture.png(width: 600, height: 800)
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 24) { i in
            switch i % 3 {
            case 0: results.add(ImageInspector.photo(good).failure == nil)
            case 1: results.add(ImageInspector.photo(truncated).failure == .unreadable)
            default: results.add(ImageInspector.scan(png).failure == nil)
            }
        }
        XCTAssertEqual(results.all, [Bool](repeating: true, count: 24))
    }
}

// MARK: - Fixtures made with libgd

private enum Fixture {
    static func jpeg(width: Int, height: Int, noisy: Bool = false) -> [UInt8] {
        withImage(width: width, height: height, color: 0x3366_99, noisy: noisy) { image in
            encode { gdImageJpegPtr(image, $0, 85) }
        }
    }

    static func png(width: Int, height: Int, color: Int32 = 0xCC88_44, noisy: Bool = false) -> [UInt8] {
        withImage(width: width, height: height, color: color, noisy: noisy) { image in
            gdImageSaveAlpha(image, 1)
            return encode { gdImagePngPtrEx(image, $0, 6) }
        }
    }

    static func jpegWithRedCorner(width: Int, height: Int) -> [UInt8] {
        withImage(width: width, height: height, color: 0x2040_C0, noisy: false) { image in
            gdImageFilledRectangle(image, 0, 0, 59, 59, 0xFF_0000)
            return encode { gdImageJpegPtr(image, $0, 90) }
        }
    }

    /// `jpeg` with an APP1 Exif segment (big-endian TIFF, IFD0 holding only Orientation) after SOI.
    static func insertingEXIF(into jpeg: [UInt8], orientation: UInt8) -> [UInt8] {
        let tiff: [UInt8] =
            Array("MM".utf8) + [0, 42, 0, 0, 0, 8, 0, 1] + [0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0] + [0, 0, 0, 0]
        let payload = Array("Exif".utf8) + [0, 0] + tiff
        let app1 = [0xFF, 0xE1, 0, UInt8(payload.count + 2)] + payload
        return Array(jpeg.prefix(2)) + app1 + Array(jpeg.dropFirst(2))
    }

    static func palettePNG(width: Int, height: Int) -> [UInt8] {
        let image = gdImageCreate(Int32(width), Int32(height))!
        defer { gdImageDestroy(image) }
        _ = gdImageColorAllocate(image, 240, 240, 240)
        let dark = gdImageColorAllocate(image, 20, 40, 60)
        gdImageFilledRectangle(image, 100, 100, 300, 400, dark)
        return encode { gdImagePngPtrEx(image, $0, 6) }
    }

    /// A PNG whose IHDR (with a correct CRC) declares `width`×`height`, then ends.
    static func pngHeaderOnly(width: UInt32, height: UInt32) -> [UInt8] {
        let ihdr = bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0]  // 8-bit RGB
        return ImageHeader.pngSignature + chunk(type: "IHDR", data: ihdr) + chunk(type: "IEND", data: [])
    }

    static func chunk(type: String, data: [UInt8]) -> [UInt8] {
        let typeAndData = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typeAndData + bigEndian(crc32(typeAndData))
    }

    /// Offset of the length field of the first chunk of `type`.
    static func chunkOffset(_ png: [UInt8], type: String) -> Int? {
        var i = 8
        while i + 8 <= png.count {
            let length = Int(png[i]) << 24 | Int(png[i + 1]) << 16 | Int(png[i + 2]) << 8 | Int(png[i + 3])
            if Array(png[(i + 4)..<(i + 8)]) == Array(type.utf8) { return i }
            i += 12 + length
        }
        return nil
    }

    /// Offset of the first SOF0/SOF2 marker of a well-formed JPEG.
    static func firstSOF(_ jpeg: [UInt8]) -> Int? {
        var i = 2
        while i + 4 <= jpeg.count, jpeg[i] == 0xFF {
            if jpeg[i + 1] == 0xC0 || jpeg[i + 1] == 0xC2 { return i }
            i += 2 + (Int(jpeg[i + 2]) << 8 | Int(jpeg[i + 3]))
        }
        return nil
    }

    static func decodedSize(_ bytes: [UInt8], _ format: CheckedImage.Format) -> (width: Int, height: Int)? {
        withDecoded(bytes, format) { (Int($0.pointee.sx), Int($0.pointee.sy)) }
    }

    static func pixel(_ bytes: [UInt8], _ format: CheckedImage.Format, x: Int32, y: Int32) -> Int32? {
        withDecoded(bytes, format) { gdImageGetTrueColorPixel($0, x, y) }
    }

    private static func withDecoded<T>(_ bytes: [UInt8], _ format: CheckedImage.Format, _ body: (gdImagePtr) -> T) -> T? {
        var copy = bytes
        let image = copy.withUnsafeMutableBytes { raw -> gdImagePtr? in
            switch format {
            case .jpeg: gdImageCreateFromJpegPtrEx(Int32(raw.count), raw.baseAddress, 1)
            case .png: gdImageCreateFromPngPtr(Int32(raw.count), raw.baseAddress)
            }
        }
        guard let image else { return nil }
        defer { gdImageDestroy(image) }
        return body(image)
    }

    private static func withImage(width: Int, height: Int, color: Int32, noisy: Bool, _ body: (gdImagePtr) -> [UInt8]) -> [UInt8] {
        let image = gdImageCreateTrueColor(Int32(width), Int32(height))!
        defer { gdImageDestroy(image) }
        gdImageAlphaBlending(image, 0)
        gdImageFilledRectangle(image, 0, 0, Int32(width - 1), Int32(height - 1), color)
        if noisy {
            // Detail makes the encoded data long enough that cutting it in half loses real content.
            var generator = SeededGenerator(seed: UInt64(width * height))
            for y in stride(from: 0, to: Int32(height), by: 2) {
                for x in stride(from: 0, to: Int32(width), by: 2) {
                    gdImageSetPixel(image, x, y, Int32.random(in: 0...0xFF_FFFF, using: &generator))
                }
            }
        }
        return body(image)
    }

    private static func encode(_ encoder: (UnsafeMutablePointer<Int32>) -> UnsafeMutableRawPointer?) -> [UInt8] {
        var size: Int32 = 0
        let pointer = encoder(&size)!
        defer { gdFree(pointer) }
        return Array(UnsafeRawBufferPointer(start: pointer, count: Int(size)))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    /// CRC-32 (ISO 3309, reflected, polynomial 0xEDB88320) as PNG chunks use it.
    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

/// Deterministic randomness so a failure can be replayed (SplitMix64).
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Bool] = []
    func add(_ value: Bool) { lock.withLock { values.append(value) } }
    var all: [Bool] { lock.withLock { values } }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}

extension Array where Element == UInt8 {
    fileprivate func contains(subsequence: [UInt8]) -> Bool {
        guard !subsequence.isEmpty, subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { self[$0..<($0 + subsequence.count)].elementsEqual(subsequence) }
    }
}
