import Domain
import Foundation
import Logging
import Outbox
import Postgres

/// Follows `EscalationSchedule` for every unopened document not yet deemed notified: a failed
/// message is tried once more, the other channel is used, then the accompanying structure is
/// alerted (an e-mail to its functional address; its dashboard shows the flag from the same
/// event). Each step is a `document_events` row written in the transaction of its messages, and
/// its key makes it happen once whatever the number of workers or runs. `now` is the legal clock.
public struct EscalationJob {
    let logger: Logger

    public init(logger: Logger = Logger(label: "escalation")) {
        self.logger = logger
    }

    /// Takes the steps due at `now`; returns how many it took.
    @discardableResult
    public func run(_ db: PGConnection, now: Date) throws -> Int {
        let candidates = try db.query(
            """
            SELECT d.id, d.public_id, d.deposited_at, a.id AS applicant_id, a.language,
                   CASE WHEN a.phone_verified_at IS NOT NULL THEN a.phone END AS phone,
                   CASE WHEN a.email_verified_at IS NOT NULL THEN a.email END AS email
            FROM documents d JOIN applicants a ON a.id = d.applicant_id
            WHERE d.first_consulted_at IS NULL AND a.closed_at IS NULL
              AND d.deposited_at <= $1::timestamptz
              AND d.deposited_at > $1::timestamptz - make_interval(days => $2)
            ORDER BY d.deposited_at
            """, [now, DocumentNotification.deemedAfterDays]
        ).rows
        var taken = 0
        for row in candidates {
            do {
                taken += try escalate(row, now: now, db)
            } catch let error as PGError where error.isConnectionFailure {
                throw error
            } catch {
                // One document's trouble (a bad stored address…) must not stop everyone else's.
                logger.error(
                    "escalation step failed",
                    metadata: ["document_id": "\((try? row.get("id", as: Int64.self)) ?? -1)", "error": "\(error)"])
            }
        }
        if taken > 0 { logger.info("escalation steps taken", metadata: ["steps": "\(taken)"]) }
        return taken
    }

    private func escalate(_ row: PGRow, now: Date, _ db: PGConnection) throws -> Int {
        let documentId: Int64 = try row.get("id")
        let publicId: String = try row.get("public_id")
        let subject = "document:\(publicId)"
        let depositedAt: Date = try row.get("deposited_at")
        let day = Int(now.timeIntervalSince(depositedAt) / 86_400)
        let contacts = try JobRecords.contacts(row)

        let messages = try db.query(
            """
            SELECT channel, state, delivery_status FROM outbox_messages WHERE subject_ref = $1 ORDER BY id
            """, [subject]
        ).rows
        // Each channel judged by its latest message: a retry waiting to leave is not a failure.
        var used = Set<String>()
        var latest = [String: (failed: Bool, temporary: Bool)]()
        for m in messages {
            let channel: String = try m.get("channel")
            let state: String = try m.get("state")
            let status = DeliveryStatus(rawValue: try m.get("delivery_status"))
            used.insert(channel)
            // A temporary failure the queue is still retrying (pending, sending) is not failed yet.
            let failed = state == "dead" || state == "failed" || (state == "sent" && status?.isFailure == true)
            latest[channel] = (failed, failed && status == .temporaryFailure)
        }
        let failed = Set(latest.filter { $0.value.failed }.keys)
        let temporary = Set(latest.filter { $0.value.temporary }.keys)
        let done = Set(
            try db.query("SELECT kind FROM document_events WHERE document_id = $1", [documentId]).rows.compactMap {
                EscalationSchedule.Step(rawValue: try $0.get("kind"))
            })
        let delivery = EscalationSchedule.Delivery(
            failedChannels: failed, temporarilyFailedChannels: temporary, usedChannels: used,
            personChannels: contacts.map(\.0.rawValue))
        let language = ReminderJob.messageLanguage(try row.get("language"))
        var taken = 0
        for step in EscalationSchedule.due(day: day, delivery: delivery, done: done) {
            let applicantId: Int64 = try row.get("applicant_id")
            taken += try db.transaction { tx -> Int in
                switch step {
                case .firstMessage:
                    return 0
                case .retry:
                    let again = contacts.filter { temporary.contains($0.0.rawValue) }
                    guard
                        try JobRecords.recordEvent(
                            document: documentId, kind: step.rawValue, key: step.rawValue, at: now,
                            detail: ["channels": again.map(\.0.rawValue)], tx)
                    else { return 0 }
                    for (channel, recipient) in again {
                        try enqueue(channel, recipient, language, days: day, dedup: "\(subject):retry:\(channel.rawValue)", subject, tx)
                    }
                    return 1
                case .otherChannel:
                    let others = contacts.filter { !used.contains($0.0.rawValue) }
                    guard
                        try JobRecords.recordEvent(
                            document: documentId, kind: step.rawValue, key: step.rawValue, at: now,
                            detail: ["channels": others.map(\.0.rawValue)], tx)
                    else {
                        return 0
                    }
                    for (channel, recipient) in others {
                        try enqueue(channel, recipient, language, days: day, dedup: "\(subject):reminder:\(channel.rawValue)", subject, tx)
                    }
                    return 1
                case .structureAlert, .structureReminder:
                    if delivery.unreachable(done: done) {
                        _ = try JobRecords.recordEvent(document: documentId, kind: "no_channel_left", key: "no_channel_left", at: now, tx)
                    }
                    let structures = try StructureContacts.following(applicantId, on: ParisCalendar.civilDate(of: now), tx)
                    guard !structures.isEmpty else { return 0 }
                    let emailed = structures.compactMap(\.email)
                    let detail: [String: Any] = ["structures": structures.map(\.id), "emailed": emailed.count]
                    guard
                        try JobRecords.recordEvent(
                            document: documentId, kind: step.rawValue, key: step.rawValue, at: now, detail: detail, tx)
                    else { return 0 }
                    let deemed = DocumentNotification.deemedNotificationInstant(depositedAt: depositedAt)
                    for address in emailed {
                        _ = try Outbox.enqueue(
                            OutboxMessage(
                                channel: .email, recipient: address, template: "structure_document_alert", language: "fr",
                                params: ["date": ParisCalendar.civilDate(of: deemed).numeric],
                                dedupKey: "\(subject):\(step.rawValue):\(address)", subjectRef: subject), in: tx)
                    }
                    return 1
                }
            }
        }
        return taken
    }

    private func enqueue(
        _ channel: Channel, _ recipient: String, _ language: String, days: Int, dedup: String, _ subject: String, _ tx: PGConnection
    ) throws {
        _ = try Outbox.enqueue(
            OutboxMessage(
                channel: channel, recipient: recipient, template: "document_reminder", language: language,
                params: ["days": String(max(1, days))], dedupKey: dedup, subjectRef: subject), in: tx)
    }
}

/// The structures that follow a person on a day (SPADA/CADA/HUDA), with their functional address.
enum StructureContacts {
    struct Structure {
        let id: Int64
        let email: String?
    }

    static func following(_ applicantId: Int64, on day: CivilDate, _ db: PGConnection) throws -> [Structure] {
        try db.query(
            """
            SELECT DISTINCT s.id, s.email FROM follow_links f JOIN structures s ON s.id = f.structure_id
            WHERE f.applicant_id = $1 AND f.started_on <= $2::date AND (f.ended_on IS NULL OR f.ended_on >= $2::date)
              AND s.kind IN ('spada', 'cada', 'huda')
            ORDER BY s.id
            """, [applicantId, day.iso]
        ).rows.map {
            Structure(id: try $0.get("id"), email: ReminderJob.usable(try $0.optional("email", as: String.self), .email))
        }
    }
}
