import Foundation
import Security

/// Every argon2 computation of the credential paths goes through here: one place to see that
/// known, unknown and locked identifiers cost the same, and a counter tests can read (timing
/// belongs in the benchmark, never in tests).
enum SecretWork {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var verified = 0
    nonisolated(unsafe) private static var hashed = 0

    /// argon2 verifications and hashes since the process started.
    static var counts: (verifications: Int, hashes: Int) { lock.withLock { (verified, hashed) } }

    static func verify(_ secret: String, hash: String) -> Bool {
        lock.withLock { verified += 1 }
        return PasswordHasher.verify(secret, hash: hash)
    }

    static func hash(_ secret: String) -> String {
        lock.withLock { hashed += 1 }
        return PasswordHasher.interactive.hash(secret)
    }
}
