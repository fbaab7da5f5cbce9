import Dispatch
import Domain
import ImageCheck
import PDFValidation

/// Checks a file sent with a request by what it contains, never by its name or declared type:
/// a PDF goes through qpdf (as OFPRA's deposits do), an image is decoded and re-encoded by
/// libgd (so no metadata or trailing bytes survive), anything else is refused.
enum PermitUploads {
    static let maximumBytes = 10 * 1024 * 1024
    /// Decoding an image at the pixel limit takes ~160 MB (twice that while rotating): at most two
    /// at once, whatever the number of request threads, so a burst of uploads cannot exhaust memory.
    static let decoders = DispatchSemaphore(value: 2)

    static func decoding<T>(_ body: () -> T) -> T {
        decoders.wait()
        defer { decoders.signal() }
        return body()
    }

    struct Accepted {
        let contentType: String
        let bytes: [UInt8]
    }

    /// The accepted file, or the catalogue key saying why not.
    static func check(_ bytes: [UInt8], as kind: PermitFileKind) -> Result<Accepted, UploadRefusal> {
        if bytes.isEmpty { return .failure(.init(key: "anef.files.empty")) }
        if bytes.count > maximumBytes { return .failure(.init(key: "anef.files.too_large")) }
        if kind == .photo {
            return decoding { ImageInspector.photo(bytes) }.map { Accepted(contentType: $0.contentType, bytes: $0.bytes) }
                .mapError { UploadRefusal(key: DomainText.key($0, photo: true)) }
        }
        if bytes.starts(with: Array("%PDF-".utf8)) {
            if let problem = PDFValidator.problem(in: bytes) { return .failure(.init(key: DomainText.key(problem))) }
            return .success(Accepted(contentType: "application/pdf", bytes: bytes))
        }
        return decoding { ImageInspector.scan(bytes) }.map { Accepted(contentType: $0.contentType, bytes: $0.bytes) }
            .mapError { UploadRefusal(key: $0 == .notAnImage ? "anef.files.wrong_type" : DomainText.key($0, photo: false)) }
    }
}

struct UploadRefusal: Error, Equatable { let key: String }
