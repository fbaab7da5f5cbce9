import Foundation
import Postgres

/// The audit trail of staff and agents: who (and for which structure) saw or did what, when,
/// on whose file. Applicants see the entries about them on their account page.
public enum Audit {
    public struct Entry: Sendable {
        public let at: Date
        public let action: String
        public let role: String
        public let staffName: String
        public let staffEmail: String
        public let structureName: String?
        public let applicantId: Int64?
        public let applicantName: String?
        public let detail: String?
    }

    /// Records an event for the logged-in staff member (no-op for anyone else). An act and its
    /// audit row commit together: call this inside the act's transaction (`ctx.db` is that
    /// connection), never after it, so a failure of either leaves neither.
    public static func record(_ ctx: RequestContext, _ action: String, applicant: Int64? = nil, detail: String? = nil) throws {
        try record(ctx, action, applicant: applicant, detail: detail, db: ctx.db)
    }

    /// The same, on the connection the act's transaction runs on (when the act is in another type).
    public static func record(
        _ ctx: RequestContext, _ action: String, applicant: Int64? = nil, detail: String? = nil,
        db: PGConnection
    ) throws {
        guard let staff = ctx.staff else { return }
        try db.prepared(
            "audit_insert",
            """
            INSERT INTO audit_events (staff_id, structure_id, role, action, applicant_id, detail, address)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, [staff.id, staff.structureId, staff.role.rawValue, action, applicant, detail, ctx.request.remoteAddress])
    }

    static let select = """
        SELECT e.at, e.action, e.role, s.display_name, s.email, st.name AS structure_name, e.applicant_id,
               a.given_names || ' ' || upper(a.surname) AS applicant_name, e.detail
        FROM audit_events e JOIN staff_accounts s ON s.id = e.staff_id
        LEFT JOIN structures st ON st.id = e.structure_id LEFT JOIN applicants a ON a.id = e.applicant_id
        """

    public static func forApplicant(_ id: Int64, limit: Int = 200, db: PGConnection) throws -> [Entry] {
        try db.query(select + " WHERE e.applicant_id = $1 ORDER BY e.at DESC, e.id DESC LIMIT $2", [id, limit]).rows.map(decode)
    }

    /// Administrators' search: by staff e-mail, by person identifier (AGDREF/OFPRA), by day.
    public static func search(staffEmail: String, applicantId: Int64?, day: String?, limit: Int = 200, db: PGConnection) throws -> [Entry] {
        try db.query(
            select + """
                 WHERE ($1 = '' OR lower(s.email) LIKE lower($5) ESCAPE '\\')
                   AND ($2::bigint IS NULL OR e.applicant_id = $2::bigint)
                   AND ($3::date IS NULL OR (e.at AT TIME ZONE 'Europe/Paris')::date = $3::date)
                 ORDER BY e.at DESC, e.id DESC LIMIT $4
                """, [staffEmail, applicantId, day, limit, LikePattern.containing(staffEmail)]
        ).rows.map(decode)
    }

    static func decode(_ r: PGRow) throws -> Entry {
        Entry(
            at: try r.get("at"), action: try r.get("action"), role: try r.get("role"), staffName: try r.get("display_name"),
            staffEmail: try r.get("email"), structureName: try r.optional("structure_name"),
            applicantId: try r.optional("applicant_id"), applicantName: try r.optional("applicant_name"),
            detail: try r.optional("detail"))
    }
}
