import HTTP

/// How every stored or generated PDF leaves the app. `sandbox` makes the document an opaque
/// origin: should a script ever pass the upload check, it runs with no cookie, no session and no
/// access to the portal. `nosniff` keeps the browser from reading it as anything but a PDF.
enum PDFResponse {
    static let contentSecurityPolicy = "sandbox; frame-ancestors 'none'; base-uri 'none'"

    /// `filename` is built by the app from fixed parts (kind, date, id), never from an upload;
    /// anything outside [A-Za-z0-9._-] is replaced all the same, so the header cannot be split.
    static func make(_ bytes: [UInt8], filename: String, download: Bool) -> Response {
        let safe = String(filename.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
        var r = Response(
            status: .ok,
            headers: [
                .contentType: "application/pdf",
                .contentDisposition: "\(download ? "attachment" : "inline"); filename=\"\(safe)\"",
                .contentSecurityPolicy: contentSecurityPolicy,
                .xContentTypeOptions: "nosniff",
            ], body: bytes)
        r.setHeader(.cacheControl, "no-store")
        return r
    }

    /// A stored upload (PDF, JPEG or PNG, checked by content when it came in), served inline
    /// under the same sandbox: PDFs through `make`, images as they were re-encoded.
    static func upload(_ bytes: [UInt8], contentType: String, name: String) -> Response {
        if contentType == "application/pdf" { return make(bytes, filename: "\(name).pdf", download: false) }
        var r = Response(
            status: .ok,
            headers: [.contentType: contentType, .xContentTypeOptions: "nosniff", .contentSecurityPolicy: contentSecurityPolicy],
            body: bytes)
        r.setHeader(.cacheControl, "no-store")
        return r
    }
}
