import Domain
import Foundation
import Postgres
import Security

/// A file a person sent with their request (already checked by content).
struct PermitFile: Sendable {
    let id: Int64
    let publicId: UUID
    let kind: PermitFileKind
    let contentType: String
    let sizeBytes: Int
    let uploadedAt: Date
    let afterFiling: Bool
    let replacedAt: Date?
}

enum AnefFiles {
    static let columns = "id, public_id, kind, content_type, size_bytes, uploaded_at, after_filing, replaced_at"

    /// Stores a file as the current one of its kind; the one it replaces stays, dated.
    /// Returns whether it replaced one.
    static func store(
        request: Int64, kind: PermitFileKind, contentType: String, bytes: [UInt8], afterFiling: Bool, db: PGConnection
    ) throws -> Bool {
        let replaced = try db.query(
            "UPDATE anef_files SET replaced_at = now() WHERE request_id = $1 AND kind = $2 AND replaced_at IS NULL",
            [request, kind.rawValue]
        ).affectedRows
        try db.query(
            """
            INSERT INTO anef_files (request_id, kind, content_type, content, size_bytes, sha256, after_filing)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            [request, kind.rawValue, contentType, PGBytes(bytes), bytes.count, PGBytes(Digest.sha256(bytes)), afterFiling])
        return replaced > 0
    }

    /// Current files of a request (not replaced), in upload order.
    static func current(request: Int64, db: PGConnection) throws -> [PermitFile] {
        try db.query(
            "SELECT \(columns) FROM anef_files WHERE request_id = $1 AND replaced_at IS NULL ORDER BY uploaded_at, id", [request]
        ).rows.map(decode)
    }

    /// A file of this account's request only: another person's id is not found.
    static func content(publicId: UUID, account: Int64, db: PGConnection) throws -> (PermitFile, [UInt8])? {
        guard
            let r = try db.query(
                """
                SELECT f.\(columns.replacingOccurrences(of: ", ", with: ", f.")), f.content FROM anef_files f
                JOIN anef_requests q ON q.id = f.request_id
                WHERE f.public_id = $1 AND q.account_id = $2
                """, [publicId, account]
            ).first
        else { return nil }
        return (try decode(r), try r.get("content", as: PGBytes.self).bytes)
    }

    static func decode(_ r: PGRow) throws -> PermitFile {
        guard let kind = PermitFileKind(rawValue: try r.get("kind")) else { throw PGError(.decoding, "unknown file kind") }
        return PermitFile(
            id: try r.get("id"), publicId: try r.get("public_id"), kind: kind, contentType: try r.get("content_type"),
            sizeBytes: try r.get("size_bytes"), uploadedAt: try r.get("uploaded_at"), afterFiling: try r.get("after_filing"),
            replacedAt: try r.optional("replaced_at"))
    }
}
