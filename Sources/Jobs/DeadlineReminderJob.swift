import Domain
import Foundation
import Logging
import Outbox
import Postgres

/// Reminds a person whose application was rejected, and the structures that follow them, of
/// the legal-aid and CNDA appeal time limits before they end (`DeadlineReminders`: 7 and 2 days
/// before), in the person's language, on every verified channel: what to do and where to get
/// help, never what the decision says. No appeal reminder once the person said they asked for
/// legal aid in time (the appeal time limit is then suspended). Each reminder is a
/// `document_events` row written with its messages; its key makes it happen once.
public struct DeadlineReminderJob {
    let logger: Logger

    public init(logger: Logger = Logger(label: "deadline-reminders")) {
        self.logger = logger
    }

    static let templates: [Deadline.Kind: (person: String, structure: String)] = [
        .legalAidRequest: ("legal_aid_reminder", "structure_deadline_reminder"),
        .cndaAppeal: ("appeal_reminder", "structure_deadline_reminder"),
    ]

    @discardableResult
    public func run(_ db: PGConnection, now: Date) throws -> Int {
        let today = ParisCalendar.civilDate(of: now)
        let negative = DocumentKind.allCases.filter(\.isNegativeDecision).map(\.rawValue)
        // Rejections notified (opened, or deposited 15 days ago) within the longest time limit.
        let rows = try db.query(
            """
            SELECT d.id, d.public_id, d.kind, d.deposited_at, d.first_consulted_at, d.legal_aid_requested_on,
                   a.id AS applicant_id, a.language, a.overseas,
                   CASE WHEN a.phone_verified_at IS NOT NULL THEN a.phone END AS phone,
                   CASE WHEN a.email_verified_at IS NOT NULL THEN a.email END AS email
            FROM documents d JOIN applicants a ON a.id = d.applicant_id
            WHERE d.kind = ANY($2::text[]) AND d.deposited_at <= $1::timestamptz
              AND d.deposited_at > $1::timestamptz - interval '4 months'
            ORDER BY d.deposited_at
            """, [now, "{" + negative.joined(separator: ",") + "}"]
        ).rows
        var sent = 0
        for row in rows {
            do {
                sent += try remind(row, now: now, today: today, db)
            } catch let error as PGError where error.isConnectionFailure {
                throw error
            } catch {
                logger.error(
                    "deadline reminder failed",
                    metadata: ["document_id": "\((try? row.get("id", as: Int64.self)) ?? -1)", "error": "\(error)"])
            }
        }
        if sent > 0 { logger.info("deadline reminders queued", metadata: ["reminders": "\(sent)"]) }
        return sent
    }

    private func remind(_ row: PGRow, now: Date, today: CivilDate, _ db: PGConnection) throws -> Int {
        guard let kind = DocumentKind(rawValue: try row.get("kind")),
            let notifiedOn = DocumentNotification.notifiedAt(
                depositedAt: try row.get("deposited_at"), firstConsultedAt: try row.optional("first_consulted_at"), now: now
            ).notifiedOn
        else { return 0 }
        let legalAidAsked = try row.optional("legal_aid_requested_on", as: String.self).flatMap(CivilDate.init(iso:))
        let deadlines = Deadlines.for(
            kind: kind, notifiedOn: notifiedOn, overseas: try row.get("overseas"), today: today, legalAidRequestedOn: legalAidAsked)
        // Legal aid asked: nothing more to remind about it (and the appeal is suspended, or running if asked late).
        let due = DeadlineReminders.due(deadlines, today: today).filter { legalAidAsked == nil || $0.kind != .legalAidRequest }
        guard !due.isEmpty else { return 0 }
        let documentId: Int64 = try row.get("id")
        let subject = "document:\(try row.get("public_id", as: String.self))"
        let language = ReminderJob.messageLanguage(try row.get("language"))
        let contacts = try JobRecords.contacts(row)
        var sent = 0
        for reminder in due {
            guard let deadline = deadlines.first(where: { $0.kind == reminder.kind }), let names = Self.templates[reminder.kind] else {
                continue
            }
            let key = "deadline:\(reminder.kind.rawValue):\(reminder.daysBefore)"
            let date = deadline.lastDay.numeric
            sent += try db.transaction { tx -> Int in
                let structures = try StructureContacts.following(try row.get("applicant_id"), on: today, tx)
                let detail: [String: Any] = [
                    "deadline": reminder.kind.rawValue, "days_before": reminder.daysBefore, "last_day": deadline.lastDay.iso,
                    "channels": contacts.map(\.0.rawValue), "structures": structures.map(\.id),
                ]
                guard try JobRecords.recordEvent(document: documentId, kind: "deadline_reminder", key: key, at: now, detail: detail, tx)
                else { return 0 }
                for (channel, recipient) in contacts {
                    _ = try Outbox.enqueue(
                        OutboxMessage(
                            channel: channel, recipient: recipient, template: names.person, language: language, params: ["date": date],
                            dedupKey: "\(subject):\(key):\(channel.rawValue)", subjectRef: subject), in: tx)
                }
                for address in structures.compactMap(\.email) {
                    _ = try Outbox.enqueue(
                        OutboxMessage(
                            channel: .email, recipient: address, template: names.structure, language: "fr", params: ["date": date],
                            dedupKey: "\(subject):\(key):\(address)", subjectRef: subject), in: tx)
                }
                return 1
            }
        }
        return sent
    }
}
