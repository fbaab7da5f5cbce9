import Foundation
import Postgres

/// Which structures follow a person, and the record-level check built on it.
public enum FollowLinks {
    public enum Kind: String, Sendable { case domiciliation, accommodation }

    public static func open(applicant: Int64, structure: Int64, kind: Kind, startedOn: String, by staff: Int64?, db: PGConnection) throws {
        try db.query(
            """
            INSERT INTO follow_links (applicant_id, structure_id, kind, started_on, created_by)
            SELECT $1, $2, $3, $4::date, $5
            WHERE NOT EXISTS (SELECT 1 FROM follow_links WHERE applicant_id = $1 AND structure_id = $2 AND ended_on IS NULL)
            """, [applicant, structure, kind.rawValue, startedOn, staff])
    }

    public static func end(applicant: Int64, structure: Int64, endedOn: String, db: PGConnection) throws {
        try db.query(
            """
            UPDATE follow_links SET ended_on = $3::date
            WHERE applicant_id = $1 AND structure_id = $2 AND ended_on IS NULL
            """, [applicant, structure, endedOn])
    }

    /// True while `structure` has an active link to the person (today in Paris within the dates).
    public static func isFollowing(structure: Int64?, applicant: Int64, db: PGConnection) throws -> Bool {
        guard let structure else { return false }
        return try db.prepared(
            "follow_check",
            """
            SELECT 1 FROM follow_links
            WHERE structure_id = $1 AND applicant_id = $2
              AND started_on <= (now() AT TIME ZONE 'Europe/Paris')::date
              AND (ended_on IS NULL OR ended_on >= (now() AT TIME ZONE 'Europe/Paris')::date)
            """, [structure, applicant]
        ).first != nil
    }
}
