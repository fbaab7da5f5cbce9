import Domain
import Foundation
import Outbox
import Postgres

/// What the reminder jobs share: a person's usable contacts from a row, and the
/// `document_events` row that makes a step happen once.
enum JobRecords {
    /// The verified phone and e-mail of a row (`phone`, `email` columns) the outbox will take,
    /// SMS first (people read SMS first).
    static func contacts(_ row: PGRow) throws -> [(Channel, String)] {
        [
            (Channel.sms, ReminderJob.usable(try row.optional("phone", as: String.self), .sms)),
            (Channel.email, ReminderJob.usable(try row.optional("email", as: String.self), .email)),
        ].compactMap { channel, recipient in recipient.map { (channel, $0) } }
    }

    /// Writes a document's event under its step key; false when a run already wrote it (the
    /// caller then sends nothing). `detail` says which channel, structure or time limit.
    static func recordEvent(
        document: Int64, kind: String, key: String, at: Date, detail: [String: Any] = [:], _ tx: PGConnection
    ) throws -> Bool {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: detail, options: [.sortedKeys]), as: UTF8.self)
        return try tx.query(
            """
            INSERT INTO document_events (document_id, kind, step_key, at, detail) VALUES ($1, $2, $3, $4, $5::jsonb)
            ON CONFLICT (document_id, step_key) DO NOTHING RETURNING id
            """, [document, kind, key, at, json]
        ).first != nil
    }
}
