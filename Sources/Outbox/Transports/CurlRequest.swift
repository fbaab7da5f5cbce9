import CCurl

/// One libcurl transfer. Swift side of Sources/CCurl: the C request owns every buffer curl
/// points at, so nothing here has to outlive a call.
final class CurlRequest {
    struct Failure: Error {
        let code: Int32
        let message: String
        /// Network trouble: the peer could not be reached or did not answer in time.
        var isTransient: Bool { ccurl_code_is_transient(code) != 0 }
        /// Our URL, TLS or login settings were refused: fix the configuration, then retry.
        var isConfiguration: Bool { ccurl_code_is_configuration(code) != 0 }
    }

    /// curl_global_init must run once, before any transfer; a static let is initialised once, thread-safely.
    private static let globalInit: Int32 = ccurl_global_init()

    private let handle: OpaquePointer

    init() throws {
        guard Self.globalInit == 0, let handle = ccurl_request_new() else {
            throw Failure(code: 2, message: "libcurl could not be initialised")
        }
        self.handle = handle
    }

    deinit { ccurl_request_free(handle) }

    private func check(_ code: Int32, _ what: String) throws {
        guard code == 0 else { throw Failure(code: code, message: "\(what): \(String(cString: ccurl_error_message(handle, code)))") }
    }

    func url(_ url: String) throws { try check(ccurl_set_url(handle, url), "URL") }
    func timeouts(connectMilliseconds: Int, totalMilliseconds: Int) throws {
        try check(ccurl_set_timeouts_ms(handle, connectMilliseconds, totalMilliseconds), "timeouts")
    }
    func credentials(user: String, password: String) throws {
        try check(ccurl_set_credentials(handle, user, password), "credentials")
    }
    func requireTLS(_ required: Bool) throws { try check(ccurl_set_require_tls(handle, required ? 1 : 0), "TLS") }
    func mailFrom(_ address: String) throws { try check(ccurl_set_mail_from(handle, address), "MAIL FROM") }
    func mailRecipient(_ address: String) throws { try check(ccurl_add_mail_rcpt(handle, address), "RCPT TO") }
    func header(_ line: String) throws { try check(ccurl_add_header(handle, line), "header") }

    func postBody(_ bytes: [UInt8]) throws {
        try check(
            bytes.withUnsafeBufferPointer { p in
                p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { ccurl_set_post_body(handle, $0, p.count) }
            }, "body")
    }

    func upload(_ bytes: [UInt8]) throws {
        try check(
            bytes.withUnsafeBufferPointer { p in
                p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { ccurl_set_upload(handle, $0, p.count) }
            }, "upload")
    }

    /// Runs the transfer. Throws `Failure` when curl fails; the server's reply code is kept.
    func perform() throws {
        let code = ccurl_perform(handle)
        if code != 0 {
            throw Failure(code: code, message: String(cString: ccurl_error_message(handle, code)))
        }
    }

    /// HTTP status or last SMTP reply code (0 when the server never answered).
    var responseCode: Int { Int(ccurl_response_code(handle)) }

    var responseBody: [UInt8] {
        var length = 0
        guard let p = ccurl_response_body(handle, &length) else { return [] }
        return p.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }
}
