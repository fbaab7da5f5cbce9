import Foundation
import Postgres

/// Which GUDA site a person belongs to: the site they were registered at, or before that the
/// site of the SPADA that enrolled them (`structures.guda_site` of the SPADA).
extension Applicants {
    static let siteOfPerson = "COALESCE(a.guda_site, s.guda_site)"

    /// The person, if they belong to `site`; nil otherwise (the caller answers 404).
    public static func find(id: Int64, atGudaSite site: String?, db: PGConnection) throws -> Applicant? {
        guard let site else { return nil }
        return try db.query(
            """
            SELECT \(prefixed) FROM applicants a JOIN structures s ON s.id = a.spada_id
            WHERE a.id = $1 AND \(siteOfPerson) = $2
            """, [id, site]
        ).first.map(decode)
    }

    /// People enrolled by a SPADA of `site` and not yet registered, optionally filtered by name.
    public static func awaitingRegistration(search: String, site: String?, db: PGConnection) throws -> [Applicant] {
        guard let site else { return [] }
        return try db.query(
            """
            SELECT \(prefixed) FROM applicants a JOIN structures s ON s.id = a.spada_id
            WHERE a.agdref IS NULL AND a.eligibility IS NULL AND s.guda_site = $2
              AND ($1 = '' OR a.surname ILIKE $3 ESCAPE '\\' OR a.given_names ILIKE $3 ESCAPE '\\')
            ORDER BY a.enrolled_at DESC LIMIT 100
            """, [search, site, LikePattern.containing(search)]
        ).rows.map(decode)
    }

    /// The applicant columns qualified by the alias `a` (for joins).
    static var prefixed: String {
        columns.split(separator: ",").map { "a." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")
    }
}
