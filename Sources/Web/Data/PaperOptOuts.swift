import Domain
import Foundation
import Postgres
import Security

/// A person's request to receive OFPRA's letters by post, from the SPADA to OFPRA's decision.
public struct PaperOptOut: Sendable {
    /// Raw values are stored: never rename them.
    public enum Reason: String, CaseIterable, Sendable {
        case otherDepartement = "other_departement"
        case vulnerability
        case other
    }

    public enum Decision: String, Sendable { case accepted, refused }

    /// The last step reached; each one needs the one before (the table's CHECKs say so too).
    public enum Step: String, Sendable { case requested, convoked, forwarded, accepted, refused }

    public let id: Int64
    public let applicantId: Int64
    public let requestedAt: Date
    public let requestedBy: Int64
    public let reason: Reason
    public let reasonDetail: String?
    public let ofiiOfficeId: Int64
    public let convokedOn: CivilDate?
    public let signedOn: CivilDate?
    public let signedFormSha256: [UInt8]?
    public let forwardedAt: Date?
    public let decidedAt: Date?
    public let decision: Decision?
    public let refusalReason: String?
    public let courrierPostDocumentId: Int64?

    public var step: Step {
        if let decision { return decision == .accepted ? .accepted : .refused }
        if forwardedAt != nil { return .forwarded }
        if convokedOn != nil { return .convoked }
        return .requested
    }

    public var isOpen: Bool { decidedAt == nil }
}

/// The opt-out requests. Every state change is one guarded UPDATE: it only applies from the
/// step before, so a stale page or a double submit changes nothing (the caller sees `false`).
public enum PaperOptOuts {
    static let columns = """
        o.id, o.applicant_id, o.requested_at, o.requested_by, o.reason, o.reason_detail, o.ofii_office_id, o.convoked_on,
        o.signed_on, o.signed_form_sha256, o.forwarded_at, o.decided_at, o.decision, o.refusal_reason,
        o.courrier_post_document_id
        """

    /// Records a request; nil when one is already in progress for the person.
    public static func request(
        applicant: Int64, reason: PaperOptOut.Reason, detail: String?, office: Int64,
        by staffId: Int64, db: PGConnection
    ) throws -> PaperOptOut? {
        do {
            return try db.transaction { tx in
                try tx.query(
                    """
                    INSERT INTO paper_optouts AS o (applicant_id, requested_by, reason, reason_detail, ofii_office_id)
                    VALUES ($1, $2, $3, $4, $5) RETURNING \(columns)
                    """, [applicant, staffId, reason.rawValue, detail, office]
                ).first.map(decode)
            }
        } catch let error as PGError where error.isUniqueViolation {
            return nil
        }
    }

    public static func find(id: Int64, db: PGConnection) throws -> PaperOptOut? {
        try db.query("SELECT \(columns) FROM paper_optouts o WHERE o.id = $1", [id]).first.map(decode)
    }

    /// The person's most recent request (the open one if any), for the SPADA and the person.
    public static func latest(applicant: Int64, db: PGConnection) throws -> PaperOptOut? {
        try db.query(
            """
            SELECT \(columns) FROM paper_optouts o WHERE o.applicant_id = $1
            ORDER BY o.decided_at IS NULL DESC, o.requested_at DESC, o.id DESC LIMIT 1
            """, [applicant]
        ).first.map(decode)
    }

    /// A request with who it is about and who handles it, for the queues and detail pages.
    public struct Item: Sendable {
        public let optOut: PaperOptOut
        public let personName: String
        public let birthDate: String
        public let agdref: String?
        public let ofpraNumber: String?
        /// The structure of the staff member who recorded the request.
        public let requestedFrom: String
        public let officeName: String
    }

    static let itemSelect = """
        SELECT \(columns), a.given_names, a.surname, a.birth_date, a.agdref, a.ofpra_number,
               coalesce(rs.name, '') AS requested_from, os.name AS office_name
        FROM paper_optouts o JOIN applicants a ON a.id = o.applicant_id
        JOIN staff_accounts st ON st.id = o.requested_by LEFT JOIN structures rs ON rs.id = st.structure_id
        JOIN structures os ON os.id = o.ofii_office_id
        """

    public static func item(id: Int64, db: PGConnection) throws -> Item? {
        try db.query(itemSelect + " WHERE o.id = $1", [id]).first.map(decodeItem)
    }

    /// Requests addressed to an OFII office that still wait for it (to convoke or to receive the form).
    public static func awaitingOffice(_ office: Int64, db: PGConnection) throws -> [Item] {
        try db.query(
            itemSelect + """
                 WHERE o.ofii_office_id = $1 AND o.forwarded_at IS NULL AND o.decided_at IS NULL
                ORDER BY o.requested_at LIMIT 500
                """, [office]
        ).rows.map(decodeItem)
    }

    /// Forms the office sent to OFPRA recently, so the agent can check what left.
    public static func recentlyForwarded(office: Int64, db: PGConnection) throws -> [Item] {
        try db.query(
            itemSelect + """
                 WHERE o.ofii_office_id = $1 AND o.forwarded_at IS NOT NULL ORDER BY o.forwarded_at DESC LIMIT 20
                """, [office]
        ).rows.map(decodeItem)
    }

    /// OFPRA's queue: signed forms without a decision, oldest first.
    public static func awaitingDecision(db: PGConnection) throws -> [Item] {
        try db.query(
            itemSelect + """
                 WHERE o.forwarded_at IS NOT NULL AND o.decided_at IS NULL ORDER BY o.forwarded_at LIMIT 500
                """
        ).rows.map(decodeItem)
    }

    /// Sets (or moves) the convocation date while the form is not signed yet.
    public static func recordConvocation(id: Int64, office: Int64, on day: CivilDate, db: PGConnection) throws -> Bool {
        try db.query(
            """
            UPDATE paper_optouts SET convoked_on = $3::date
            WHERE id = $1 AND ofii_office_id = $2 AND forwarded_at IS NULL AND decided_at IS NULL
            """, [id, office, day.iso]
        ).affectedRows == 1
    }

    /// The signed form reaches OFPRA as soon as OFII records it: that is the forwarding.
    public static func recordSignedForm(
        id: Int64, office: Int64, signedOn day: CivilDate, pdf: [UInt8],
        db: PGConnection
    ) throws -> Bool {
        try db.query(
            """
            UPDATE paper_optouts SET signed_on = $3::date, signed_form = $4, signed_form_sha256 = $5, forwarded_at = now()
            WHERE id = $1 AND ofii_office_id = $2 AND convoked_on IS NOT NULL AND convoked_on <= $3::date
              AND forwarded_at IS NULL AND decided_at IS NULL
            """, [id, office, day.iso, PGBytes(pdf), PGBytes(Digest.sha256(pdf))]
        ).affectedRows == 1
    }

    public static func signedForm(id: Int64, db: PGConnection) throws -> [UInt8]? {
        try db.query("SELECT signed_form FROM paper_optouts WHERE id = $1 AND signed_form IS NOT NULL", [id])
            .first?.get("signed_form", as: PGBytes.self).bytes
    }

    public static func refuse(id: Int64, reason: String, by staffId: Int64, db: PGConnection) throws -> Bool {
        try db.query(
            """
            UPDATE paper_optouts SET decided_at = now(), decided_by = $2, decision = 'refused', refusal_reason = $3
            WHERE id = $1 AND forwarded_at IS NOT NULL AND decided_at IS NULL
            """, [id, staffId, reason]
        ).affectedRows == 1
    }

    /// Locks an undecided, forwarded request for the acceptance transaction (nil: not decidable).
    static func lockForDecision(id: Int64, db: PGConnection) throws -> PaperOptOut? {
        try db.query(
            """
            SELECT \(columns) FROM paper_optouts o
            WHERE o.id = $1 AND o.forwarded_at IS NOT NULL AND o.decided_at IS NULL FOR UPDATE
            """, [id]
        ).first.map(decode)
    }

    static func markAccepted(id: Int64, document: Int64, by staffId: Int64, db: PGConnection) throws {
        try db.query(
            """
            UPDATE paper_optouts SET decided_at = now(), decided_by = $2, decision = 'accepted', courrier_post_document_id = $3
            WHERE id = $1 AND forwarded_at IS NOT NULL AND decided_at IS NULL
            """, [id, staffId, document])
    }

    /// From now on later deposits are also posted (kept if it was already set).
    static func startPaperMode(applicant: Int64, db: PGConnection) throws {
        try db.query("UPDATE applicants SET paper_mode_since = COALESCE(paper_mode_since, now()) WHERE id = $1", [applicant])
    }

    static func decodeItem(_ r: PGRow) throws -> Item {
        Item(
            optOut: try decode(r),
            personName: "\(try r.get("given_names", as: String.self)) \(try r.get("surname", as: String.self).uppercased())",
            birthDate: try r.get("birth_date"), agdref: try r.optional("agdref"), ofpraNumber: try r.optional("ofpra_number"),
            requestedFrom: try r.get("requested_from"), officeName: try r.get("office_name"))
    }

    static func decode(_ r: PGRow) throws -> PaperOptOut {
        guard let reason = PaperOptOut.Reason(rawValue: try r.get("reason")) else { throw PGError(.decoding, "opt-out reason") }
        return PaperOptOut(
            id: try r.get("id"), applicantId: try r.get("applicant_id"), requestedAt: try r.get("requested_at"),
            requestedBy: try r.get("requested_by"), reason: reason, reasonDetail: try r.optional("reason_detail"),
            ofiiOfficeId: try r.get("ofii_office_id"),
            convokedOn: try r.optional("convoked_on", as: String.self).flatMap(CivilDate.init(iso:)),
            signedOn: try r.optional("signed_on", as: String.self).flatMap(CivilDate.init(iso:)),
            signedFormSha256: try r.optional("signed_form_sha256", as: PGBytes.self)?.bytes,
            forwardedAt: try r.optional("forwarded_at"), decidedAt: try r.optional("decided_at"),
            decision: try r.optional("decision", as: String.self).flatMap(PaperOptOut.Decision.init(rawValue:)),
            refusalReason: try r.optional("refusal_reason"),
            courrierPostDocumentId: try r.optional("courrier_post_document_id"))
    }
}
