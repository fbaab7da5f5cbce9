import Domain
import Foundation
import Outbox
import Postgres
import Security

/// Six-digit codes that confirm a new phone number or e-mail address before it is used.
/// Stored as an HMAC under the server secret: a copy of the table does not reveal them.
enum ContactVerifications {
    struct Pending {
        let id: Int64
        let channel: String
        let target: String
        let code: VerificationCode
        let codeHash: [UInt8]
        let attempts: Int
    }

    static let maxAttempts = 5
    static let maxPerHour = 5

    static func hash(_ code: String, secret: [UInt8]) -> [UInt8] {
        Digest.hmacSHA256(key: secret, message: Array("contact-code|\(code)".utf8))
    }

    static func sentInLastHour(applicant: Int64, db: PGConnection) throws -> Int {
        try db.query(
            "SELECT count(*) AS n FROM contact_verifications WHERE applicant_id = $1 AND created_at > now() - interval '1 hour'",
            [applicant]
        ).first?.get("n") ?? 0
    }

    static func create(
        applicant: Int64, channel: String, target: String, code: VerificationCode,
        secret: [UInt8], db: PGConnection
    ) throws -> Int64 {
        try db.query(
            """
            INSERT INTO contact_verifications (applicant_id, channel, target, code_hash, created_at, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
            """, [applicant, channel, target, PGBytes(hash(code.digits, secret: secret)), code.issuedAt, code.expiresAt]
        )
        .first?.get("id") ?? 0
    }

    static func find(id: Int64, applicant: Int64, db: PGConnection) throws -> Pending? {
        guard
            let r = try db.query(
                """
                SELECT id, channel, target, code_hash, attempts, created_at, used_at FROM contact_verifications
                WHERE id = $1 AND applicant_id = $2
                """, [id, applicant]
            ).first
        else { return nil }
        // The digits themselves are not stored; VerificationCode only judges time and use here.
        guard let code = VerificationCode(digits: "000000", issuedAt: try r.get("created_at"), usedAt: try r.optional("used_at")) else {
            return nil
        }
        return Pending(
            id: try r.get("id"), channel: try r.get("channel"), target: try r.get("target"), code: code,
            codeHash: try r.get("code_hash", as: PGBytes.self).bytes, attempts: try r.get("attempts"))
    }

    static func countAttempt(id: Int64, db: PGConnection) throws {
        try db.query("UPDATE contact_verifications SET attempts = attempts + 1 WHERE id = $1", [id])
    }

    /// Marks the code used; false if another request used it first.
    static func consume(id: Int64, db: PGConnection) throws -> Bool {
        try db.query("UPDATE contact_verifications SET used_at = now() WHERE id = $1 AND used_at IS NULL", [id]).affectedRows == 1
    }

    /// Creates a code for `target` and queues it to that very phone or address, in the caller's
    /// transaction: the contact counts only once the code comes back.
    @discardableResult
    static func send(applicant: Applicant, channel: Channel, target: String, secret: [UInt8], db: PGConnection) throws -> Int64 {
        let code = VerificationCode.generate(using: SodiumRandom(), now: Date())
        let id = try create(applicant: applicant.id, channel: channel.rawValue, target: target, code: code, secret: secret, db: db)
        let language = ApplicantMessages.language(of: applicant)
        try Outbox.enqueue(
            OutboxMessage(
                channel: channel, recipient: target, template: "contact_code", language: language,
                params: ["code": code.digits], subjectRef: "applicant:\(applicant.id)"), in: db)
        return id
    }

    /// The person's codes still usable (not used, not expired, attempts left), newest first.
    static func usable(applicant: Int64, db: PGConnection) throws -> [Pending] {
        try db.query(
            """
            SELECT id FROM contact_verifications WHERE applicant_id = $1 AND used_at IS NULL AND expires_at > now()
              AND attempts < $2 ORDER BY created_at DESC LIMIT 4
            """, [applicant, maxAttempts]
        ).rows.compactMap { try find(id: try $0.get("id"), applicant: applicant, db: db) }
    }

    /// Checks a typed code and, when it matches, stores the contact as verified (with its auth
    /// event). Returns nil on success, or the catalogue key of the problem.
    static func confirm(
        _ p: Pending, typed: String, applicant: Int64, by actor: AuthEvents.Actor, address: String?,
        secret: [UInt8], db: PGConnection
    ) throws -> String? {
        let digits = typed.compactMap { $0.wholeNumberValue.map(String.init) }.joined()
        if p.code.usedAt != nil || Date() >= p.code.expiresAt || p.attempts >= maxAttempts { return "usager.contacts.code_expired" }
        guard Digest.constantTimeEqual(hash(digits, secret: secret), p.codeHash) else {
            try countAttempt(id: p.id, db: db)
            return "usager.contacts.code_wrong"
        }
        try db.transaction { tx in
            guard try consume(id: p.id, db: tx) else { return }
            if p.channel == Channel.sms.rawValue {
                try Applicants.setPhone(id: applicant, p.target, db: tx)
            } else {
                try Applicants.setEmail(id: applicant, p.target, db: tx)
            }
            try AuthEvents.record("contact_changed", applicant: applicant, by: actor, address: address, detail: p.channel, db: tx)
        }
        return nil
    }
}
