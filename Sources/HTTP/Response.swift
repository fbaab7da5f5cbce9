/// A response: status, headers, cookies, body. Built by handlers, written by the server.
public struct Response: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var cookies: [Cookie] = []
    public var body: [UInt8]

    public init(status: Int = 200, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func html(_ html: String, status: Int = 200) -> Response {
        Response(status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(html.utf8))
    }

    public static func text(_ text: String, status: Int = 200) -> Response {
        Response(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(text.utf8))
    }

    /// 303 after a POST, so reloading the next page never re-submits the form.
    public static func redirect(to location: String, status: Int = 303) -> Response {
        Response(status: status, headers: [("Location", location)])
    }

    public func header(_ name: String) -> String? {
        headers.first { Self.sameHeaderName($0.name, name) }?.value
    }

    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { Self.sameHeaderName($0.name, name) }
        headers.append((name, value))
    }

    /// Adds a header only if the handler did not set it itself.
    public mutating func defaultHeader(_ name: String, _ value: String) {
        if header(name) == nil { headers.append((name, value)) }
    }

    /// The CGI-style head FastCGI expects (`Status:` line, headers, blank line).
    public func serializedHead() -> String {
        var s = "Status: \(status) \(HTTPStatus.reason(status))\r\n"
        // A line break or NUL in a name or value would end the line early and start another
        // header (response splitting); such a header or cookie is left out, not repaired.
        for (name, value) in headers where Self.isSafeHeaderText(value) && Self.isSafeHeaderText(name) && !name.contains(":") {
            s += "\(name): \(value)\r\n"
        }
        for c in cookies where Self.isSafeHeaderText(c.headerValue) { s += "Set-Cookie: \(c.headerValue)\r\n" }
        if header("Content-Length") == nil { s += "Content-Length: \(body.count)\r\n" }
        s += "\r\n"
        return s
    }

    /// Header names are ASCII tokens: comparing bytes with ASCII case folding is exact and
    /// avoids Foundation's Unicode-aware compare (issue 10: 5% of the home page).
    static func sameHeaderName(_ a: String, _ b: String) -> Bool {
        var ia = a.utf8.makeIterator(), ib = b.utf8.makeIterator()
        while true {
            switch (ia.next(), ib.next()) {
            case (nil, nil): return true
            case let (x?, y?):
                if x != y && asciiLower(x) != asciiLower(y) { return false }
            default: return false
            }
        }
    }

    private static func asciiLower(_ c: UInt8) -> UInt8 { c &- 65 < 26 ? c | 0x20 : c }

    static func isSafeHeaderText(_ text: String) -> Bool {
        !text.utf8.contains { $0 == 13 || $0 == 10 || $0 == 0 }
    }
}
