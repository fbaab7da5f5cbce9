import Domain
import Foundation
import I18n
import Logging
import Outbox
import Postgres

/// Reminders that keep a missed SMS from costing someone their appeal:
/// - an unopened document follows `EscalationSchedule` (`EscalationJob`): retry, other channel,
///   the accompanying structure, all before it is deemed notified;
/// - a rejection's legal-aid and appeal time limits are recalled before they end (`DeadlineReminderJob`);
/// - a person who has not logged in for 15 days is reminded to.
/// Each reminder has a deduplication key and is sent once per document or absence, even if it
/// later fails: the job never loops on a dead address. `now` is the legal clock (injected in tests).
public struct ReminderJob {
    public static let absentAfterDays = 15
    let logger: Logger

    public init(logger: Logger = Logger(label: "reminders")) {
        self.logger = logger
    }

    /// Queues what is due at `now`; returns how many messages it queued.
    @discardableResult
    public func run(_ db: PGConnection, now: Date) throws -> Int {
        let queued =
            try EscalationJob(logger: logger).run(db, now: now) + DeadlineReminderJob(logger: logger).run(db, now: now)
            + absentApplicants(db, now: now)
        if queued > 0 { logger.info("queued \(queued) reminders") }
        return queued
    }

    func absentApplicants(_ db: PGConnection, now: Date) throws -> Int {
        let rows = try db.query(
            """
            SELECT id, language, COALESCE(last_login_at, activated_at) AS seen,
                   CASE WHEN phone_verified_at IS NOT NULL THEN phone END AS phone,
                   CASE WHEN email_verified_at IS NOT NULL THEN email END AS email
            FROM applicants
            WHERE activated_at IS NOT NULL AND closed_at IS NULL
              AND COALESCE(last_login_at, activated_at) <= $1::timestamptz - make_interval(days => $2)
            """, [now, Self.absentAfterDays]
        ).rows
        var queued = 0
        for row in rows {
            let id: Int64 = try row.get("id")
            let seen: Date = try row.get("seen")
            // One reminder per absence: the key changes when the person logs in again.
            let absence = "applicant:\(id):absent-since:\(Int(seen.timeIntervalSince1970))"
            for (channel, recipient) in try JobRecords.contacts(row) {
                queued += try enqueueOnce(
                    OutboxMessage(
                        channel: channel, recipient: recipient, template: "login_reminder",
                        language: Self.messageLanguage(try row.get("language")),
                        params: ["days": String(Int(now.timeIntervalSince(seen) / 86_400))],
                        dedupKey: "\(absence):\(channel.rawValue)", subjectRef: "applicant:\(id)"), db)
            }
        }
        return queued
    }

    /// Queues unless a message with the same key ever existed (alive or not).
    private func enqueueOnce(_ message: OutboxMessage, _ db: PGConnection) throws -> Int {
        try db.transaction { tx in
            guard try tx.query("SELECT 1 FROM outbox_messages WHERE dedup_key = $1", [message.dedupKey]).first == nil else { return 0 }
            if case .queued = try Outbox.enqueue(message, in: tx) { return 1 }
            return 0
        }
    }

    /// An address stored before the e-mail rule may break it: the outbox would refuse it (and
    /// the whole run with it), so it is skipped like a missing one (OFPRA's page shows it).
    static func usable(_ recipient: String?, _ channel: Channel) -> String? {
        guard let recipient, channel == .sms || EmailAddress.isWellFormed(recipient) else { return nil }
        return recipient
    }

    /// The registry's code (the worker falls back to French for a message a language lacks).
    static func messageLanguage(_ code: String) -> String { Language.orFrench(code).code }
}
