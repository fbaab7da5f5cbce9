@_exported import HTTPTypes

/// One HTTP request as nginx handed it over FastCGI.
public struct Request: Sendable {
    public let method: HTTPRequest.Method
    /// The path without the query string, percent-decoded.
    public let path: String
    public let query: FormData
    /// The request's header fields (names compare without case: `.acceptLanguage`, `.contentType`…).
    public let headers: HTTPFields
    public let cookies: [String: String]
    public let body: [UInt8]
    public let remoteAddress: String
    /// True when the browser reached nginx over TLS.
    public let isSecure: Bool
    /// nginx's `$request_id`, or a local one: ties the access log to nginx's log.
    public let requestId: String
    /// Filled by the router (`/documents/:id` → `["id": "42"]`).
    public var pathParameters: [String: String] = [:]

    public init(
        method: HTTPRequest.Method, path: String, query: FormData = FormData(), headers: HTTPFields = HTTPFields(),
        cookies: [String: String] = [:], body: [UInt8] = [], remoteAddress: String = "",
        isSecure: Bool = false, requestId: String = ""
    ) {
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

    /// The first value of a header field, or nil.
    public func header(_ name: HTTPField.Name) -> String? { headers.first(name) }

    public var contentType: String { header(.contentType) ?? "" }

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

    /// GET and HEAD: requests that change nothing (no CSRF token, a login redirect is fine).
    public var isSafeMethod: Bool { method == .get || method == .head }

    /// The path for a log line: control characters written as `\xNN` (no forged entries).
    public var loggablePath: String { FastCGIServer.logSafe(path) }

    /// The path as a link back to this page (the language switcher): percent-encoded, with one
    /// leading slash, so a request for `//evil.example` or `/\evil.example` never yields a
    /// link that a browser reads as another site.
    public var linkPath: String {
        "/" + FormData.percentEncode(path).drop { $0 == "/" }
    }
}

extension HTTPFields {
    /// The first field's value, without the comma-joined copy `self[name]` builds: names are
    /// compared as lower-case ASCII strings (a byte compare, not Foundation's; issue 10).
    public func first(_ name: HTTPField.Name) -> String? {
        for field in self where field.name == name { return field.value }
        return nil
    }
}
