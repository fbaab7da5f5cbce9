import Domain
import Foundation
import Postgres

/// An asylum applicant, from SPADA enrolment to an open space. Dates of the procedure
/// (`birthDate`, `registeredOn`, `requalifiedOn`) are civil dates as `yyyy-MM-dd`.
public struct Applicant: Sendable {
    public let id: Int64
    public let surname: String
    public let givenNames: String
    public let birthDate: String
    public let nationality: String
    public let language: String
    public let spadaId: Int64
    public let enrolledAt: Date
    public let phone: String?
    public let phoneVerifiedAt: Date?
    public let email: String?
    public let emailVerifiedAt: Date?
    public let agdref: String?
    public let gudaSite: String?
    public let registeredOn: String?
    public let procedure: String?
    public let requalifiedOn: String?
    public let unaccompaniedMinor: Bool
    public let overseas: Bool
    public let eligibility: String?
    public let registeredAt: Date?
    public let spaceAvailableAt: Date?
    public let ofpraNumber: String?
    public let keyIssuedAt: Date?
    public let activatedAt: Date?
    public let lastLoginAt: Date?
    public let failedLogins: Int
    public let lastFailedAt: Date?
    public let lockedAt: Date?
    public let closedAt: Date?
    public let paperModeSince: Date?

    public var fullName: String { "\(givenNames) \(surname.uppercased())" }
    public var isInScope: Bool { eligibility == Applicants.inScope }
    /// Where messages go: only verified contact details.
    public var verifiedPhone: String? { phoneVerifiedAt == nil ? nil : phone }
    /// An address stored before the e-mail rule may break it (`( ) ; : [ ] " \`): the outbox
    /// would refuse it, so no message goes there, as if there were none (`hasUnusableEmail`).
    public var verifiedEmail: String? {
        guard emailVerifiedAt != nil, let email, EmailAddress.isWellFormed(email) else { return nil }
        return email
    }
    /// A verified address nothing can be sent to: shown to OFPRA and the person's structure.
    public var hasUnusableEmail: Bool { emailVerifiedAt != nil && email != nil && verifiedEmail == nil }
}

public enum Applicants {
    public static let inScope = "in_scope"

    public static let columns = """
        id, surname, given_names, birth_date, nationality, language, spada_id, enrolled_at, phone, phone_verified_at,
        email, email_verified_at, agdref, guda_site, registered_on, procedure, requalified_on, unaccompanied_minor,
        overseas, eligibility, registered_at, space_available_at, ofpra_number, key_issued_at, activated_at,
        last_login_at, failed_logins, last_failed_at, locked_at, closed_at, paper_mode_since
        """

    public static func find(id: Int64, db: PGConnection) throws -> Applicant? {
        try db.prepared("applicant_by_id", "SELECT \(columns) FROM applicants WHERE id = $1", [id]).first.map(decode)
    }

    /// By AGDREF number or OFPRA file number (either logs in).
    public static func find(identifier: String, db: PGConnection) throws -> Applicant? {
        try db.prepared(
            "applicant_by_identifier",
            "SELECT \(columns) FROM applicants WHERE agdref = $1 OR ofpra_number = $1", [identifier]
        )
        .first.map(decode)
    }

    public struct Enrolment: Sendable {
        public var surname, givenNames, birthDate, nationality, language: String
        public var phone, email: String?
        public var spadaId: Int64

        public init(
            surname: String, givenNames: String, birthDate: String, nationality: String, language: String,
            phone: String?, email: String?, spadaId: Int64
        ) {
            (self.surname, self.givenNames, self.birthDate, self.nationality, self.language) =
                (surname, givenNames, birthDate, nationality, language)
            (self.phone, self.email, self.spadaId) = (phone, email, spadaId)
        }
    }

    /// Step 1: the enrolment. Contact details given here are stored as verified, so only callers
    /// that verified them pass any (the demo seed, tests); the kiosk passes none and sends a code
    /// to each typed contact instead (`KioskContactRoutes`).
    public static func enrol(_ e: Enrolment, by staffId: Int64?, db: PGConnection) throws -> Applicant {
        try db.transaction { tx in
            let a = try insertEnrolment(e, by: staffId, db: tx)
            try FollowLinks.open(
                applicant: a.id, structure: e.spadaId, kind: .domiciliation,
                startedOn: ParisCalendar.civilDate(of: a.enrolledAt).iso, by: staffId, db: tx)
            return a
        }
    }

    static func insertEnrolment(_ e: Enrolment, by staffId: Int64?, db: PGConnection) throws -> Applicant {
        guard
            let row = try db.query(
                """
                INSERT INTO applicants (surname, given_names, birth_date, nationality, language, phone, phone_verified_at,
                                        email, email_verified_at, spada_id, enrolled_by)
                VALUES ($1, $2, $3::date, $4, $5, $6, CASE WHEN $6::text IS NULL THEN NULL ELSE now() END,
                        $7, CASE WHEN $7::text IS NULL THEN NULL ELSE now() END, $8, $9)
                RETURNING \(columns)
                """, [e.surname, e.givenNames, e.birthDate, e.nationality, e.language, e.phone, e.email, e.spadaId, staffId]
            ).first
        else { throw PGError(.query, "enrolment returned no row") }
        return try decode(row)
    }

    public struct Registration: Sendable {
        public var agdref: String
        public var gudaSite: String
        public var registeredOn: String
        public var procedure: String
        public var requalifiedOn: String?
        public var unaccompaniedMinor: Bool
        public var overseas: Bool
        public var eligibility: String

        public init(
            agdref: String, gudaSite: String, registeredOn: String, procedure: String, requalifiedOn: String?,
            unaccompaniedMinor: Bool, overseas: Bool, eligibility: String
        ) {
            (self.agdref, self.gudaSite, self.registeredOn, self.procedure, self.requalifiedOn) =
                (agdref, gudaSite, registeredOn, procedure, requalifiedOn)
            (self.unaccompaniedMinor, self.overseas, self.eligibility) = (unaccompaniedMinor, overseas, eligibility)
        }
    }

    /// Step 2 at the GUDA. Returns nil when the person was registered meanwhile (double submit).
    public static func register(id: Int64, _ r: Registration, by staffId: Int64, db: PGConnection) throws -> Applicant? {
        try db.query(
            """
            UPDATE applicants SET agdref = $2, guda_site = $3, registered_on = $4::date, procedure = $5,
                   requalified_on = $6::date, unaccompanied_minor = $7, overseas = $8, eligibility = $9,
                   registered_at = now(), registered_by = $10
            WHERE id = $1 AND agdref IS NULL AND eligibility IS NULL
            RETURNING \(columns)
            """,
            [
                id, r.agdref, r.gudaSite, r.registeredOn, r.procedure, r.requalifiedOn, r.unaccompaniedMinor,
                r.overseas, r.eligibility, staffId,
            ]
        ).first.map(decode)
    }

    /// In-scope registrations whose space OFPRA has not created yet.
    public static func awaitingSpace(db: PGConnection) throws -> [Applicant] {
        try db.query(
            """
            SELECT \(columns) FROM applicants
            WHERE eligibility = 'in_scope' AND space_available_at IS NULL ORDER BY registered_at LIMIT 200
            """
        ).rows.map(decode)
    }

    /// Step 3: OFPRA opens the space (and may attach its file number).
    public static func openSpace(id: Int64, ofpraNumber: String?, db: PGConnection) throws -> Bool {
        try db.query(
            """
            UPDATE applicants SET space_available_at = now(), ofpra_number = COALESCE($2, ofpra_number)
            WHERE id = $1 AND eligibility = 'in_scope' AND space_available_at IS NULL
            """, [id, ofpraNumber]
        ).affectedRows == 1
    }

    /// The language of the person's messages (a registry code).
    public static func setLanguage(id: Int64, _ code: String, db: PGConnection) throws {
        try db.query("UPDATE applicants SET language = $2 WHERE id = $1", [id, code])
    }

    public static func setOfpraNumber(id: Int64, _ number: String, db: PGConnection) throws {
        try db.query("UPDATE applicants SET ofpra_number = $2 WHERE id = $1", [id, number])
    }

    // MARK: credentials

    public static func credentials(id: Int64, db: PGConnection) throws -> (keyHash: String?, passwordHash: String?) {
        guard let row = try db.query("SELECT key_hash, password_hash FROM applicants WHERE id = $1", [id]).first else {
            return (nil, nil)
        }
        return (try row.optional("key_hash"), try row.optional("password_hash"))
    }

    /// A key minted by an agent or a structure replaces every earlier key, printed or sent.
    public static func replaceKey(id: Int64, keyHash: String, db: PGConnection) throws {
        try db.query("UPDATE applicants SET key_hash = $2, key_issued_at = now() WHERE id = $1", [id, keyHash])
        try db.query("DELETE FROM applicant_sent_keys WHERE applicant_id = $1", [id])
    }

    /// A key sent by SMS or e-mail, beside the printed one, valid until `expiresAt`.
    static func addSentKey(id: Int64, keyHMAC: [UInt8], reason: String, expiresAt: Date, db: PGConnection) throws {
        try db.query(
            """
            INSERT INTO applicant_sent_keys (applicant_id, key_hmac, reason, expires_at) VALUES ($1, $2, $3, $4)
            """, [id, PGBytes(keyHMAC), reason, expiresAt])
    }

    /// Whether a live sent key of this person has this HMAC (one indexed lookup, known or not).
    static func hasSentKey(id: Int64?, keyHMAC: [UInt8], db: PGConnection) throws -> Bool {
        try db.prepared(
            "sent_key_match",
            """
            SELECT 1 FROM applicant_sent_keys WHERE applicant_id = $1 AND key_hmac = $2 AND expires_at > now()
            """, [id ?? -1, PGBytes(keyHMAC)]
        ).first != nil
    }

    /// A key was used (activation, reset): every key of the person stops working.
    static func consumeKeys(id: Int64, db: PGConnection) throws {
        try db.query("UPDATE applicants SET key_hash = NULL, keys_used_at = now() WHERE id = $1", [id])
        try db.query("DELETE FROM applicant_sent_keys WHERE applicant_id = $1", [id])
    }

    /// Keys sent on request in the last day (the per-person daily limit of the lost-key form).
    static func keysSentToday(id: Int64, reason: String, db: PGConnection) throws -> Int {
        try db.query(
            """
            SELECT count(*) AS n FROM auth_events
            WHERE applicant_id = $1 AND event = $2 AND at > now() - interval '1 day'
            """, [id, reason]
        ).first?.get("n") ?? 0
    }

    /// Sets the password; also unlocks and, the first time, activates the space.
    public static func setPassword(id: Int64, hash: String, db: PGConnection) throws {
        try db.query(
            """
            UPDATE applicants SET password_hash = $2, activated_at = COALESCE(activated_at, now()),
                   failed_logins = 0, locked_at = NULL
            WHERE id = $1
            """, [id, hash])
    }

    public static func recordLogin(id: Int64, db: PGConnection) throws {
        try db.query("UPDATE applicants SET last_login_at = now(), failed_logins = 0 WHERE id = $1", [id])
    }

    /// Counts a failed attempt; returns the new count of consecutive failures.
    public static func recordFailure(id: Int64, lock: Bool, db: PGConnection) throws -> Int {
        let row = try db.query(
            """
            UPDATE applicants SET failed_logins = failed_logins + 1, last_failed_at = now(),
                   locked_at = CASE WHEN $2 THEN COALESCE(locked_at, now()) ELSE locked_at END
            WHERE id = $1 RETURNING failed_logins
            """, [id, lock]
        ).first
        return try row?.get("failed_logins") ?? 0
    }

    public static func lock(id: Int64, db: PGConnection) throws {
        try db.query("UPDATE applicants SET locked_at = COALESCE(locked_at, now()) WHERE id = $1", [id])
    }

    public static func setPhone(id: Int64, _ phone: String?, db: PGConnection) throws {
        try db.query(
            "UPDATE applicants SET phone = $2, phone_verified_at = CASE WHEN $2::text IS NULL THEN NULL ELSE now() END WHERE id = $1",
            [id, phone])
    }

    public static func setEmail(id: Int64, _ email: String?, db: PGConnection) throws {
        try db.query(
            "UPDATE applicants SET email = $2, email_verified_at = CASE WHEN $2::text IS NULL THEN NULL ELSE now() END WHERE id = $1",
            [id, email])
    }

    /// Ends the procedure's space: no more logins; data stay, read-only, for agents.
    public static func close(id: Int64, reason: String, by staffId: Int64, db: PGConnection) throws -> Bool {
        try db.query(
            """
            UPDATE applicants SET closed_at = now(), closure_reason = $2, closed_by = $3 WHERE id = $1 AND closed_at IS NULL
            """, [id, reason, staffId]
        ).affectedRows == 1
    }

    public static func decode(_ r: PGRow) throws -> Applicant {
        Applicant(
            id: try r.get("id"), surname: try r.get("surname"), givenNames: try r.get("given_names"),
            birthDate: try r.get("birth_date"), nationality: try r.get("nationality"), language: try r.get("language"),
            spadaId: try r.get("spada_id"), enrolledAt: try r.get("enrolled_at"), phone: try r.optional("phone"),
            phoneVerifiedAt: try r.optional("phone_verified_at"), email: try r.optional("email"),
            emailVerifiedAt: try r.optional("email_verified_at"), agdref: try r.optional("agdref"),
            gudaSite: try r.optional("guda_site"), registeredOn: try r.optional("registered_on"),
            procedure: try r.optional("procedure"), requalifiedOn: try r.optional("requalified_on"),
            unaccompaniedMinor: try r.get("unaccompanied_minor"), overseas: try r.get("overseas"),
            eligibility: try r.optional("eligibility"), registeredAt: try r.optional("registered_at"),
            spaceAvailableAt: try r.optional("space_available_at"), ofpraNumber: try r.optional("ofpra_number"),
            keyIssuedAt: try r.optional("key_issued_at"), activatedAt: try r.optional("activated_at"),
            lastLoginAt: try r.optional("last_login_at"), failedLogins: try r.get("failed_logins"),
            lastFailedAt: try r.optional("last_failed_at"), lockedAt: try r.optional("locked_at"),
            closedAt: try r.optional("closed_at"), paperModeSince: try r.optional("paper_mode_since"))
    }
}
