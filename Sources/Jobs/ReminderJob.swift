import Domain
import Foundation
import I18n
import Logging
import Outbox
import Postgres

/// Reminders that keep a missed SMS from costing someone their appeal:
/// - a document still unopened after 3 days (or at once if its first message could not be
///   delivered) is announced again on the other verified channel, if there is one;
/// - a person who has not logged in for 15 days is reminded to.
/// (Unread after 10 days is a flag for the accompanying structure, computed where it is shown.)
/// Each reminder has a deduplication key and is sent once per document or absence, even if it
/// later fails: the job never loops on a dead address. `now` is injected for tests.
public struct ReminderJob {
    public static let unreadAfterDays = 3
    public static let absentAfterDays = 15
    let logger: Logger

    public init(logger: Logger = Logger(label: "reminders")) {
        self.logger = logger
    }

    /// Queues what is due at `now`; returns how many messages it queued.
    @discardableResult
    public func run(_ db: PGConnection, now: Date) throws -> Int {
        let queued = try unreadDocuments(db, now: now) + absentApplicants(db, now: now)
        if queued > 0 { logger.info("queued \(queued) reminders") }
        return queued
    }

    func unreadDocuments(_ db: PGConnection, now: Date) throws -> Int {
        // Candidates: unopened, not yet deemed notified, space open, and either 3 days old or
        // with a first message that went dead.
        let rows = try db.query(
            """
            SELECT d.public_id, d.deposited_at, a.id AS applicant_id, a.language,
                   CASE WHEN a.phone_verified_at IS NOT NULL THEN a.phone END AS phone,
                   CASE WHEN a.email_verified_at IS NOT NULL THEN a.email END AS email
            FROM documents d JOIN applicants a ON a.id = d.applicant_id
            WHERE d.first_consulted_at IS NULL AND a.closed_at IS NULL
              AND d.deposited_at > $1::timestamptz - interval '15 days'
              AND (d.deposited_at <= $1::timestamptz - make_interval(days => $2)
                   OR EXISTS (SELECT 1 FROM outbox_messages m
                              WHERE m.subject_ref = 'document:' || d.public_id::text AND m.state = 'dead'))
            """, [now, Self.unreadAfterDays]
        ).rows
        var queued = 0
        for row in rows {
            let publicId: String = try row.get("public_id")
            let subject = "document:\(publicId)"
            // Channels already used for this document, whatever came of it: the reminder goes
            // to the other one (a dead number is not tried again).
            let carried = Set(
                try db.query(
                    "SELECT DISTINCT channel FROM outbox_messages WHERE subject_ref = $1",
                    [subject]
                ).rows.map { try $0.get("channel", as: String.self) })
            let depositedAt: Date = try row.get("deposited_at")
            let days = max(1, Int(now.timeIntervalSince(depositedAt) / 86_400))
            for (channel, recipient) in [
                (Channel.sms, try row.optional("phone", as: String.self)),
                (Channel.email, try row.optional("email", as: String.self)),
            ] {
                guard let recipient = Self.usable(recipient, channel), !carried.contains(channel.rawValue) else { continue }
                queued += try enqueueOnce(
                    OutboxMessage(
                        channel: channel, recipient: recipient, template: "document_reminder",
                        language: Self.messageLanguage(try row.get("language")), params: ["days": String(days)],
                        dedupKey: "\(subject):reminder:\(channel.rawValue)", subjectRef: subject), db)
            }
        }
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
            for (channel, recipient) in [
                (Channel.sms, try row.optional("phone", as: String.self)),
                (Channel.email, try row.optional("email", as: String.self)),
            ] {
                guard let recipient = Self.usable(recipient, channel) else { continue }
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
