import Domain
import Foundation
import Postgres

/// A residence-permit request as stored (one per account).
public struct PermitRequest: Sendable {
    public let id: Int64
    public let number: String
    public let accountId: Int64
    public let state: String
    public let channel: String
    public let civilStatusCheckedAt: Date?
    public let maritalStatus: MaritalStatus?
    public let spouseSurnames, spouseGivenNames, marriageDate, marriagePlace: String?
    public let addressKind: AddressKind?
    public let addressLine, addressComplement, postcode, city, hostName, domiciliationOrg: String?
    public let contactsCheckedAt: Date?
    public let photoCode: String?
    public let declaredNotPolygamous: Bool?
    public let declaredTruthful: Bool?
    public let department: String?
    public let createdAt: Date
    public let filedAt: Date?

    public var isDraft: Bool { state == "draft" }
    public var addressLines: [String] {
        [addressLine, addressComplement, [postcode, city].compactMap { $0 }.joined(separator: " ")]
            .compactMap { $0 }.filter { !$0.isEmpty }
    }
}

/// One line of a request's history, as the person and the prefecture both read it.
struct PermitEvent: Sendable {
    let event: String
    let actor: String
    let detail: String?
    let at: Date
}

struct PermitChild: Sendable {
    let id: Int64
    let surnames, givenNames, birthDate: String
}

enum AnefRequests {
    static let columns = """
        id, number, account_id, state, channel, civil_status_checked_at, marital_status, spouse_surnames,
        spouse_given_names, marriage_date::text AS marriage_date, marriage_place, address_kind, address_line,
        address_complement, postcode, city, host_name, domiciliation_org, contacts_checked_at, photo_code,
        declared_not_polygamous, declared_truthful, department, created_at, filed_at
        """

    static func find(account: Int64, db: PGConnection) throws -> PermitRequest? {
        try db.prepared("anef_request_by_account", "SELECT \(columns) FROM anef_requests WHERE account_id = $1", [account])
            .first.map(decode)
    }

    /// The account's request, started (with its number and first history line) if it has none.
    static func findOrStart(account: Int64, db: PGConnection) throws -> PermitRequest {
        if let r = try find(account: account, db: db) { return r }
        return try db.transaction { tx in
            let inserted = try tx.query(
                """
                INSERT INTO anef_requests (number, account_id)
                VALUES ('ANEF-' || to_char(now() AT TIME ZONE 'Europe/Paris', 'YYYY') || '-'
                        || lpad(nextval('anef_numbers')::text, 6, '0'), $1)
                ON CONFLICT (account_id) DO NOTHING RETURNING id
                """, [account])
            if let id: Int64 = try inserted.first?.get("id") {
                try event(id, "draft_started", actor: "person", db: tx)
            }
            guard let r = try find(account: account, db: tx) else { throw PGError(.query, "request vanished") }
            return r
        }
    }

    /// Saves one step of a draft: `assignments` are `column = $n` pairs over the given values.
    /// Only a draft changes (the WHERE says so); returns false when the request was filed meanwhile.
    static func saveDraft(id: Int64, _ columnsAndValues: [(String, PGEncodable?)], db: PGConnection) throws -> Bool {
        let sets = columnsAndValues.enumerated().map { "\($0.element.0) = $\($0.offset + 2)" }.joined(separator: ", ")
        return try db.query(
            "UPDATE anef_requests SET \(sets), updated_at = now() WHERE id = $1 AND state = 'draft'",
            [id] + columnsAndValues.map(\.1)
        ).affectedRows == 1
    }

    /// A correction after filing, while the request is open (the department stays: a move to
    /// another department is the prefectures' transfer, not a form).
    static func correct(id: Int64, _ columnsAndValues: [(String, PGEncodable?)], db: PGConnection) throws -> Bool {
        let sets = columnsAndValues.enumerated().map { "\($0.element.0) = $\($0.offset + 2)" }.joined(separator: ", ")
        return try db.query(
            """
            UPDATE anef_requests SET \(sets), updated_at = now() WHERE id = $1
              AND state IN ('filed', 'under_review', 'documents_requested', 'favourable', 'card_in_production', 'card_available')
            """, [id] + columnsAndValues.map(\.1)
        ).affectedRows == 1
    }

    static func event(_ request: Int64, _ event: String, actor: String, detail: String? = nil, db: PGConnection) throws {
        try db.prepared(
            "anef_event", "INSERT INTO anef_events (request_id, event, actor, detail) VALUES ($1, $2, $3, $4)",
            [request, event, actor, detail])
    }

    static func history(_ request: Int64, db: PGConnection) throws -> [PermitEvent] {
        try db.query("SELECT event, actor, detail, at FROM anef_events WHERE request_id = $1 ORDER BY at, id", [request]).rows.map {
            PermitEvent(event: try $0.get("event"), actor: try $0.get("actor"), detail: try $0.optional("detail"), at: try $0.get("at"))
        }
    }

    /// What a protected person reported as wrong in OFPRA's civil status, for OFPRA's page of
    /// that person (OFPRA corrects its record; the ANEF side reads the corrected one).
    static func civilStatusReports(applicant: Int64, db: PGConnection) throws -> [(text: String, at: Date)] {
        try db.query(
            """
            SELECT e.detail, e.at FROM anef_events e
            JOIN anef_requests q ON q.id = e.request_id JOIN anef_accounts a ON a.id = q.account_id
            JOIN protections p ON p.id = a.protection_id
            WHERE p.applicant_id = $1 AND a.role = 'protected' AND e.event = 'civil_status_error_reported'
            ORDER BY e.at DESC
            """, [applicant]
        ).rows.map { (try $0.optional("detail") ?? "", try $0.get("at")) }
    }

    static func children(_ request: Int64, db: PGConnection) throws -> [PermitChild] {
        try db.query(
            "SELECT id, surnames, given_names, birth_date::text AS birth_date FROM anef_children WHERE request_id = $1 ORDER BY id",
            [request]
        ).rows.map {
            PermitChild(
                id: try $0.get("id"), surnames: try $0.get("surnames"), givenNames: try $0.get("given_names"),
                birthDate: try $0.get("birth_date"))
        }
    }

    static func addChild(_ request: Int64, surnames: String, givenNames: String, birthDate: CivilDate, db: PGConnection) throws {
        try db.query(
            "INSERT INTO anef_children (request_id, surnames, given_names, birth_date) VALUES ($1, $2, $3, $4)",
            [request, surnames, givenNames, birthDate.iso])
    }

    /// Removes a child of this request only (another request's child id is simply not found).
    static func removeChild(_ child: Int64, request: Int64, db: PGConnection) throws -> Bool {
        try db.query("DELETE FROM anef_children WHERE id = $1 AND request_id = $2", [child, request]).affectedRows == 1
    }

    /// Files the draft: the guarded update and the schema's CHECK both refuse a request that
    /// is not complete or no longer a draft. Returns false if it was not a draft any more.
    static func file(id: Int64, department: String, db: PGConnection) throws -> Bool {
        try db.query(
            "UPDATE anef_requests SET state = 'filed', filed_at = now(), department = $2, updated_at = now() WHERE id = $1 AND state = 'draft'",
            [id, department]
        ).affectedRows == 1
    }

    static func decode(_ r: PGRow) throws -> PermitRequest {
        PermitRequest(
            id: try r.get("id"), number: try r.get("number"), accountId: try r.get("account_id"), state: try r.get("state"),
            channel: try r.get("channel"), civilStatusCheckedAt: try r.optional("civil_status_checked_at"),
            maritalStatus: try r.optional("marital_status", as: String.self).flatMap(MaritalStatus.init(rawValue:)),
            spouseSurnames: try r.optional("spouse_surnames"), spouseGivenNames: try r.optional("spouse_given_names"),
            marriageDate: try r.optional("marriage_date"), marriagePlace: try r.optional("marriage_place"),
            addressKind: try r.optional("address_kind", as: String.self).flatMap(AddressKind.init(rawValue:)),
            addressLine: try r.optional("address_line"), addressComplement: try r.optional("address_complement"),
            postcode: try r.optional("postcode"), city: try r.optional("city"), hostName: try r.optional("host_name"),
            domiciliationOrg: try r.optional("domiciliation_org"), contactsCheckedAt: try r.optional("contacts_checked_at"),
            photoCode: try r.optional("photo_code"), declaredNotPolygamous: try r.optional("declared_not_polygamous"),
            declaredTruthful: try r.optional("declared_truthful"), department: try r.optional("department"),
            createdAt: try r.get("created_at"), filedAt: try r.optional("filed_at"))
    }
}
