import Security

/// Anti-forgery tokens: an HMAC of the session token (or, before login, of a random
/// per-browser cookie) under the server secret. Nothing to store, and a token stolen
/// from one browser is useless in another.
///
/// The pre-login cookie is `random.MAC(random)`: a value planted by someone else (a sibling
/// site over plain HTTP, a shared kiosk) is not one we issued, so it is replaced, and tokens
/// minted for it are refused.
public struct CSRF: Sendable {
    public static let fieldName = "_csrf"
    let secret: [UInt8]

    public init(secret: [UInt8]) { self.secret = secret }

    public func token(bindingTo value: String) -> String {
        Base64URL.encode(Digest.hmacSHA256(key: secret, message: Array("csrf|\(value)".utf8)))
    }

    /// A fresh pre-login cookie value, signed so we can recognise our own.
    public func issueCookie() -> String {
        let random = SecureRandom.token()
        return random + "." + cookieMAC(random)
    }

    /// True only for a cookie value `issueCookie` produced under this secret.
    public func isIssued(_ cookie: String) -> Bool {
        let parts = cookie.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count >= 32, parts[0].utf8.count <= 64 else { return false }
        return Digest.constantTimeEqual(Array(parts[1].utf8), Array(cookieMAC(String(parts[0])).utf8))
    }

    private func cookieMAC(_ random: String) -> String {
        Base64URL.encode(Digest.hmacSHA256(key: secret, message: Array("csrf-cookie|\(random)".utf8)))
    }

    public func isValid(_ submitted: String?, bindingTo value: String?) -> Bool {
        guard let submitted, let value, !value.isEmpty else { return false }
        return Digest.constantTimeEqual(Array(submitted.utf8), Array(token(bindingTo: value).utf8))
    }
}
