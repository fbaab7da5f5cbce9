import Foundation
import Postgres

/// The application's side of the outbox: queue a message inside the caller's transaction,
/// and the read/retry API for the staff pages. Delivery is `OutboxWorker`'s job.
public enum Outbox {
    public enum EnqueueResult: Sendable, Equatable {
        case queued(id: Int64)
        /// An alive message with the same dedup key exists (its id): nothing was added.
        case alreadyQueued(id: Int64)
    }

    /// Queues `message` in `tx`'s open transaction, so the message exists if and only if the
    /// caller's event commits. Also issues NOTIFY outbox, which PostgreSQL delivers at commit.
    @discardableResult
    public static func enqueue(_ message: OutboxMessage, in tx: PGConnection) throws -> EnqueueResult {
        try MessageValidation.check(message)
        // SAVEPOINT only works inside a transaction block: a cheap proof that there is one.
        do {
            try tx.execute("SAVEPOINT outbox_enqueue")
        } catch let error as PGError where error.sqlState == "25P01" {
            throw OutboxError.notInTransaction
        }
        do {
            let inserted = try tx.prepared(
                "outbox_enqueue",
                """
                WITH inserted AS (
                    INSERT INTO outbox_messages (channel, recipient, template, language, params, dedup_key, subject_ref)
                    VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)
                    ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL AND state IN ('pending', 'sending', 'sent')
                    DO NOTHING
                    RETURNING id)
                SELECT id, pg_notify('outbox', '') FROM inserted
                """,
                [
                    message.channel.rawValue, message.recipient, message.template, message.language,
                    ParamsJSON.encode(message.params), message.dedupKey, message.subjectRef,
                ])
            let result: EnqueueResult
            if let row = inserted.first {
                result = .queued(id: try row.get("id", as: Int64.self))
            } else {
                let existing = try tx.query(
                    """
                    SELECT id FROM outbox_messages
                    WHERE dedup_key = $1 AND state IN ('pending', 'sending', 'sent')
                    """, [message.dedupKey])
                guard let row = existing.first else {
                    throw OutboxError.invalidMessage("dedup conflict without a visible alive message")
                }
                result = .alreadyQueued(id: try row.get("id", as: Int64.self))
            }
            try tx.execute("RELEASE SAVEPOINT outbox_enqueue")
            return result
        } catch {
            _ = try? tx.execute("ROLLBACK TO SAVEPOINT outbox_enqueue; RELEASE SAVEPOINT outbox_enqueue")
            throw error
        }
    }

    // MARK: staff pages

    public struct Counts: Sendable {
        public let byState: [MessageState: Int]
        /// The oldest pending message that is due: if it is minutes old, no worker is running.
        public let oldestDueAt: Date?

        public subscript(state: MessageState) -> Int { byState[state] ?? 0 }
    }

    public static func counts(_ db: PGConnection) throws -> Counts {
        let rows = try db.query("SELECT state, count(*) AS n FROM outbox_messages GROUP BY state").rows
        var byState = [MessageState: Int]()
        for row in rows {
            if let state = MessageState(rawValue: try row.get("state")) {
                byState[state] = try row.get("n", as: Int.self)
            }
        }
        let due = try db.query(
            """
            SELECT min(next_attempt_at) AS oldest FROM outbox_messages
            WHERE state = 'pending' AND next_attempt_at <= now()
            """)
        return Counts(byState: byState, oldestDueAt: try due.first?.optional("oldest", as: Date.self))
    }

    /// Dead and failed messages, most recent first, with their last error.
    public static func undelivered(_ db: PGConnection, limit: Int = 100) throws -> [OutboxRecord] {
        try db.query(
            """
            SELECT \(OutboxRecord.columns) FROM outbox_messages
            WHERE state IN ('failed', 'dead') ORDER BY updated_at DESC, id DESC LIMIT $1
            """, [limit]
        ).rows.map(OutboxRecord.init(row:))
    }

    public static func messages(recipient: String, _ db: PGConnection, limit: Int = 100) throws -> [OutboxRecord] {
        try db.query(
            """
            SELECT \(OutboxRecord.columns) FROM outbox_messages
            WHERE recipient = $1 ORDER BY created_at DESC, id DESC LIMIT $2
            """, [recipient, limit]
        ).rows.map(OutboxRecord.init(row:))
    }

    public static func messages(subjectRef: String, _ db: PGConnection, limit: Int = 100) throws -> [OutboxRecord] {
        try db.query(
            """
            SELECT \(OutboxRecord.columns) FROM outbox_messages
            WHERE subject_ref = $1 ORDER BY created_at DESC, id DESC LIMIT $2
            """, [subjectRef, limit]
        ).rows.map(OutboxRecord.init(row:))
    }

    /// `messages(subjectRef:)` for several subjects in one statement (a page listing many
    /// documents), keyed by subject; the same order and the same limit per subject.
    public static func messages(subjectRefs: [String], _ db: PGConnection, limit: Int = 100) throws -> [String: [OutboxRecord]] {
        guard !subjectRefs.isEmpty else { return [:] }
        var out = [String: [OutboxRecord]]()
        for row in try db.query(
            """
            SELECT \(OutboxRecord.columns) FROM (
                SELECT *, row_number() OVER (PARTITION BY subject_ref ORDER BY created_at DESC, id DESC) AS rank
                FROM outbox_messages WHERE subject_ref = ANY($1::text[])) m
            WHERE rank <= $2 ORDER BY created_at DESC, id DESC
            """, [textArray(subjectRefs), limit]
        ).rows {
            let record = try OutboxRecord(row: row)
            out[record.subjectRef ?? "", default: []].append(record)
        }
        return out
    }

    /// A PostgreSQL text[] literal, every element quoted (a parameter's value, not SQL).
    static func textArray(_ values: [String]) -> String {
        "{"
            + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }

    public static func message(id: Int64, _ db: PGConnection) throws -> OutboxRecord? {
        try db.query("SELECT \(OutboxRecord.columns) FROM outbox_messages WHERE id = $1", [id])
            .first.map(OutboxRecord.init(row:))
    }

    public enum RetryResult: Sendable, Equatable {
        case requeued
        /// Only dead or failed messages can be retried.
        case notRetryable(MessageState)
        case notFound
        /// Another alive message with the same dedup key was queued since: retrying would send twice.
        case superseded(byID: Int64)
    }

    /// Dead or failed → pending now, attempts reset to 0: a new message for the person (created).
    public static func retry(id: Int64, _ db: PGConnection) throws -> RetryResult {
        try db.transaction { tx in
            guard
                let row = try tx.query(
                    "SELECT state, dedup_key FROM outbox_messages WHERE id = $1 FOR UPDATE", [id]
                ).first
            else { return .notFound }
            let state = MessageState(rawValue: try row.get("state")) ?? .pending
            guard state == .dead || state == .failed else { return .notRetryable(state) }
            if let key = try row.optional("dedup_key", as: String.self),
                let other = try tx.query(
                    """
                    SELECT id FROM outbox_messages
                    WHERE dedup_key = $1 AND state IN ('pending', 'sending', 'sent') AND id <> $2
                    """, [key, id]
                ).first
            {
                return .superseded(byID: try other.get("id", as: Int64.self))
            }
            try tx.query(
                """
                UPDATE outbox_messages
                SET state = 'pending', attempts = 0, next_attempt_at = now(), updated_at = now(),
                    delivery_status = 'created', delivery_status_at = now(), delivery_from_receipt = false
                WHERE id = $1
                """, [id])
            try tx.query("SELECT pg_notify('outbox', '')")
            return .requeued
        }
    }
}
