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

    public enum Flag: String, CaseIterable, Sendable {
        case unreadTenDays = "unread10"
        case notificationFailed = "failed"
        case noContacts = "no_contacts"
        case absent = "absent"
    }

    public func flags(now: Date) -> [Flag] {
        var out = [Flag]()
        let tenDays = now.addingTimeInterval(-10 * 86_400)
        // Unread for more than 10 days and not yet deemed notified: still worth a phone call.
        if documents.contains(where: { if case .pending = $0.notification { return $0.depositedAt < tenDays } else { return false } }) {
            out.append(.unreadTenDays)
        }
        if notificationFailed { out.append(.notificationFailed) }
        if applicant.verifiedPhone == nil && applicant.verifiedEmail == nil { out.append(.noContacts) }
        if let seen = applicant.lastLoginAt ?? applicant.activatedAt, seen < now.addingTimeInterval(-15 * 86_400) {
            out.append(.absent)
        }
        return out
    }
}

public enum FollowedPeople {
    /// People `structure` follows today, with their documents' dates.
    public static func list(structure: Int64, only applicantId: Int64? = nil, now: Date, db: PGConnection) throws -> [FollowedPerson] {
        let people = try db.query("""
            SELECT \(Applicants.columns) FROM applicants WHERE id IN (
                SELECT applicant_id FROM follow_links WHERE structure_id = $1
                  AND started_on <= (now() AT TIME ZONE 'Europe/Paris')::date
                  AND (ended_on IS NULL OR ended_on >= (now() AT TIME ZONE 'Europe/Paris')::date))
              AND ($2::bigint IS NULL OR id = $2::bigint)
            ORDER BY surname, given_names
            """, [structure, applicantId]).rows.map(Applicants.decode)
        guard !people.isEmpty else { return [] }
        let ids = "{" + people.map { String($0.id) }.joined(separator: ",") + "}"
        var documents = [Int64: [FollowedPerson.DocumentDates]]()
        for r in try db.query("""
            SELECT applicant_id, kind, deposited_at, first_consulted_at, interview_date, interview_time
            FROM documents WHERE applicant_id = ANY($1::bigint[]) ORDER BY deposited_at DESC
            """, [ids]).rows {
            guard let kind = DocumentKind(rawValue: try r.get("kind")) else { continue }
            let deposited: Date = try r.get("deposited_at")
            var interview: InterviewAppointment?
            if let d = try r.optional("interview_date", as: String.self).flatMap(CivilDate.init(iso:)),
               let t = try r.optional("interview_time", as: String.self).flatMap(TimeOfDay.init(hhmm:)) {
                // Place and interpreter stay out: only the date is useful to the structure.
                interview = InterviewAppointment(date: d, time: t, place: "", address: "", interpreterLanguage: nil)
            }
            documents[try r.get("applicant_id"), default: []].append(.init(
                category: kind.category, depositedAt: deposited,
                notification: DocumentNotification.notifiedAt(depositedAt: deposited, firstConsultedAt: try r.optional("first_consulted_at"), now: now),
                interview: interview))
        }
        let failed = Set(try db.query("""
            SELECT DISTINCT d.applicant_id FROM documents d JOIN outbox_messages m ON m.subject_ref = 'document:' || d.public_id::text
            WHERE d.applicant_id = ANY($1::bigint[]) AND m.state = 'dead'
            """, [ids]).rows.map { try $0.get("applicant_id", as: Int64.self) })
        return people.map { FollowedPerson(applicant: $0, documents: documents[$0.id] ?? [], notificationFailed: failed.contains($0.id)) }
    }
}
