import Domain
import Foundation
import Postgres

/// Reads a document's timeline where each fact already lives: the document row, its messages
/// (outbox, with their delivery status), the jobs' `document_events` and `platform_outages`
/// overlapping the 15 days before it is deemed notified (or until it was opened).
public enum DocumentTimelines {
    public static func events(
        documentId: Int64, publicId: UUID, depositedAt: Date, firstConsultedAt: Date?, now: Date, db: PGConnection
    ) throws -> [TimelineEvent] {
        var others = [TimelineEvent]()
        for r in try db.query(
            """
            SELECT channel, delivery_status, created_at FROM outbox_messages
            WHERE subject_ref = $1 AND template NOT LIKE 'structure\\_%' ORDER BY id
            """, ["document:\(publicId.uuidString.lowercased())"]
        ).rows {
            others.append(
                TimelineEvent(
                    kind: .message, at: try r.get("created_at"), channel: try r.get("channel"), status: try r.get("delivery_status")))
        }
        for r in try db.query(
            "SELECT kind, at, detail::text AS detail FROM document_events WHERE document_id = $1 ORDER BY at, id", [documentId]
        ).rows {
            guard let kind = TimelineEvent.Kind(rawValue: try r.get("kind")) else { continue }
            others.append(TimelineEvent(kind: kind, at: try r.get("at"), detail: flat(try r.get("detail"))))
        }
        let windowEnd = min(
            now, firstConsultedAt ?? .distantFuture, DocumentNotification.deemedNotificationInstant(depositedAt: depositedAt))
        for r in try db.query(
            """
            SELECT component, started_at, ended_at FROM platform_outages
            WHERE started_at <= $2 AND (ended_at IS NULL OR ended_at >= $1) ORDER BY started_at
            """, [depositedAt, windowEnd]
        ).rows {
            others.append(
                TimelineEvent(
                    kind: .outage, at: try r.get("started_at"), detail: ["component": try r.get("component")],
                    endedAt: try r.optional("ended_at")))
        }
        return DocumentTimeline.build(depositedAt: depositedAt, firstConsultedAt: firstConsultedAt, now: now, others: others)
    }

    /// The event's detail as strings (numbers and lists joined): the view only prints them.
    static func flat(_ json: String) -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return [:] }
        return object.mapValues { value in
            if let list = value as? [Any] { return list.map { "\($0)" }.joined(separator: ",") }
            return "\(value)"
        }
    }
}
