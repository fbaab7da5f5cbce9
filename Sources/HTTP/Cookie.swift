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
    public static func parseHeader(_ header: String) -> [String: String] {
        var out = [String: String]()
        for piece in header.split(separator: ";") {
            let kv = piece.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { continue }
            let name = kv[0].trimmingSpaces()
            if out[name] == nil { out[name] = kv[1].trimmingSpaces() }
        }
        return out
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
