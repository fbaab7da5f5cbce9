import CSodium

/// argon2id password hashes in the standard encoded form (`$argon2id$v=19$m=…`).
public struct PasswordHasher: Sendable {
    public let opsLimit: UInt64
    public let memLimit: Int

    /// libsodium's "interactive" limits: ~64 MiB and a fraction of a second per hash.
    public static let interactive = PasswordHasher(
        opsLimit: UInt64(crypto_pwhash_OPSLIMIT_INTERACTIVE), memLimit: Int(crypto_pwhash_MEMLIMIT_INTERACTIVE))
    /// Cheap limits for tests only (still argon2id, still verifiable by `verify`).
    public static let fastForTests = PasswordHasher(opsLimit: 1, memLimit: 8192 * 1024)

    public init(opsLimit: UInt64, memLimit: Int) {
        self.opsLimit = opsLimit
        self.memLimit = memLimit
    }

    public func hash(_ password: String) -> String {
        Sodium.ensure()
        var out = [CChar](repeating: 0, count: Int(crypto_pwhash_STRBYTES))
        let rc = crypto_pwhash_str_alg(
            &out, password, UInt64(password.utf8.count), opsLimit, memLimit,
            crypto_pwhash_ALG_ARGON2ID13)
        precondition(rc == 0, "argon2id hashing ran out of memory")
        return String(cString: out)
    }

    /// Verifies a password against a stored hash (any argon2 parameters).
    public static func verify(_ password: String, hash: String) -> Bool {
        Sodium.ensure()
        return crypto_pwhash_str_verify(hash, password, UInt64(password.utf8.count)) == 0
    }

    /// A hash of a random password: verifying against it costs the same time as a real one,
    /// so unknown identifiers cannot be told apart by timing.
    public static let decoyHash: String = PasswordHasher.interactive.hash(SecureRandom.token())
}
