import Domain
import Foundation
import Postgres

/// A structure the person lets follow their request.
struct Mandate: Sendable {
    let id: Int64
    let structureId: Int64
    let structureName: String
    let grantedAt: Date
    let expiresOn: CivilDate
}

/// What a structure sees of a request it follows: dates and what is expected, never documents.
struct FollowedRequest: Sendable {
    let name: String
    let number: String
    let state: PermitRequestState
    let filedAt: Date?
    let askDue: CivilDate?
    let attestationUntil: CivilDate?
    let renewalBlocked: Bool
    let mandateUntil: CivilDate
}

enum Mandates {
    /// Live consents of an account (not revoked, not expired).
    static func live(account: Int64, db: PGConnection) throws -> [Mandate] {
        try db.query(
            """
            SELECT m.id, m.structure_id, s.name, m.granted_at, m.expires_on::text AS expires_on FROM anef_mandates m
            JOIN structures s ON s.id = m.structure_id
            WHERE m.account_id = $1 AND m.revoked_at IS NULL AND m.expires_on >= current_date ORDER BY m.granted_at
            """, [account]
        ).rows.compactMap { r in
            guard let until = CivilDate(iso: try r.get("expires_on")) else { return nil }
            return Mandate(
                id: try r.get("id"), structureId: try r.get("structure_id"), structureName: try r.get("name"),
                grantedAt: try r.get("granted_at"),
                expiresOn: until)
        }
    }

    /// A new consent; an earlier live one for the same structure is replaced (revoked, then given).
    static func grant(account: Int64, structure: Int64, until: CivilDate, db: PGConnection) throws {
        try db.query(
            "UPDATE anef_mandates SET revoked_at = now() WHERE account_id = $1 AND structure_id = $2 AND revoked_at IS NULL",
            [account, structure])
        try db.query(
            "INSERT INTO anef_mandates (account_id, structure_id, expires_on) VALUES ($1, $2, $3)", [account, structure, until.iso])
    }

    /// Revokes one of this account's consents; nil if it was not theirs or already ended.
    static func revoke(id: Int64, account: Int64, db: PGConnection) throws -> String? {
        try db.query(
            """
            UPDATE anef_mandates m SET revoked_at = now() FROM structures s
            WHERE m.id = $1 AND m.account_id = $2 AND m.revoked_at IS NULL AND s.id = m.structure_id RETURNING s.name
            """, [id, account]
        ).first?.get("name")
    }

    /// The requests a structure follows today, by consent.
    static func followed(structure: Int64, db: PGConnection) throws -> [FollowedRequest] {
        try db.query(
            """
            SELECT a.given_names || ' ' || upper(a.surnames) AS name, q.number, q.state, q.filed_at, m.expires_on::text AS mandate_until,
                   (SELECT d.due_on::text FROM anef_document_requests d WHERE d.request_id = q.id AND d.answered_at IS NULL) AS ask_due,
                   (SELECT max(t.valid_until)::text FROM anef_attestations t
                    WHERE t.request_id = q.id AND t.kind = 'api' AND t.replaced_by IS NULL AND t.revoked_at IS NULL) AS until,
                   EXISTS (SELECT 1 FROM anef_events e WHERE e.request_id = q.id AND e.event = 'renewal_blocked'
                           AND e.detail IN (SELECT number FROM anef_attestations t WHERE t.request_id = q.id
                                            AND t.replaced_by IS NULL AND t.revoked_at IS NULL)) AS blocked
            FROM anef_mandates m JOIN anef_accounts a ON a.id = m.account_id JOIN anef_requests q ON q.account_id = a.id
            WHERE m.structure_id = $1 AND m.revoked_at IS NULL AND m.expires_on >= current_date
            ORDER BY until ASC NULLS LAST, q.filed_at
            """, [structure]
        ).rows.compactMap { r in
            guard let state = PermitRequestState(rawValue: try r.get("state")), let mandate = CivilDate(iso: try r.get("mandate_until"))
            else {
                return nil
            }
            return FollowedRequest(
                name: try r.get("name"), number: try r.get("number"), state: state, filedAt: try r.optional("filed_at"),
                askDue: try r.optional("ask_due", as: String.self).flatMap(CivilDate.init(iso:)),
                attestationUntil: try r.optional("until", as: String.self).flatMap(CivilDate.init(iso:)),
                renewalBlocked: try r.get("blocked"),
                mandateUntil: mandate)
        }
    }

    /// The structures a person may choose from (those that accompany people).
    static func structures(db: PGConnection) throws -> [Structure] {
        try Structures.all(db).filter { [.spada, .cada, .huda].contains($0.kind) }
    }
}
