import Security

/// Anti-forgery tokens: an HMAC of the session token (or, before login, of a random
/// per-browser cookie) under the server secret. Nothing to store, and a token stolen
/// from one browser is useless in another.
public struct CSRF: Sendable {
    public static let fieldName = "_csrf"
    let secret: [UInt8]

    public init(secret: [UInt8]) { self.secret = secret }

    public func token(bindingTo value: String) -> String {
        Base64URL.encode(Digest.hmacSHA256(key: secret, message: Array("csrf|\(value)".utf8)))
    }

    public func isValid(_ submitted: String?, bindingTo value: String?) -> Bool {
        guard let submitted, let value, !value.isEmpty else { return false }
        return Digest.constantTimeEqual(Array(submitted.utf8), Array(token(bindingTo: value).utf8))
    }
}
