import Foundation
import Postgres

/// Keys recovered for a person by a structure (auth event `key_recovered`): at most one a day.
enum KeyRecoveries {
    static let event = "key_recovered"

    /// When the last recovery for the person happened, if within the last 24 hours.
    static func withinLastDay(applicant: Int64, db: PGConnection) throws -> Date? {
        try db.query(
            """
            SELECT max(at) AS at FROM auth_events
            WHERE applicant_id = $1 AND event = $2 AND at > now() - interval '1 day'
            """, [applicant, event]
        ).first?.optional("at")
    }

    /// Serialises recoveries for one person (call first inside the transaction).
    static func lockPerson(_ applicant: Int64, db: PGConnection) throws {
        try db.query("SELECT id FROM applicants WHERE id = $1 FOR UPDATE", [applicant])
    }

    /// Key events of a person with the structure of the staff member who acted, for OFPRA's view.
    static func keyHistory(applicant: Int64, db: PGConnection) throws -> [(event: String, at: Date, structure: String?)] {
        try db.query(
            """
            SELECT e.event, e.at, s.name AS structure FROM auth_events e
            LEFT JOIN staff_accounts st ON e.actor_kind = 'staff' AND st.id = e.actor_id
            LEFT JOIN structures s ON s.id = st.structure_id
            WHERE e.applicant_id = $1 AND e.event IN ('key_issued', 'key_reissued', 'key_recovered')
            ORDER BY e.at DESC, e.id DESC LIMIT 50
            """, [applicant]
        ).rows.map { (try $0.get("event"), try $0.get("at"), try $0.optional("structure")) }
    }
}
