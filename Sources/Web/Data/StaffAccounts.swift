import Domain
import Foundation
import Postgres
import Security

public struct StaffAccount: Sendable {
    public let id: Int64
    public let email: String
    public let displayName: String
    public let role: Role
    /// The SPADA/CADA/HUDA, GUDA site or office the person works for (none for admins and OFPRA).
    public let structureId: Int64?
}

/// Staff accounts in PostgreSQL. E-mail addresses are compared case-insensitively.
public enum StaffAccounts {
    static let columns = "id, email, display_name, role, structure_id"

    public static func find(id: Int64, db: PGConnection) throws -> StaffAccount? {
        try db.prepared("staff_by_id", "SELECT \(columns) FROM staff_accounts WHERE id = $1 AND disabled_at IS NULL", [id])
            .first.map(decode)
    }

    public static func all(_ db: PGConnection) throws -> [StaffAccount] {
        try db.query("SELECT \(columns) FROM staff_accounts WHERE disabled_at IS NULL ORDER BY role, email").rows.map(decode)
    }

    public struct Credentials: Sendable {
        public let account: StaffAccount
        public let passwordHash: String
        public let failedLogins: Int
        public let lastFailedAt: Date?
        public let lockedAt: Date?
    }

    /// The account, its password hash and failure counters, for the login check.
    public static func credentials(email: String, db: PGConnection) throws -> Credentials? {
        guard
            let row = try db.query(
                """
                SELECT \(columns), password_hash, failed_logins, last_failed_at, locked_at
                FROM staff_accounts WHERE lower(email) = lower($1) AND disabled_at IS NULL
                """, [email]
            ).first
        else { return nil }
        return Credentials(
            account: try decode(row), passwordHash: try row.get("password_hash"),
            failedLogins: try row.get("failed_logins"), lastFailedAt: try row.optional("last_failed_at"),
            lockedAt: try row.optional("locked_at"))
    }

    /// Marks the account locked (the counts themselves live in `identifier_throttle`, so an
    /// unknown address is locked exactly alike); kept for the administrators' view.
    static func markLocked(id: Int64, db: PGConnection) throws {
        try db.query("UPDATE staff_accounts SET locked_at = COALESCE(locked_at, now()), last_failed_at = now() WHERE id = $1", [id])
    }

    public static func recordSuccess(id: Int64, db: PGConnection) throws {
        try db.query("UPDATE staff_accounts SET failed_logins = 0 WHERE id = $1", [id])
    }

    /// The code e-mailed with a lock (one per account: a new lock replaces it).
    static func setUnlockCode(id: Int64, codeHMAC: [UInt8], expiresAt: Date, db: PGConnection) throws {
        try db.query(
            """
            INSERT INTO staff_unlock_codes (staff_id, code_hmac, expires_at) VALUES ($1, $2, $3)
            ON CONFLICT (staff_id) DO UPDATE SET code_hmac = EXCLUDED.code_hmac, created_at = now(), expires_at = EXCLUDED.expires_at
            """, [id, PGBytes(codeHMAC), expiresAt])
    }

    /// Uses up the account's live unlock code if it has this HMAC; true when it did.
    static func useUnlockCode(id: Int64?, codeHMAC: [UInt8], db: PGConnection) throws -> Bool {
        let used =
            try db.query(
                """
                DELETE FROM staff_unlock_codes WHERE staff_id = $1 AND code_hmac = $2 AND expires_at > now()
                """, [id ?? -1, PGBytes(codeHMAC)]
            ).affectedRows == 1
        if used, let id { try db.query("UPDATE staff_accounts SET locked_at = NULL, failed_logins = 0 WHERE id = $1", [id]) }
        return used
    }

    /// A new password set by an administrator lifts a lock too: the pending code goes.
    static func dropUnlockCode(id: Int64, db: PGConnection) throws {
        try db.query("DELETE FROM staff_unlock_codes WHERE staff_id = $1", [id])
    }

    /// Creates or, for an existing e-mail, updates name, role and password (used by
    /// `asylum-admin create-staff` and the demo seed, both meant to be re-runnable).
    @discardableResult
    public static func upsert(
        email: EmailAddress, displayName: String, role: Role, structureId: Int64? = nil,
        password: String, hasher: PasswordHasher, db: PGConnection
    ) throws -> StaffAccount {
        let row = try db.query(
            """
            INSERT INTO staff_accounts (email, display_name, role, structure_id, password_hash)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT ((lower(email))) DO UPDATE
              SET display_name = EXCLUDED.display_name, role = EXCLUDED.role, structure_id = EXCLUDED.structure_id,
                  password_hash = EXCLUDED.password_hash, disabled_at = NULL, failed_logins = 0, locked_at = NULL
            RETURNING \(columns)
            """, [email.value, displayName, role.rawValue, structureId, hasher.hash(password)]
        ).first
        guard let row else { throw PGError(.query, "upsert returned no row") }
        return try decode(row)
    }

    static func decode(_ row: PGRow) throws -> StaffAccount {
        guard let role = Role(rawValue: try row.get("role")) else { throw PGError(.decoding, "unknown role") }
        return StaffAccount(
            id: try row.get("id"), email: try row.get("email"),
            displayName: try row.get("display_name"), role: role,
            structureId: try row.optional("structure_id"))
    }
}
