import Domain
import Foundation
import Postgres

/// OFPRA's protection records: written when OFPRA deposits a decision granting a status (or
/// records one the CNDA granted), read by the ANEF side only through `ProtectionLookup`.
enum Protections {
    static let columns = """
        id, kind, granted_by, granted_on::text AS granted_on, ofpra_number, foreigner_number, surnames, given_names,
        birth_date::text AS birth_date, birth_place, nationality
        """

    /// Records the status a deposited decision grants, with the civil status of the person's
    /// file, in the deposit's transaction. A second decision (a renotification, the CNDA after
    /// OFPRA) updates the same row.
    static func recordFromDecision(_ kind: ProtectionKind, for person: Applicant, on day: CivilDate, db: PGConnection) throws {
        // OFPRA numbers every file it decides on: a space opened without one gets it now.
        let digits = String(person.id)
        let ofpraNumber = person.ofpraNumber ?? "OF" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
        if person.ofpraNumber == nil { try Applicants.setOfpraNumber(id: person.id, ofpraNumber, db: db) }
        try record(
            kind, grantedBy: .ofpra, on: day, applicantId: person.id, ofpraNumber: ofpraNumber,
            foreignerNumber: person.agdref, surnames: person.surname, givenNames: person.givenNames,
            birthDate: person.birthDate, birthPlace: "", nationality: person.nationality, by: nil, db: db)
    }

    static func record(
        _ kind: ProtectionKind, grantedBy: ProtectionAuthority, on day: CivilDate, applicantId: Int64?, ofpraNumber: String,
        foreignerNumber: String?, surnames: String, givenNames: String, birthDate: String, birthPlace: String,
        nationality: String?, by staffId: Int64?, db: PGConnection
    ) throws {
        try db.query(
            """
            INSERT INTO protections (applicant_id, ofpra_number, foreigner_number, kind, granted_by, granted_on, surnames,
                                     given_names, birth_date, birth_place, nationality, recorded_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ON CONFLICT (ofpra_number) DO UPDATE SET kind = EXCLUDED.kind, granted_by = EXCLUDED.granted_by,
                granted_on = EXCLUDED.granted_on, recorded_at = now(), recorded_by = EXCLUDED.recorded_by
            """,
            [
                applicantId, ofpraNumber, foreignerNumber, kind.rawValue, grantedBy.rawValue, day.iso, surnames, givenNames,
                birthDate, birthPlace, kind == .stateless ? nil : nationality, staffId,
            ])
    }

    static func find(applicantId: Int64, db: PGConnection) throws -> ProtectionRecord? {
        try db.query("SELECT \(columns) FROM protections WHERE applicant_id = $1", [applicantId]).first.map(decode)
    }

    static func find(id: Int64, db: PGConnection) throws -> ProtectionRecord? {
        try db.prepared("protection_by_id", "SELECT \(columns) FROM protections WHERE id = $1", [id]).first.map(decode)
    }

    /// Records OFPRA's birth certificate and tells every filed request of the protected person
    /// (not family members': theirs is their own document), in the caller's transaction.
    static func recordBirthAct(_ id: Int64, on day: CivilDate, db: PGConnection) throws {
        try db.query("UPDATE protections SET birth_act_on = $2 WHERE id = $1", [id, day.iso])
        try db.query(
            """
            INSERT INTO anef_events (request_id, event, actor, detail)
            SELECT q.id, 'birth_certificate_received', 'system', $2 FROM anef_requests q
            JOIN anef_accounts a ON a.id = q.account_id
            WHERE a.protection_id = $1 AND a.role = 'protected' AND q.state <> 'draft'
            """, [id, day.iso])
    }

    static func birthActOn(_ id: Int64, db: PGConnection) throws -> CivilDate? {
        try db.query("SELECT birth_act_on::text AS d FROM protections WHERE id = $1", [id]).first?
            .optional("d", as: String.self).flatMap(CivilDate.init(iso:))
    }

    /// OFPRA ended the protection (cessation, withdrawal): renewals stop being automatic.
    static func hasEnded(id: Int64, db: PGConnection) throws -> Bool {
        try db.query("SELECT ended_on IS NOT NULL AS ended FROM protections WHERE id = $1", [id]).first?.get("ended") ?? true
    }

    static func decode(_ r: PGRow) throws -> ProtectionRecord {
        guard let kind = ProtectionKind(rawValue: try r.get("kind")),
            let authority = ProtectionAuthority(rawValue: try r.get("granted_by")),
            let granted = CivilDate(iso: try r.get("granted_on")), let birth = CivilDate(iso: try r.get("birth_date"))
        else { throw PGError(.decoding, "unreadable protection row") }
        return ProtectionRecord(
            id: try r.get("id"), kind: kind, grantedBy: authority, grantedOn: granted, ofpraNumber: try r.get("ofpra_number"),
            foreignerNumber: try r.optional("foreigner_number"), surnames: try r.get("surnames"),
            givenNames: try r.get("given_names"), birthDate: birth, birthPlace: try r.get("birth_place"),
            nationality: try r.optional("nationality"))
    }
}

/// The interconnection as it runs today: OFPRA's table, in the same database.
struct DatabaseProtectionLookup: ProtectionLookup {
    let db: PGConnection

    func protection(foreignerNumber: String) throws -> ProtectionRecord? {
        try db.prepared(
            "protection_by_foreigner", "SELECT \(Protections.columns) FROM protections WHERE foreigner_number = $1", [foreignerNumber]
        ).first.map(Protections.decode)
    }

    func protection(ofpraNumber: String) throws -> ProtectionRecord? {
        try db.prepared(
            "protection_by_ofpra", "SELECT \(Protections.columns) FROM protections WHERE ofpra_number = $1", [ofpraNumber]
        ).first.map(Protections.decode)
    }
}
