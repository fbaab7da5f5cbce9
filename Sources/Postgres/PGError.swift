/// Errors from the database layer. `isConnectionFailure` lets the web layer answer 503
/// (and the worker back off) instead of treating an outage as a bug.
public struct PGError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable { case connection, query, decoding }
    public let kind: Kind
    public let sqlState: String?
    public let message: String

    public init(_ kind: Kind, _ message: String, sqlState: String? = nil) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
    }

    public var isConnectionFailure: Bool {
        if kind == .connection { return true }
        // Class 08 = connection exception; 57P01..03 = admin shutdown / crash / cannot connect now.
        guard let s = sqlState else { return false }
        return s.hasPrefix("08") || s == "57P01" || s == "57P02" || s == "57P03"
    }
    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// Text the database cannot store as given (a NUL, a byte sequence invalid in UTF-8): the
    /// input's fault, never the code's.
    public var isUnstorableText: Bool { sqlState == "22021" }
    public var isSerializationFailure: Bool { sqlState == "40001" || sqlState == "40P01" }

    public var description: String {
        if let s = sqlState { return "PostgreSQL \(kind) error [\(s)]: \(message)" }
        return "PostgreSQL \(kind) error: \(message)"
    }
}
