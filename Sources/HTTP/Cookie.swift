/// A Set-Cookie header. Defaults are the safe ones: HttpOnly, SameSite=Lax, Path=/.
public struct Cookie: Sendable, Equatable {
    public enum SameSite: String, Sendable {
        case strict = "Strict"
        case lax = "Lax"
    }

    public var name: String
    public var value: String
    public var maxAge: Int?
    public var httpOnly = true
    public var secure = false
    public var sameSite: SameSite = .lax

    public init(name: String, value: String, maxAge: Int? = nil, secure: Bool = false, sameSite: SameSite = .lax) {
        self.name = name
        self.value = value
        self.maxAge = maxAge
        self.secure = secure
        self.sameSite = sameSite
    }

    /// A cookie that deletes `name` in the browser.
    public static func expired(_ name: String, secure: Bool) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, secure: secure)
    }

    public var headerValue: String {
        var s = "\(name)=\(value); Path=/"
        if let maxAge { s += "; Max-Age=\(maxAge)" }
        if secure { s += "; Secure" }
        if httpOnly { s += "; HttpOnly" }
        s += "; SameSite=\(sameSite.rawValue)"
        return s
    }

    /// Parses a Cookie request header. Malformed pieces are skipped, not fatal: a browser
    /// extension's odd cookie must not lock someone out.
    ///
    /// Scans UTF-8 bytes: `;`, `=`, space and tab are ASCII, so byte positions are character
    /// boundaries, and the header is read once per request (issue 10: 6% of a staff page when it
    /// went through grapheme clusters twice over).
    public static func parseHeader(_ header: String) -> [String: String] {
        var out = [String: String]()
        let bytes = header.utf8
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex
            // A piece without a name, or without a value before trimming, is skipped.
            if let equals = bytes[start..<end].firstIndex(of: UInt8(ascii: "=")), equals > start,
                bytes.index(after: equals) < end
            {
                let name = header.trimmingSpaces(start, equals)
                if !name.isEmpty, out[name] == nil { out[name] = header.trimmingSpaces(bytes.index(after: equals), end) }
            }
            start = end < bytes.endIndex ? bytes.index(after: end) : end
        }
        return out
    }
}

extension String {
    /// The text between two UTF-8 positions without its leading and trailing spaces and tabs.
    func trimmingSpaces(_ from: String.Index, _ to: String.Index) -> String {
        let bytes = utf8
        var start = from
        var end = to
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        while start < end, blank(bytes[start]) { start = bytes.index(after: start) }
        while end > start, blank(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        return String(self[start..<end])
    }
}

extension Substring {
    func trimmingSpaces() -> String { base.trimmingSpaces(startIndex, endIndex) }
}
