/// Cookie names. Over TLS they carry the `__Host-` prefix, which makes the browser insist on
/// Secure, Path=/ and no Domain: a sibling site cannot plant or overwrite them.
public struct CookieNames: Sendable {
    public let session: String
    public let csrf: String
    public let language = "lang"

    public init(secure: Bool) {
        session = secure ? "__Host-session" : "session"
        csrf = secure ? "__Host-csrf" : "csrf"
    }
}
