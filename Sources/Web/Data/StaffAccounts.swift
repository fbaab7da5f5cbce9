import Domain
import Postgres
import Security

public struct StaffAccount: Sendable {
    public let id: Int64
    public let email: String
    public let displayName: String
    public let role: Role
}

/// Staff accounts in PostgreSQL. E-mail addresses are compared case-insensitively.
public enum StaffAccounts {
    static let columns = "id, email, display_name, role"

    public static func find(id: Int64, db: PGConnection) throws -> StaffAccount? {
        try db.prepared("staff_by_id", "SELECT \(columns) FROM staff_accounts WHERE id = $1 AND disabled_at IS NULL", [id])
            .first.map(decode)
    }

    /// The account and its password hash, for the login check.
    public static func credentials(email: String, db: PGConnection) throws -> (StaffAccount, String)? {
        guard let row = try db.query(
            "SELECT \(columns), password_hash FROM staff_accounts WHERE lower(email) = lower($1) AND disabled_at IS NULL",
            [email]).first else { return nil }
        return (try decode(row), try row.get("password_hash"))
    }

    /// Creates or, for an existing e-mail, updates name, role and password (used by
    /// `asylum-admin create-staff` and the demo seed, both meant to be re-runnable).
    @discardableResult
    public static func upsert(email: EmailAddress, displayName: String, role: Role, password: String,
                              hasher: PasswordHasher, db: PGConnection) throws -> StaffAccount {
        let row = try db.query("""
            INSERT INTO staff_accounts (email, display_name, role, password_hash)
            VALUES ($1, $2, $3, $4)
            ON CONFLICT ((lower(email))) DO UPDATE
              SET display_name = EXCLUDED.display_name, role = EXCLUDED.role,
                  password_hash = EXCLUDED.password_hash, disabled_at = NULL
            RETURNING \(columns)
            """, [email.value, displayName, role.rawValue, hasher.hash(password)]).first
        guard let row else { throw PGError(.query, "upsert returned no row") }
        return try decode(row)
    }

    static func decode(_ row: PGRow) throws -> StaffAccount {
        guard let role = Role(rawValue: try row.get("role")) else { throw PGError(.decoding, "unknown role") }
        return StaffAccount(id: try row.get("id"), email: try row.get("email"),
                            displayName: try row.get("display_name"), role: role)
    }
}
