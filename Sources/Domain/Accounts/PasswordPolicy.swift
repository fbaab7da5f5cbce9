/// What a new password must satisfy, after NIST SP 800-63B: length matters, composition
/// rules do not (they push people to predictable patterns). Returns every violation so
/// the form can list them all at once.
public enum PasswordPolicy {
    /// Counted in characters as people see them (an accented letter or an emoji is one).
    public static let minimumLength = 12
    /// Long passphrases are welcome; the cap only bounds hashing work.
    public static let maximumLength = 128

    public static func violations(
        of password: String, agdref: AGDREFNumber?, connectionKey: ConnectionKey?
    ) -> [PasswordViolation] {
        var found: [PasswordViolation] = []
        if password.count < minimumLength { found.append(.tooShort) }
        if password.count > maximumLength { found.append(.tooLong) }
        if CommonPasswords.contains(password) { found.append(.common) }
        // Spaces are dropped so "12 34 567 890" inside a password is caught as well.
        if let agdref, TypedInput.removingWhitespace(TypedInput.asciiDigits(password)).contains(agdref.digits) {
            found.append(.containsIdentifier)
        }
        if let connectionKey, ConnectionKey.normalize(password) == connectionKey {
            found.append(.isConnectionKey)
        }
        return found
    }
}

/// Raw values are stable codes; the web layer words them.
public enum PasswordViolation: String, CaseIterable, Sendable {
    case tooShort = "too_short"
    case tooLong = "too_long"
    case common = "common"
    case containsIdentifier = "contains_identifier"
    /// The key stays a one-time credential: it must never become the password.
    case isConnectionKey = "is_connection_key"
}
