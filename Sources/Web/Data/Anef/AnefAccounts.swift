import Domain
import Foundation
import Postgres

/// A protected person's or family member's ANEF account. It opens once both the e-mail and
/// the phone are proven by a code; until then it is a pending sign-up a new one replaces.
public struct AnefAccount: Sendable {
    public enum Role: String, Sendable { case protected, family }
    public let id: Int64
    public let role: Role
    public let protectionId: Int64
    public let relationship: FamilyRelationship?
    public let foreignerNumber: String?
    public let surnames: String
    public let givenNames: String
    public let birthDate: String
    public let email: String
    public let phone: String
    public let emailVerifiedAt: Date?
    public let phoneVerifiedAt: Date?
    public let language: String
    public let spokenLanguages: [String]
    public let openedAt: Date?

    public var fullName: String { "\(givenNames) \(surnames.uppercased())" }
    public var isOpen: Bool { openedAt != nil }
}

enum AnefAccounts {
    static let columns = """
        id, role, protection_id, relationship, foreigner_number, surnames, given_names, birth_date::text AS birth_date,
        email, phone, email_verified_at, phone_verified_at, language,
        array_to_string(spoken_languages, ',') AS spoken_languages, opened_at
        """

    struct NewAccount {
        var role: AnefAccount.Role
        var protectionId: Int64
        var relationship: FamilyRelationship?
        var foreignerNumber: String?
        var surnames, givenNames, birthDate, email, phone, passwordHash, language: String
    }

    /// Creates a pending account. An earlier unfinished sign-up for the same protection (or the
    /// same foreigner number) is replaced: whoever finishes proving the contacts owns it.
    static func createPending(_ a: NewAccount, db: PGConnection) throws -> Int64 {
        // A request filed at the counter waits in an account nobody could log in to: the person's
        // sign-up takes it over (new contacts, their password), so it stays the same request.
        if a.role == .protected,
            let id: Int64 = try db.query(
                """
                SELECT a.id FROM anef_accounts a JOIN anef_requests q ON q.account_id = a.id
                WHERE a.opened_at IS NULL AND a.role = 'protected' AND a.protection_id = $1
                """, [a.protectionId]
            ).first?.get("id")
        {
            try db.query(
                """
                UPDATE anef_accounts SET email = $2, phone = $3, password_hash = $4, language = $5,
                    email_verified_at = NULL, phone_verified_at = NULL WHERE id = $1
                """, [id, a.email, a.phone, a.passwordHash, a.language])
            return id
        }
        try db.query(
            """
            DELETE FROM anef_accounts WHERE opened_at IS NULL
              AND ((role = 'protected' AND $1 = 'protected' AND protection_id = $2) OR foreigner_number = $3)
              AND NOT EXISTS (SELECT 1 FROM anef_requests q WHERE q.account_id = anef_accounts.id)
            """, [a.role.rawValue, a.protectionId, a.foreignerNumber])
        return try db.query(
            """
            INSERT INTO anef_accounts (role, protection_id, relationship, foreigner_number, surnames, given_names, birth_date,
                                       email, phone, password_hash, language, spoken_languages)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, ARRAY[$11])
            RETURNING id
            """,
            [
                a.role.rawValue, a.protectionId, a.relationship?.rawValue, a.foreignerNumber, a.surnames, a.givenNames,
                a.birthDate, a.email, a.phone, a.passwordHash, a.language,
            ]
        ).first?.get("id") ?? 0
    }

    /// The account a request filed at the counter lives in until the person signs up: contacts as
    /// given at the counter (possibly none), no password that can match, not opened.
    static func createForCounter(protection p: ProtectionRecord, email: String, phone: String, language: String, db: PGConnection) throws
        -> Int64
    {
        try db.query(
            """
            INSERT INTO anef_accounts (role, protection_id, foreigner_number, surnames, given_names, birth_date, email, phone,
                                       password_hash, language, spoken_languages)
            VALUES ('protected', $1, $2, $3, $4, $5, $6, $7, '!', $8, ARRAY[$8]) RETURNING id
            """, [p.id, p.foreignerNumber, p.surnames, p.givenNames, p.birthDate.iso, email, phone, language]
        ).first?.get("id") ?? 0
    }

    static func find(id: Int64, db: PGConnection) throws -> AnefAccount? {
        try db.prepared("anef_account_by_id", "SELECT \(columns) FROM anef_accounts WHERE id = $1", [id]).first.map(decode)
    }

    /// An open account for a protected person's own protection.
    static func openAccount(protectionId: Int64, db: PGConnection) throws -> AnefAccount? {
        try db.query(
            "SELECT \(columns) FROM anef_accounts WHERE protection_id = $1 AND role = 'protected' AND opened_at IS NOT NULL",
            [protectionId]
        ).first.map(decode)
    }

    static func openAccount(foreignerNumber: String, db: PGConnection) throws -> AnefAccount? {
        try db.query(
            "SELECT \(columns) FROM anef_accounts WHERE foreigner_number = $1 AND opened_at IS NOT NULL", [foreignerNumber]
        ).first.map(decode)
    }

    /// The open account a login identifier names: the foreigner number, or for a protected
    /// person the OFPRA number of their protection.
    static func forLogin(_ identifier: String, db: PGConnection) throws -> AnefAccount? {
        try db.prepared(
            "anef_account_login",
            """
            SELECT \(columns) FROM anef_accounts WHERE id = (
                SELECT a.id FROM anef_accounts a JOIN protections p ON p.id = a.protection_id
                WHERE a.opened_at IS NOT NULL AND (a.foreigner_number = $1 OR (a.role = 'protected' AND p.ofpra_number = $1))
                ORDER BY a.role = 'protected' DESC LIMIT 1)
            """, [identifier]
        ).first.map(decode)
    }

    static func passwordHash(id: Int64, db: PGConnection) throws -> String? {
        try db.query("SELECT password_hash FROM anef_accounts WHERE id = $1", [id]).first?.get("password_hash")
    }

    static func markVerified(id: Int64, channel: AnefCodes.Purpose, db: PGConnection) throws {
        let column = channel == .verifyEmail ? "email_verified_at" : "phone_verified_at"
        try db.query("UPDATE anef_accounts SET \(column) = coalesce(\(column), now()) WHERE id = $1", [id])
    }

    /// Opens the account once both contacts are proven; true if this call opened it.
    static func openIfVerified(id: Int64, db: PGConnection) throws -> Bool {
        try db.query(
            """
            UPDATE anef_accounts SET opened_at = now()
            WHERE id = $1 AND opened_at IS NULL AND email_verified_at IS NOT NULL AND phone_verified_at IS NOT NULL
            """, [id]
        ).affectedRows == 1
    }

    /// A new proven contact replaces the old one (a code came back from it).
    static func setContact(id: Int64, email: String?, phone: String?, db: PGConnection) throws {
        if let email { try db.query("UPDATE anef_accounts SET email = $2, email_verified_at = now() WHERE id = $1", [id, email]) }
        if let phone { try db.query("UPDATE anef_accounts SET phone = $2, phone_verified_at = now() WHERE id = $1", [id, phone]) }
    }

    static func setPassword(id: Int64, hash: String, db: PGConnection) throws {
        try db.query("UPDATE anef_accounts SET password_hash = $2 WHERE id = $1", [id, hash])
    }

    static func recordLogin(id: Int64, db: PGConnection) throws {
        try db.query("UPDATE anef_accounts SET last_login_at = now() WHERE id = $1", [id])
    }

    static func setLanguages(id: Int64, message: String, spoken: [String], db: PGConnection) throws {
        try db.query(
            "UPDATE anef_accounts SET language = $2, spoken_languages = string_to_array($3, ',') WHERE id = $1",
            [id, message, spoken.joined(separator: ",")])
    }

    static func event(_ event: String, account: Int64?, address: String?, db: PGConnection) throws {
        try db.query(
            "INSERT INTO anef_account_events (account_id, event, address) VALUES ($1, $2, $3)", [account, event, address])
    }

    static func decode(_ r: PGRow) throws -> AnefAccount {
        let spoken: String = try r.get("spoken_languages")
        return AnefAccount(
            id: try r.get("id"), role: AnefAccount.Role(rawValue: try r.get("role")) ?? .protected,
            protectionId: try r.get("protection_id"),
            relationship: try r.optional("relationship", as: String.self).flatMap(FamilyRelationship.init(rawValue:)),
            foreignerNumber: try r.optional("foreigner_number"), surnames: try r.get("surnames"),
            givenNames: try r.get("given_names"), birthDate: try r.get("birth_date"), email: try r.get("email"),
            phone: try r.get("phone"), emailVerifiedAt: try r.optional("email_verified_at"),
            phoneVerifiedAt: try r.optional("phone_verified_at"), language: try r.get("language"),
            spokenLanguages: spoken.split(separator: ",").map(String.init), openedAt: try r.optional("opened_at"))
    }
}
