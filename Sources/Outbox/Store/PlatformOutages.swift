import Foundation
import Postgres

/// The platform_outages table (Migrations/018_delivery.sql): what `OutageRecorder` decided, and
/// what timelines read. Several workers see the same outage: each writes what it saw, and the
/// table keeps one row per outage (an ended one is merged into any it overlaps, under an
/// advisory lock; an ongoing one is unique per component).
public enum PlatformOutages {
    public struct Outage: Sendable, Equatable {
        public let component: PlatformComponent
        public let startedAt: Date
        /// nil while it goes on.
        public let endedAt: Date?
    }

    static let lock = 727_276

    public static func write(_ write: OutageRecorder.Write, _ db: PGConnection) throws {
        switch write {
        case .ended(let component, let from, let to):
            try db.transaction { tx in
                try tx.query("SELECT pg_advisory_xact_lock($1)", [lock])
                try tx.query(
                    """
                    WITH merged AS (
                        UPDATE platform_outages
                        SET started_at = least(started_at, $2), ended_at = greatest(ended_at, $3)
                        WHERE component = $1 AND ended_at IS NOT NULL AND started_at <= $3 AND ended_at >= $2
                        RETURNING id)
                    INSERT INTO platform_outages (component, started_at, ended_at)
                    SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM merged)
                    """, [component.rawValue, from, to])
            }
        case .began(let component, let at):
            try db.query(
                """
                INSERT INTO platform_outages (component, started_at) VALUES ($1, $2)
                ON CONFLICT (component) WHERE ended_at IS NULL DO NOTHING
                """, [component.rawValue, at])
        case .over(let component, let at):
            try db.query(
                """
                UPDATE platform_outages SET ended_at = greatest($2, started_at)
                WHERE component = $1 AND ended_at IS NULL
                """, [component.rawValue, at])
        }
    }

    /// Outages that overlap [from, to] (ongoing ones included), oldest first.
    public static func overlapping(from: Date, to: Date, _ db: PGConnection) throws -> [Outage] {
        try db.query(
            """
            SELECT component, started_at, ended_at FROM platform_outages
            WHERE started_at <= $2 AND (ended_at IS NULL OR ended_at >= $1)
            ORDER BY started_at, id
            """, [from, to]
        ).rows.compactMap { row in
            guard let component = PlatformComponent(rawValue: try row.get("component")) else { return nil }
            return Outage(component: component, startedAt: try row.get("started_at"), endedAt: try row.optional("ended_at"))
        }
    }
}
