import Foundation
import Postgres

/// The history of authentication events, shown to the applicant ("what happened on my account").
public enum AuthEvents {
    public enum Actor: Sendable {
        case applicant(Int64)
        case staff(Int64)
        case system

        var kind: String {
            switch self {
            case .applicant: "applicant"
            case .staff: "staff"
            case .system: "system"
            }
        }
        var id: Int64? {
            switch self {
            case .applicant(let id), .staff(let id): id
            case .system: nil
            }
        }
    }

    public struct Event: Sendable {
        public let event: String
        public let actorKind: String
        public let at: Date
        public let detail: String?
    }

    public static func record(
        _ event: String, applicant: Int64? = nil, staff: Int64? = nil, by actor: Actor,
        address: String?, detail: String? = nil, db: PGConnection
    ) throws {
        try db.prepared(
            "auth_event_insert",
            """
            INSERT INTO auth_events (applicant_id, staff_id, event, actor_kind, actor_id, address, detail)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, [applicant, staff, event, actor.kind, actor.id, address, detail])
    }

    public static func forApplicant(_ id: Int64, limit: Int = 100, db: PGConnection) throws -> [Event] {
        try db.query(
            """
            SELECT event, actor_kind, at, detail FROM auth_events WHERE applicant_id = $1 ORDER BY at DESC, id DESC LIMIT $2
            """, [id, limit]
        ).rows.map {
            Event(
                event: try $0.get("event"), actorKind: try $0.get("actor_kind"), at: try $0.get("at"),
                detail: try $0.optional("detail"))
        }
    }
}
