/// One HTTP request as nginx handed it over FastCGI.
public struct Request: Sendable {
    public let method: String
    /// The path without the query string, percent-decoded.
    public let path: String
    public let query: FormData
    /// Header names in lower case (`user-agent`, `accept-language`, `content-type`…).
    public let headers: [String: String]
    public let cookies: [String: String]
    public let body: [UInt8]
    public let remoteAddress: String
    /// True when the browser reached nginx over TLS.
    public let isSecure: Bool
    /// nginx's `$request_id`, or a local one: ties the access log to nginx's log.
    public let requestId: String
    /// Filled by the router (`/documents/:id` → `["id": "42"]`).
    public var pathParameters: [String: String] = [:]

    public init(method: String, path: String, query: FormData = FormData(), headers: [String: String] = [:],
                cookies: [String: String] = [:], body: [UInt8] = [], remoteAddress: String = "",
                isSecure: Bool = false, requestId: String = "") {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.cookies = cookies
        self.body = body
        self.remoteAddress = remoteAddress
        self.isSecure = isSecure
        self.requestId = requestId
    }

    public var contentType: String { headers["content-type"] ?? "" }

    /// Form fields from a URL-encoded or a multipart body (file parts excluded).
    /// Throws 400 for a malformed body and 415 for a body that is not a form.
    public func form() throws -> FormData {
        let type = contentType.lowercased()
        if type.hasPrefix("application/x-www-form-urlencoded") {
            return try FormData.parseURLEncoded(body)
        }
        if type.hasPrefix("multipart/form-data") {
            return try MultipartParser.fields(of: try multipart())
        }
        if body.isEmpty { return FormData() }
        throw HTTPError(415, "unsupported content type \(type)")
    }

    /// The parts of a multipart/form-data body.
    public func multipart() throws -> [MultipartPart] {
        guard let boundary = MultipartParser.boundary(fromContentType: contentType) else {
            throw HTTPError(400, "multipart body without boundary")
        }
        return try MultipartParser.parse(body, boundary: boundary)
    }

    public func pathParameter(_ name: String) -> String? { pathParameters[name] }

    /// The path for a log line: control characters written as `\xNN` (no forged entries).
    public var loggablePath: String { FastCGIServer.logSafe(path) }

    /// The path as a link back to this page (the language switcher): percent-encoded, with one
    /// leading slash, so a request for `//evil.example` or `/\evil.example` never yields a
    /// link that a browser reads as another site.
    public var linkPath: String {
        "/" + FormData.percentEncode(path).drop { $0 == "/" }
    }
}
