import Domain
import Foundation
import Postgres

/// A report that the online route failed someone (the substitution the law requires).
struct BlockageReport: Sendable {
    let id: Int64
    let publicId: UUID
    let department: String
    let name, contact: String
    let identifier: String?
    let tried, saw: String
    let withStructure: String?
    let hasScreenshot: Bool
    let reportedAt: Date
    let answer: String?
    let invitedToCounter: Bool
    let answeredAt: Date?
}

enum BlockageReports {
    static let columns = """
        id, public_id, department, name, contact, identifier, tried, saw, with_structure, screenshot IS NOT NULL AS has_screenshot,
        reported_at, answer, invited_to_counter, answered_at
        """

    struct New {
        var department, name, contact: String
        var identifier: String?
        var tried, saw: String
        var withStructure: String?
        var screenshot: (type: String, bytes: [UInt8])?
    }

    static func create(_ n: New, db: PGConnection) throws -> UUID {
        try db.query(
            """
            INSERT INTO anef_blockage_reports (department, name, contact, identifier, tried, saw, with_structure, screenshot, screenshot_type)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING public_id
            """,
            [
                n.department, n.name, n.contact, n.identifier, n.tried, n.saw, n.withStructure, n.screenshot.map { PGBytes($0.bytes) },
                n.screenshot?.type,
            ]
        ).first?.get("public_id") ?? UUID()
    }

    /// The department's reports, unanswered first, oldest first.
    static func queue(department: String, db: PGConnection) throws -> [BlockageReport] {
        try db.query(
            """
            SELECT \(columns) FROM anef_blockage_reports WHERE department = $1
            ORDER BY answered_at IS NOT NULL, reported_at LIMIT 100
            """, [department]
        ).rows.map(decode)
    }

    static func find(id: Int64, department: String, db: PGConnection) throws -> BlockageReport? {
        try db.query("SELECT \(columns) FROM anef_blockage_reports WHERE id = $1 AND department = $2", [id, department]).first.map(decode)
    }

    static func screenshot(id: Int64, department: String, db: PGConnection) throws -> (String, [UInt8])? {
        guard
            let r = try db.query(
                "SELECT screenshot_type, screenshot FROM anef_blockage_reports WHERE id = $1 AND department = $2 AND screenshot IS NOT NULL",
                [id, department]
            ).first
        else { return nil }
        return (try r.get("screenshot_type"), try r.get("screenshot", as: PGBytes.self).bytes)
    }

    /// Answers once; false if someone answered first.
    static func answer(id: Int64, text: String, counter: Bool, staff: Int64, db: PGConnection) throws -> Bool {
        try db.query(
            """
            UPDATE anef_blockage_reports SET answer = $2, invited_to_counter = $3, answered_by = $4, answered_at = now()
            WHERE id = $1 AND answered_at IS NULL
            """, [id, text, counter, staff]
        ).affectedRows == 1
    }

    static func decode(_ r: PGRow) throws -> BlockageReport {
        BlockageReport(
            id: try r.get("id"), publicId: try r.get("public_id"), department: try r.get("department"), name: try r.get("name"),
            contact: try r.get("contact"), identifier: try r.optional("identifier"), tried: try r.get("tried"), saw: try r.get("saw"),
            withStructure: try r.optional("with_structure"), hasScreenshot: try r.get("has_screenshot"),
            reportedAt: try r.get("reported_at"),
            answer: try r.optional("answer"), invitedToCounter: try r.get("invited_to_counter"), answeredAt: try r.optional("answered_at"))
    }
}
