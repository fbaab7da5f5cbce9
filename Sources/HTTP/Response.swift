/// A response: status, headers, cookies, body. Built by handlers, written by the server.
///
/// Header fields go in through `setHeader` only: a value HTTP cannot carry as it is (a CR, LF or
/// NUL that would split the head, another control character, leading or trailing space) is never
/// written, repaired or dropped quietly: it is kept in `refusedHeaders`, and the server logs an
/// error and answers 500 instead of this response (`AppHandler`, `FastCGIServer`).
public struct Response: Sendable {
    public var status: HTTPResponse.Status
    public private(set) var headers: HTTPFields = HTTPFields()
    public var cookies: [Cookie] = []
    public var body: [UInt8]
    /// Names of the headers a handler tried to set with a value that cannot be written.
    public private(set) var refusedHeaders: [String] = []

    public init(status: HTTPResponse.Status = .ok, headers: KeyValuePairs<HTTPField.Name, String> = [:], body: [UInt8] = []) {
        self.status = status
        self.body = body
        for (name, value) in headers { setHeader(name, value) }
    }

    public static func html(_ html: String, status: Int = 200) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "text/html; charset=utf-8"], body: Array(html.utf8))
    }

    public static func text(_ text: String, status: Int = 200) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "text/plain; charset=utf-8"], body: Array(text.utf8))
    }

    /// 303 after a POST, so reloading the next page never re-submits the form.
    public static func redirect(to location: String, status: HTTPResponse.Status = .seeOther) -> Response {
        Response(status: status, headers: [.location: location])
    }

    public func header(_ name: HTTPField.Name) -> String? { headers.first(name) }

    /// For tests and names known only at run time; the app uses `HTTPField.Name` constants.
    public func header(_ name: String) -> String? { HTTPField.Name(name).flatMap(header) }

    /// Sets (replaces) a header. A value with a CR, LF or NUL, or anything else HTTP cannot
    /// carry, is refused: see the type's comment.
    public mutating func setHeader(_ name: HTTPField.Name, _ value: String) {
        guard HTTPField.isValidValue(value) else {
            refusedHeaders.append(name.rawName)
            return
        }
        headers[name] = value
    }

    /// A name that is not an HTTP token (a colon, a line break) is refused the same way.
    public mutating func setHeader(_ name: String, _ value: String) {
        guard let field = HTTPField.Name(name) else {
            refusedHeaders.append(name)
            return
        }
        setHeader(field, value)
    }

    /// Adds a header only if the handler did not set it itself.
    public mutating func defaultHeader(_ name: HTTPField.Name, _ value: String) {
        if !headers.contains(name) { setHeader(name, value) }
    }

    /// Why this response must not be written, or nil: a refused header, or a cookie whose name
    /// or value would break the `Set-Cookie` line.
    public var refusal: String? {
        if !refusedHeaders.isEmpty {
            return "header value or name not allowed in HTTP: " + refusedHeaders.map { FastCGIServer.logSafe($0) }.joined(separator: ", ")
        }
        if let bad = cookies.first(where: { !Self.isSafeHeaderText($0.headerValue) }) {
            return "cookie not allowed in HTTP: " + FastCGIServer.logSafe(bad.name)
        }
        return nil
    }

    /// The CGI-style head FastCGI expects (`Status:` line, headers, blank line).
    public func serializedHead() -> String {
        var s = "Status: \(status.code) \(HTTPStatus.reason(status.code))\r\n"
        // Every field passed `HTTPField.isValidValue`; a cookie that would split the head is
        // still left out here (belt and braces: `refusal` has already turned it into a 500).
        for field in headers { s += "\(field.name.rawName): \(field.value)\r\n" }
        for c in cookies where Self.isSafeHeaderText(c.headerValue) { s += "Set-Cookie: \(c.headerValue)\r\n" }
        if !headers.contains(.contentLength) { s += "Content-Length: \(body.count)\r\n" }
        s += "\r\n"
        return s
    }

    /// What the server writes instead of a response it refuses (no page: this layer has no
    /// templates; the web layer renders its own translated 500 first).
    public static let refusedPlaceholder = Response.text("Internal Server Error", status: 500)

    static func isSafeHeaderText(_ text: String) -> Bool {
        !text.utf8.contains { $0 == 13 || $0 == 10 || $0 == 0 }
    }
}
