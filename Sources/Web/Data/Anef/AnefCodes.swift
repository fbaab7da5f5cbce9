import Domain
import Foundation
import Postgres
import Security

/// Six-digit codes of the ANEF accounts: proving the e-mail and the phone at sign-up, and
/// choosing a new password. Stored as an HMAC under the server secret; five tries, ten minutes.
enum AnefCodes {
    enum Purpose: String {
        case verifyEmail = "verify_email"
        case verifyPhone = "verify_phone"
        case resetPassword = "reset_password"
        /// A new e-mail address or phone, proven before it replaces the old one (`target`).
        case changeEmail = "change_email"
        case changePhone = "change_phone"
    }

    enum Check: Equatable { case valid, wrong, expired }

    static let maxAttempts = 5

    static func hash(_ digits: String, purpose: Purpose, secret: [UInt8]) -> PGBytes {
        PGBytes(Digest.hmacSHA256(key: secret, message: Array("anef-code|\(purpose.rawValue)|\(digits)".utf8)))
    }

    /// A new code for `purpose`; earlier unused ones of the same purpose stop working.
    static func issue(account: Int64, purpose: Purpose, target: String? = nil, secret: [UInt8], db: PGConnection) throws
        -> VerificationCode
    {
        let code = VerificationCode.generate(using: SodiumRandom(), now: Date())
        try db.query(
            "UPDATE anef_codes SET used_at = now() WHERE account_id = $1 AND purpose = $2 AND used_at IS NULL",
            [account, purpose.rawValue])
        try db.query(
            "INSERT INTO anef_codes (account_id, purpose, code_hash, created_at, expires_at, target) VALUES ($1, $2, $3, $4, $5, $6)",
            [account, purpose.rawValue, hash(code.digits, purpose: purpose, secret: secret), code.issuedAt, code.expiresAt, target])
        return code
    }

    static func issuedInLastHour(account: Int64, purpose: Purpose, db: PGConnection) throws -> Int {
        try db.query(
            "SELECT count(*) AS n FROM anef_codes WHERE account_id = $1 AND purpose = $2 AND created_at > now() - interval '1 hour'",
            [account, purpose.rawValue]
        ).first?.get("n") ?? 0
    }

    /// The contact a live change code would set (what the page says it was sent to).
    static func pendingTarget(account: Int64, purpose: Purpose, db: PGConnection) throws -> String? {
        try db.query(
            """
            SELECT target FROM anef_codes WHERE account_id = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
              AND attempts < $3 ORDER BY created_at DESC LIMIT 1
            """, [account, purpose.rawValue, maxAttempts]
        ).first?.optional("target")
    }

    /// Checks a typed code against the live one and uses it up when it matches. Every wrong try
    /// counts; the fifth ends the code.
    static func check(_ typed: String, account: Int64, purpose: Purpose, secret: [UInt8], db: PGConnection) throws -> Check {
        guard
            let row = try db.query(
                """
                SELECT id, code_hash FROM anef_codes
                WHERE account_id = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now() AND attempts < $3
                ORDER BY created_at DESC LIMIT 1 FOR UPDATE
                """, [account, purpose.rawValue, maxAttempts]
            ).first
        else { return .expired }
        let id: Int64 = try row.get("id")
        let digits = VerificationCode.typedDigits(typed)
        let stored = try row.get("code_hash", as: PGBytes.self).bytes
        guard Digest.constantTimeEqual(hash(digits, purpose: purpose, secret: secret).bytes, stored) else {
            try db.query("UPDATE anef_codes SET attempts = attempts + 1 WHERE id = $1", [id])
            return .wrong
        }
        let used = try db.query("UPDATE anef_codes SET used_at = now() WHERE id = $1 AND used_at IS NULL", [id]).affectedRows
        return used == 1 ? .valid : .expired
    }
}
