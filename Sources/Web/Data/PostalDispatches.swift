import Domain
import Foundation
import Postgres

/// Where OFPRA posts a person's letters: their SPADA domiciliation.
public struct PostalAddress: Sendable {
    public let name: String
    public let structureName: String
    public let address: String
    public let city: String
}

/// A letter for the mail room: the document was deposited while the person was in paper mode.
public struct PostalDispatch: Sendable {
    public let id: Int64
    public let documentId: Int64
    public let applicantId: Int64
    public let kind: DocumentKind
    public let depositedAt: Date
    public let queuedAt: Date
    public let agdref: String?
    public let ofpraNumber: String?
    public let recipient: PostalAddress
}

public enum PostalDispatches {
    /// Called by every deposit, in its transaction. FOR SHARE waits for an acceptance being
    /// committed on the same person, so a deposit is either before paper mode or queued.
    @discardableResult
    public static func queueIfPaperMode(document: DocumentRecord, person: Applicant, db: PGConnection) throws -> Bool {
        try db.query(
            """
            WITH paper AS (SELECT id FROM applicants WHERE id = $2 AND paper_mode_since IS NOT NULL FOR SHARE)
            INSERT INTO postal_dispatches (document_id, applicant_id)
            SELECT $1, id FROM paper ON CONFLICT (document_id) DO NOTHING
            """, [document.id, person.id]
        ).affectedRows == 1
    }

    /// The active domiciliation (the latest one), else the SPADA that enrolled the person.
    static let addressJoin = """
        JOIN applicants a ON a.id = p.applicant_id
        JOIN LATERAL (
            SELECT s.name, s.address, s.city FROM structures s
            WHERE s.id = COALESCE((
                SELECT f.structure_id FROM follow_links f
                WHERE f.applicant_id = a.id AND f.kind = 'domiciliation'
                  AND f.started_on <= (now() AT TIME ZONE 'Europe/Paris')::date
                  AND (f.ended_on IS NULL OR f.ended_on >= (now() AT TIME ZONE 'Europe/Paris')::date)
                ORDER BY f.started_on DESC, f.id DESC LIMIT 1), a.spada_id)
        ) dom ON true
        """

    public static func address(applicant: Int64, db: PGConnection) throws -> PostalAddress? {
        try db.query(
            """
            SELECT a.given_names, a.surname, dom.name AS structure_name, dom.address, dom.city
            FROM (SELECT $1::bigint AS applicant_id) p \(addressJoin)
            """, [applicant]
        ).first.map(decodeAddress)
    }

    /// The mail room's list: letters not posted yet, oldest first.
    public static func pending(db: PGConnection) throws -> [PostalDispatch] {
        try db.query(
            """
            SELECT p.id, p.document_id, p.applicant_id, p.queued_at, d.kind, d.deposited_at, a.agdref, a.ofpra_number,
                   a.given_names, a.surname, dom.name AS structure_name, dom.address, dom.city
            FROM postal_dispatches p JOIN documents d ON d.id = p.document_id \(addressJoin)
            WHERE p.posted_at IS NULL ORDER BY p.queued_at, p.id LIMIT 500
            """
        ).rows.map(decode)
    }

    public static func find(id: Int64, db: PGConnection) throws -> (applicantId: Int64, postedAt: Date?)? {
        guard let r = try db.query("SELECT applicant_id, posted_at FROM postal_dispatches WHERE id = $1", [id]).first else { return nil }
        return (try r.get("applicant_id"), try r.optional("posted_at"))
    }

    /// Whether a document waits for (or went through) the mail room.
    public static func isQueued(document: Int64, db: PGConnection) throws -> Bool {
        try db.query("SELECT 1 FROM postal_dispatches WHERE document_id = $1", [document]).first != nil
    }

    public static func markPosted(id: Int64, by staffId: Int64, db: PGConnection) throws -> Bool {
        try db.query(
            """
            UPDATE postal_dispatches SET posted_at = now(), posted_by = $2 WHERE id = $1 AND posted_at IS NULL
            """, [id, staffId]
        ).affectedRows == 1
    }

    static func decodeAddress(_ r: PGRow) throws -> PostalAddress {
        PostalAddress(
            name: "\(try r.get("given_names", as: String.self)) \(try r.get("surname", as: String.self).uppercased())",
            structureName: try r.get("structure_name"), address: try r.get("address"), city: try r.get("city"))
    }

    static func decode(_ r: PGRow) throws -> PostalDispatch {
        guard let kind = DocumentKind(rawValue: try r.get("kind")) else { throw PGError(.decoding, "document kind") }
        return PostalDispatch(
            id: try r.get("id"), documentId: try r.get("document_id"), applicantId: try r.get("applicant_id"),
            kind: kind, depositedAt: try r.get("deposited_at"), queuedAt: try r.get("queued_at"),
            agdref: try r.optional("agdref"), ofpraNumber: try r.optional("ofpra_number"),
            recipient: try decodeAddress(r))
    }
}
