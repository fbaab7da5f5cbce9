import Domain
import Foundation
import Postgres

/// A request as an instructor's queue lists it.
struct QueuedRequest: Sendable {
    let id: Int64
    let number: String
    let name: String
    let state: PermitRequestState
    let family: Bool
    let filedAt: Date?
    let attestationUntil: CivilDate?
    /// The automatic renewal could not be made: someone must act before it lapses.
    let incident: Bool
    /// The documents asked for were due and nothing came (never closed automatically).
    let overdue: Bool
}

/// The prefecture side's reads and moves. Every query is limited to the instructor's
/// department: a request of another department is not found (404), whatever its id.
enum PrefectureRequests {
    /// Open requests of the department, most urgent first: the attestation expiring soonest,
    /// then the oldest filing. `state` narrows the list.
    static func queue(department: String, state: PermitRequestState?, db: PGConnection) throws -> [QueuedRequest] {
        try db.query(
            """
            SELECT q.id, q.number, a.given_names || ' ' || upper(a.surnames) AS name, q.state, a.role = 'family' AS family,
                   q.filed_at,
                   (SELECT max(t.valid_until)::text FROM anef_attestations t
                    WHERE t.request_id = q.id AND t.kind = 'api' AND t.replaced_by IS NULL AND t.revoked_at IS NULL) AS until,
                   EXISTS (SELECT 1 FROM anef_events e JOIN anef_attestations t ON t.number = e.detail
                           WHERE e.request_id = q.id AND e.event = 'renewal_blocked' AND t.replaced_by IS NULL
                             AND t.revoked_at IS NULL) AS incident,
                   EXISTS (SELECT 1 FROM anef_document_requests d
                           WHERE d.request_id = q.id AND d.answered_at IS NULL AND d.due_on < current_date) AS overdue
            FROM anef_requests q JOIN anef_accounts a ON a.id = q.account_id
            WHERE q.department = $1 AND q.state <> 'draft' AND ($2::text IS NULL OR q.state = $2)
            ORDER BY incident DESC, until ASC NULLS LAST, q.filed_at ASC
            LIMIT 200
            """, [department, state?.rawValue]
        ).rows.map { r in
            QueuedRequest(
                id: try r.get("id"), number: try r.get("number"), name: try r.get("name"),
                state: PermitRequestState(rawValue: try r.get("state")) ?? .filed, family: try r.get("family"),
                filedAt: try r.optional("filed_at"),
                attestationUntil: try r.optional("until", as: String.self).flatMap(CivilDate.init(iso:)),
                incident: try r.get("incident"), overdue: try r.get("overdue"))
        }
    }

    /// The request if it belongs to the department (and was filed), with its account.
    static func find(id: Int64, department: String, db: PGConnection) throws -> (PermitRequest, AnefAccount)? {
        guard
            let r = try db.query(
                "SELECT \(AnefRequests.columns) FROM anef_requests WHERE id = $1 AND department = $2 AND state <> 'draft'",
                [id, department]
            ).first.map(AnefRequests.decode),
            let account = try AnefAccounts.find(id: r.accountId, db: db)
        else { return nil }
        return (r, account)
    }

    /// The request's state, its row locked until the transaction ends: what a decision checks
    /// before writing the fields its new state needs (the CHECKs want them in place first).
    static func lockedState(_ id: Int64, db: PGConnection) throws -> PermitRequestState? {
        try db.query("SELECT state FROM anef_requests WHERE id = $1 FOR UPDATE", [id]).first
            .flatMap { PermitRequestState(rawValue: try $0.get("state")) }
    }

    /// Moves the request from `from` to `to` (the trigger checks the move is allowed) and writes
    /// the history line, in the caller's transaction. False if it was no longer in `from`.
    static func move(
        _ id: Int64, from: PermitRequestState, to: PermitRequestState, event: String, staff: Int64, db: PGConnection
    ) throws -> Bool {
        let moved =
            try db.query(
                "UPDATE anef_requests SET state = $3, updated_at = now() WHERE id = $1 AND state = $2",
                [id, from.rawValue, to.rawValue]
            ).affectedRows == 1
        if moved {
            try db.query(
                "INSERT INTO anef_events (request_id, event, actor, staff_id) VALUES ($1, $2, 'staff', $3)", [id, event, staff])
        }
        return moved
    }

    /// A file of a request of the department (instructors see documents; structures never do).
    static func file(publicId: UUID, department: String, db: PGConnection) throws -> (PermitFile, [UInt8], Int64)? {
        guard
            let r = try db.query(
                """
                SELECT f.id, f.public_id, f.kind, f.content_type, f.size_bytes, f.uploaded_at, f.after_filing, f.replaced_at,
                       f.content, f.request_id
                FROM anef_files f JOIN anef_requests q ON q.id = f.request_id
                WHERE f.public_id = $1 AND q.department = $2 AND q.state <> 'draft'
                """, [publicId, department]
            ).first
        else { return nil }
        return (try AnefFiles.decode(r), try r.get("content", as: PGBytes.self).bytes, try r.get("request_id"))
    }

    /// The prefecture instructing a department (its counter: address, hours), if one is set up.
    static func office(department: String, db: PGConnection) throws -> Structure? {
        try db.query(
            "SELECT \(Structures.columns) FROM structures WHERE kind = 'prefecture' AND department = $1 ORDER BY id LIMIT 1", [department]
        ).first.map(Structures.decode)
    }

    /// The applicant id behind a request (for the audit trail), if OFPRA's file is known.
    static func applicantId(protection: Int64, db: PGConnection) throws -> Int64? {
        try db.query("SELECT applicant_id FROM protections WHERE id = $1", [protection]).first?.optional("applicant_id")
    }
}
