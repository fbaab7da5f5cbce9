import Domain
import Foundation
import Postgres

/// What a structure's dashboard shows of the people it follows: dates and flags only —
/// never a document, its title beyond the category, nor a decision's outcome.
public struct FollowedPerson: Sendable {
    public struct DocumentDates: Sendable {
        public let category: DocumentKind.Category
        public let depositedAt: Date
        public let notification: NotificationState
        public let interview: InterviewAppointment?
    }

    public let applicant: Applicant
    public let documents: [DocumentDates]
    public let notificationFailed: Bool
    /// The escalation alerted this structure about a document still unopened (EscalationSchedule).
    public var alerted: Bool = false

    public enum Flag: String, CaseIterable, Sendable {
        case unreadTenDays = "unread10"
        case notificationFailed = "failed"
        case noContacts = "no_contacts"
        case absent = "absent"
        case alerted = "alerted"
    }

    public func flags(now: Date) -> [Flag] {
        var out = [Flag]()
        let tenDays = now.addingTimeInterval(-10 * 86_400)
        // Unread for more than 10 days and not yet deemed notified: still worth a phone call.
        if documents.contains(where: { if case .pending = $0.notification { return $0.depositedAt < tenDays } else { return false } }) {
            out.append(.unreadTenDays)
        }
        if notificationFailed { out.append(.notificationFailed) }
        if alerted { out.append(.alerted) }
        if applicant.verifiedPhone == nil && applicant.verifiedEmail == nil { out.append(.noContacts) }
        if let seen = applicant.lastLoginAt ?? applicant.activatedAt, seen < now.addingTimeInterval(-15 * 86_400) {
            out.append(.absent)
        }
        return out
    }
}

public enum FollowedPeople {
    /// The dashboard's orders; the raw values are the `tri` query values.
    public enum Sort: String, CaseIterable, Sendable {
        case name = "nom"
        case registration = "enregistrement"
        case login = "connexion"
        case flags = "signaux"

        /// SQL order for the sorts that need no document (ties by name, then id: pages never
        /// overlap nor skip anyone).
        var orderBy: String? {
            switch self {
            case .name: "surname, given_names, id"
            case .registration: "registered_at DESC NULLS LAST, surname, given_names, id"
            case .login: "last_login_at ASC NULLS FIRST, surname, given_names, id"
            case .flags: nil
            }
        }
    }

    /// One page of a structure's dashboard: `people` from `offset`, out of `total`.
    public struct Page: Sendable {
        public let people: [FollowedPerson]
        public let total: Int
        public let page: Int
        public let perPage: Int
        public var pageCount: Int { max(1, (total + perPage - 1) / perPage) }
        public var offset: Int { (page - 1) * perPage }
    }

    /// The people the structure follows today, as a subquery on `follow_links` ($1 = structure).
    static let followedToday = """
        SELECT applicant_id FROM follow_links WHERE structure_id = $1
          AND started_on <= (now() AT TIME ZONE 'Europe/Paris')::date
          AND (ended_on IS NULL OR ended_on >= (now() AT TIME ZONE 'Europe/Paris')::date)
        """

    /// Page `page` (1-based, clamped to the last page) of the people `structure` follows today.
    /// Without a flag filter and for an order of the person's own columns, only that page is
    /// read (a count, then LIMIT/OFFSET) with its documents; flags depend on the documents'
    /// notification state (Domain), so a filter or the flag order reads everyone, then slices.
    public static func page(
        structure: Int64, filter: FollowedPerson.Flag?, sort: Sort, page requested: Int,
        perPage: Int, now: Date, db: PGConnection
    ) throws -> Page {
        if filter == nil, let orderBy = sort.orderBy {
            let total: Int64 =
                try db.query(
                    "SELECT count(*) AS n FROM applicants WHERE id IN (\(followedToday))",
                    [structure]
                ).rows.first?.get("n") ?? 0
            let page = min(max(requested, 1), max(1, (Int(total) + perPage - 1) / perPage))
            let people = try db.query(
                """
                SELECT \(Applicants.columns) FROM applicants WHERE id IN (\(followedToday))
                ORDER BY \(orderBy) LIMIT $2 OFFSET $3
                """, [structure, Int64(perPage), Int64((page - 1) * perPage)]
            ).rows.map(Applicants.decode)
            return Page(people: try withDocuments(people, now: now, db: db), total: Int(total), page: page, perPage: perPage)
        }
        // Everyone in name order, then the Domain's flags; ties keep the name order.
        var people = try list(structure: structure, now: now, db: db).enumerated().map { ($0.offset, $0.element) }
        if let filter { people = people.filter { $0.1.flags(now: now).contains(filter) } }
        func before(_ a: (Int, FollowedPerson), _ b: (Int, FollowedPerson)) -> Bool {
            switch sort {
            case .name: break
            case .registration:
                let x = a.1.applicant.registeredAt ?? .distantPast
                let y = b.1.applicant.registeredAt ?? .distantPast
                if x != y { return x > y }
            case .login:
                let x = a.1.applicant.lastLoginAt ?? .distantPast
                let y = b.1.applicant.lastLoginAt ?? .distantPast
                if x != y { return x < y }
            case .flags:
                let x = a.1.flags(now: now).count
                let y = b.1.flags(now: now).count
                if x != y { return x > y }
            }
            return a.0 < b.0
        }
        people.sort(by: before)
        let page = min(max(requested, 1), max(1, (people.count + perPage - 1) / perPage))
        let slice = people.dropFirst((page - 1) * perPage).prefix(perPage).map(\.1)
        return Page(people: Array(slice), total: people.count, page: page, perPage: perPage)
    }

    /// People `structure` follows today, with their documents' dates, in name order.
    public static func list(structure: Int64, only applicantId: Int64? = nil, now: Date, db: PGConnection) throws -> [FollowedPerson] {
        let people = try db.query(
            """
            SELECT \(Applicants.columns) FROM applicants WHERE id IN (\(followedToday))
              AND ($2::bigint IS NULL OR id = $2::bigint)
            ORDER BY surname, given_names, id
            """, [structure, applicantId]
        ).rows.map(Applicants.decode)
        return try withDocuments(people, now: now, db: db)
    }

    /// The documents' dates and the failed notifications of `people`: two statements for all of them.
    static func withDocuments(_ people: [Applicant], now: Date, db: PGConnection) throws -> [FollowedPerson] {
        guard !people.isEmpty else { return [] }
        let ids = "{" + people.map { String($0.id) }.joined(separator: ",") + "}"
        var documents = [Int64: [FollowedPerson.DocumentDates]]()
        for r in try db.query(
            """
            SELECT applicant_id, kind, deposited_at, first_consulted_at, interview_date, interview_time
            FROM documents WHERE applicant_id = ANY($1::bigint[]) ORDER BY deposited_at DESC
            """, [ids]
        ).rows {
            guard let kind = DocumentKind(rawValue: try r.get("kind")) else { continue }
            let deposited: Date = try r.get("deposited_at")
            var interview: InterviewAppointment?
            if let d = try r.optional("interview_date", as: String.self).flatMap(CivilDate.init(iso:)),
                let t = try r.optional("interview_time", as: String.self).flatMap(TimeOfDay.init(hhmm:))
            {
                // Place and interpreter stay out: only the date is useful to the structure.
                interview = InterviewAppointment(date: d, time: t, place: "", address: "", interpreterLanguage: nil)
            }
            documents[try r.get("applicant_id"), default: []].append(
                .init(
                    category: kind.category, depositedAt: deposited,
                    notification: DocumentNotification.notifiedAt(
                        depositedAt: deposited, firstConsultedAt: try r.optional("first_consulted_at"), now: now),
                    interview: interview))
        }
        let failed = Set(
            try db.query(
                """
                SELECT DISTINCT d.applicant_id FROM documents d JOIN outbox_messages m ON m.subject_ref = 'document:' || d.public_id::text
                WHERE d.applicant_id = ANY($1::bigint[])
                  AND (m.state = 'dead' OR (m.state = 'sent' AND m.delivery_status IN ('permanent_failure', 'technical_failure')))
                """, [ids]
            ).rows.map { try $0.get("applicant_id", as: Int64.self) })
        // Alerted by the escalation about a document nobody has opened yet (and not yet deemed notified).
        let alerted = Set(
            try db.query(
                """
                SELECT DISTINCT d.applicant_id FROM documents d JOIN document_events e ON e.document_id = d.id
                WHERE d.applicant_id = ANY($1::bigint[]) AND e.kind IN ('structure_alerted', 'structure_alerted_again')
                  AND d.first_consulted_at IS NULL AND d.deposited_at > $2::timestamptz - make_interval(days => $3)
                """, [ids, now, DocumentNotification.deemedAfterDays]
            ).rows.map { try $0.get("applicant_id", as: Int64.self) })
        return people.map {
            var person = FollowedPerson(applicant: $0, documents: documents[$0.id] ?? [], notificationFailed: failed.contains($0.id))
            person.alerted = alerted.contains($0.id)
            return person
        }
    }
}
