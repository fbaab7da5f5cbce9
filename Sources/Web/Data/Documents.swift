import Domain
import Foundation
import Postgres
import Security

/// A deposited document, without its content (which is read only to serve it).
public struct DocumentRecord: Sendable {
    public let id: Int64
    public let publicId: UUID
    public let applicantId: Int64
    public let kind: DocumentKind
    public let depositedAt: Date
    public let firstConsultedAt: Date?
    public let sizeBytes: Int
    public let sha256: [UInt8]
    public let interview: InterviewAppointment?
    public let unannounced: Bool
    /// The day the person told us they asked for legal aid (negative decisions only).
    public let legalAidRequestedOn: CivilDate?

    public func notification(now: Date) -> NotificationState {
        DocumentNotification.notifiedAt(depositedAt: depositedAt, firstConsultedAt: firstConsultedAt, now: now)
    }

    /// A safe download name built by us: kind and deposit day, nothing from the uploader.
    public var fileName: String { "ofpra-\(kind.rawValue)-\(ParisCalendar.civilDate(of: depositedAt).iso).pdf" }
}

public enum Documents {
    static let columns = """
        id, public_id, applicant_id, kind, deposited_at, first_consulted_at, size_bytes, sha256, interview_date,
        interview_time, interview_place, interview_address, interpreter_language, unannounced,
        legal_aid_requested_on
        """

    /// Inserts the document in the caller's transaction (the outbox messages go in the same one).
    public static func insert(
        applicantId: Int64, kind: DocumentKind, pdf: [UInt8], interview: InterviewAppointment?,
        unannounced: Bool, by staffId: Int64?, db: PGConnection
    ) throws -> DocumentRecord {
        guard
            let row = try db.query(
                """
                INSERT INTO documents (applicant_id, kind, deposited_by, content, size_bytes, sha256, interview_date,
                                       interview_time, interview_place, interview_address, interpreter_language, unannounced)
                VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8, $9, $10, $11, $12)
                RETURNING \(columns)
                """,
                [
                    applicantId, kind.rawValue, staffId, PGBytes(pdf), pdf.count, PGBytes(Digest.sha256(pdf)),
                    interview?.date.iso, interview?.time.hhmm,
                    interview?.place, interview?.address, interview?.interpreterLanguage, unannounced,
                ]
            ).first
        else { throw PGError(.query, "document insert returned no row") }
        return try decode(row)
    }

    public static func forApplicant(_ id: Int64, db: PGConnection) throws -> [DocumentRecord] {
        try db.prepared(
            "documents_of_applicant",
            "SELECT \(columns) FROM documents WHERE applicant_id = $1 ORDER BY deposited_at DESC, id DESC", [id]
        )
        .rows.map(decode)
    }

    public static func find(publicId: UUID, db: PGConnection) throws -> DocumentRecord? {
        try db.prepared("document_by_public_id", "SELECT \(columns) FROM documents WHERE public_id = $1", [publicId])
            .first.map(decode)
    }

    public static func content(id: Int64, db: PGConnection) throws -> [UInt8] {
        try db.query("SELECT content FROM documents WHERE id = $1", [id]).first?.get("content", as: PGBytes.self).bytes ?? []
    }

    /// Records the person's first consultation (later ones change nothing); returns its time.
    @discardableResult
    /// `at` is the legal clock's now (the test clock moves it; elsewhere it is the real time).
    public static func markConsulted(id: Int64, at: Date = Date(), db: PGConnection) throws -> Date? {
        try db.query(
            """
            UPDATE documents SET first_consulted_at = COALESCE(first_consulted_at, $2) WHERE id = $1
            RETURNING first_consulted_at
            """, [id, at]
        ).first?.optional("first_consulted_at")
    }

    /// Stores (or replaces) the person's legal-aid declaration on their own negative decision,
    /// in the caller's transaction (its history line goes in the same one); false if nothing matched.
    public static func setLegalAidRequestedOn(
        _ day: CivilDate, documentId: Int64, applicantId: Int64, db: PGConnection
    ) throws -> Bool {
        try db.query(
            """
            UPDATE documents SET legal_aid_requested_on = $1::date
            WHERE id = $2 AND applicant_id = $3 AND kind IN ('decision_rejection', 'decision_inadmissibility')
            RETURNING id
            """, [day.iso, documentId, applicantId]
        ).first != nil
    }

    /// Caps on what refused requests may add to the table, per 24 hours. A logged-in person's
    /// refusal for a real document is always kept ("who tried to open my file"). Anonymous
    /// probes are kept only for a real document, a few per address and at most
    /// `anonymousRefusalsPerDocument` in all; an unknown id asked by a logged-in person, up to
    /// `unknownRefusalsPerPerson`. So the table grows with documents and people, not requests.
    static let anonymousRefusalsPerAddressAndDocument = 5
    static let anonymousRefusalsPerDocument = 50
    static let unknownRefusalsPerPerson = 10

    /// Records a refused request within the caps above; true when a row was written.
    @discardableResult
    public static func recordRefusal(documentId: Int64?, who: String, address: String?, db: PGConnection) throws -> Bool {
        let anonymous = who == "anonymous"
        if anonymous && documentId == nil { return false }
        let row = try db.query(
            """
            INSERT INTO document_access_refusals (document_id, who, address)
            SELECT $1::bigint, $2::text, $3::text
            WHERE CASE
                WHEN $1::bigint IS NULL THEN
                    (SELECT count(*) FROM document_access_refusals
                     WHERE who = $2::text AND document_id IS NULL AND at > now() - interval '1 day') < $6
                WHEN $4::boolean THEN
                    (SELECT count(*) FILTER (WHERE address IS NOT DISTINCT FROM $3::text) < $5 AND count(*) < $7
                     FROM document_access_refusals
                     WHERE document_id = $1::bigint AND who = 'anonymous' AND at > now() - interval '1 day')
                ELSE true
            END
            RETURNING id
            """,
            [
                documentId, who, address, anonymous, anonymousRefusalsPerAddressAndDocument, unknownRefusalsPerPerson,
                anonymousRefusalsPerDocument,
            ])
        return row.first != nil
    }

    static func decode(_ r: PGRow) throws -> DocumentRecord {
        guard let kind = DocumentKind(rawValue: try r.get("kind")) else { throw PGError(.decoding, "document kind") }
        var interview: InterviewAppointment?
        if let day = try r.optional("interview_date", as: String.self).flatMap(CivilDate.init(iso:)),
            let time = try r.optional("interview_time", as: String.self).flatMap(TimeOfDay.init(hhmm:))
        {
            interview = InterviewAppointment(
                date: day, time: time, place: try r.optional("interview_place") ?? "",
                address: try r.optional("interview_address") ?? "",
                interpreterLanguage: try r.optional("interpreter_language"))
        }
        return DocumentRecord(
            id: try r.get("id"), publicId: try r.get("public_id"), applicantId: try r.get("applicant_id"),
            kind: kind, depositedAt: try r.get("deposited_at"), firstConsultedAt: try r.optional("first_consulted_at"),
            sizeBytes: try r.get("size_bytes"), sha256: try r.get("sha256", as: PGBytes.self).bytes,
            interview: interview, unannounced: try r.get("unannounced"),
            legalAidRequestedOn: try r.optional("legal_aid_requested_on", as: String.self).flatMap(CivilDate.init(iso:)))
    }
}
