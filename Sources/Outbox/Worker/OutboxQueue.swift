import Domain
import Foundation
import Postgres

/// A message a worker has claimed (state sending, locked by it).
public struct ClaimedMessage: Sendable, Equatable {
    public let id: Int64
    public let channel: Channel
    public let recipient: String
    public let template: String
    public let language: String
    public let params: [String: String]
    /// Including this one.
    public let attempts: Int
    /// When it was queued: fixed for the row, so a re-send files it under the same spool name.
    public var queuedAt: Date = Date(timeIntervalSince1970: 0)
}

/// The worker's statements on the outbox table. Every change to a claimed message checks that
/// this worker still holds it (locked_by = me AND state = sending): a worker whose lease was
/// rescued while it was slow cannot overwrite what another worker did since.
/// Times come from the worker's clock, so tests can move them.
public struct OutboxQueue {
    public let db: PGConnection
    public let workerID: String

    public init(db: PGConnection, workerID: String) {
        self.db = db
        self.workerID = workerID
    }

    /// Claims up to `limit` due messages in one statement. SKIP LOCKED lets workers claiming at
    /// the same moment take disjoint sets instead of waiting for each other.
    public func claim(limit: Int, now: Date, channels: [Channel] = Channel.allCases) throws -> [ClaimedMessage] {
        let rows = try db.prepared(
            "outbox_claim",
            """
            UPDATE outbox_messages m
            SET state = 'sending', locked_by = $1, locked_at = $2, attempts = m.attempts + 1, updated_at = $2,
                \(Self.settled("'sending'", at: "$2"))
            WHERE m.id IN (
                SELECT id FROM outbox_messages
                WHERE state = 'pending' AND next_attempt_at <= $2 AND channel = ANY($4::text[])
                ORDER BY next_attempt_at, id
                LIMIT $3
                FOR UPDATE SKIP LOCKED)
            RETURNING m.id, m.channel, m.recipient, m.template, m.language, m.params::text AS params, m.attempts,
                      m.created_at
            """, [workerID, now, limit, Self.array(channels.map(\.rawValue))]
        ).rows
        return try Self.messages(rows)
    }

    static func array(_ items: [String]) -> String { "{" + items.joined(separator: ",") + "}" }

    static func messages(_ rows: [PGRow]) throws -> [ClaimedMessage] {
        try rows.map { row in
            guard let channel = Channel(rawValue: try row.get("channel")) else {
                throw PGError(.decoding, "unknown channel")
            }
            return ClaimedMessage(
                id: try row.get("id"),
                channel: channel,
                recipient: try row.get("recipient"),
                template: try row.get("template"),
                language: try row.get("language"),
                params: ParamsJSON.decode(try row.get("params")),
                attempts: try row.get("attempts"),
                queuedAt: try row.get("created_at"))
        }.sorted { $0.id < $1.id }
    }

    // MARK: locked batches (transports that deduplicate by key: the spool)

    /// Locks up to `limit` due messages of `channels` in the open transaction (the caller's,
    /// held while they are delivered), without changing them; nil when none is due. `attempts` is
    /// the attempt this one will be. The caller registers the claim (`register`) on another
    /// connection before the first delivery, then records the outcomes with `recordBatch`.
    public func lockBatch(limit: Int, channels: [Channel], now: Date) throws -> LockedBatch? {
        let rows = try db.prepared(
            "outbox_lock_batch",
            """
            SELECT id, channel, recipient, template, language, params::text AS params, attempts + 1 AS attempts,
                   created_at, pg_backend_pid() AS pid
            FROM outbox_messages
            WHERE state = 'pending' AND next_attempt_at <= $1 AND channel = ANY($2::text[])
            ORDER BY next_attempt_at, id
            LIMIT $3
            FOR UPDATE SKIP LOCKED
            """, [now, Self.array(channels.map(\.rawValue)), limit]
        ).rows
        guard let first = rows.first else { return nil }
        return LockedBatch(messages: try Self.messages(rows), holder: try first.get("pid"))
    }

    public struct LockedBatch: Sendable {
        public let messages: [ClaimedMessage]
        /// The pid of the backend whose transaction holds the locks.
        public let holder: Int
    }

    /// Commits the claim row of a batch locked by `holder` (run on a connection of its own: the
    /// row must outlive the batch's transaction if the worker dies). Returns its id.
    /// The backend's start is read here, exactly as PostgreSQL has it (it is compared with
    /// pg_stat_activity to tell the backend is still the same); no row if it is already gone.
    public func register(_ batch: [ClaimedMessage], heldBy holder: Int, now: Date) throws -> Int64 {
        guard
            let row = try db.prepared(
                "outbox_register_claim",
                """
                INSERT INTO outbox_claims (worker_id, message_ids, backend_pid, backend_start, claimed_at, heartbeat_at)
                SELECT $1, $2::bigint[], pid, backend_start, $4, $4 FROM pg_stat_activity WHERE pid = $3
                RETURNING id
                """, [workerID, Self.array(batch.map { String($0.id) }), holder, now]
            ).first
        else { throw PGError(.decoding, "the backend holding the batch is gone") }
        return try row.get("id", as: Int64.self)
    }

    /// Hands a claim whose batch was rolled back to the rescue (which counts the attempt): its
    /// backend, alive, would otherwise keep it.
    public func abandon(_ claim: Int64) throws {
        try db.query("UPDATE outbox_claims SET backend_pid = 0 WHERE id = $1", [claim])
    }

    /// Records the outcomes of a locked batch with one UPDATE (which counts the attempt) and
    /// drops its claim row, in the batch's transaction (the caller commits). Messages without an
    /// outcome (not attempted: shutdown) are just unlocked by the commit, uncounted. Nothing is
    /// written if the claim row is gone (the rescue took the batch back from a hung worker whose
    /// connection then came back without its transaction). Returns the ids recorded.
    public func recordBatch(_ outcomes: [Outcome], claim: Int64) throws -> Set<Int64> {
        guard !outcomes.isEmpty else {
            try db.query("DELETE FROM outbox_claims WHERE id = $1", [claim])
            return []
        }
        return Set(
            try db.prepared(
                "outbox_record_batch",
                """
                WITH claim AS (DELETE FROM outbox_claims WHERE id = $3 RETURNING id)
                UPDATE outbox_messages m
                SET state = o.state, attempts = m.attempts + 1,
                    sent_at = CASE WHEN o.state = 'sent' THEN (timestamptz 'epoch' + o.at * interval '1 microsecond') END,
                    provider_ref = coalesce(o.provider_ref, m.provider_ref),
                    last_error = coalesce(o.error, m.last_error),
                    next_attempt_at = coalesce((timestamptz 'epoch' + o.retry_at * interval '1 microsecond'), m.next_attempt_at),
                    params = CASE WHEN o.state = 'sent' THEN m.params - $2::text[] ELSE m.params END,
                    updated_at = (timestamptz 'epoch' + o.at * interval '1 microsecond'),
                    \(Self.settled("o.delivery", at: "(timestamptz 'epoch' + o.at * interval '1 microsecond')"))
                FROM jsonb_to_recordset($1::jsonb)
                    AS o(id bigint, state text, provider_ref text, error text, retry_at bigint, at bigint, delivery text)
                WHERE m.id = o.id AND m.state = 'pending' AND EXISTS (SELECT 1 FROM claim)
                RETURNING m.id
                """, [Self.json(outcomes), Self.array(MessageCatalog.secretParams), claim]
            )
            .rows.map { try $0.get("id", as: Int64.self) })
    }

    /// Claims of batches whose worker is gone (its backend ended: the transaction and its locks
    /// with it) or hung (heartbeat older than `lease`: its backend is terminated, which releases
    /// the locks). Each of their messages still pending counts the attempt it was, and goes dead
    /// when that was the last. Returns those messages.
    @discardableResult
    public func rescueAbandonedClaims(lease: TimeInterval, maxAttempts: Int, now: Date) throws -> [Int64] {
        try db.transaction { tx in
            let claims = try tx.prepared(
                "outbox_abandoned_claims",
                """
                SELECT c.id, c.backend_pid,
                       EXISTS (SELECT 1 FROM pg_stat_activity a
                               WHERE a.pid = c.backend_pid AND a.backend_start = c.backend_start) AS alive
                FROM outbox_claims c
                WHERE c.heartbeat_at < $1
                   OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a
                                  WHERE a.pid = c.backend_pid AND a.backend_start = c.backend_start)
                FOR UPDATE SKIP LOCKED
                """, [now.addingTimeInterval(-lease)]
            ).rows
            guard !claims.isEmpty else { return [] }
            for claim in claims where try claim.get("alive", as: Bool.self) {
                // Hung: end its transaction (waits up to 5 s for the backend to go).
                try tx.query("SELECT pg_terminate_backend($1, 5000)", [try claim.get("backend_pid", as: Int.self)])
            }
            let ids = try claims.map { String(try $0.get("id", as: Int64.self)) }
            return try tx.prepared(
                "outbox_count_abandoned",
                """
                WITH gone AS (
                    DELETE FROM outbox_claims WHERE id = ANY($1::bigint[])
                    RETURNING worker_id, claimed_at, message_ids),
                held AS (SELECT unnest(message_ids) AS id, worker_id, claimed_at FROM gone)
                UPDATE outbox_messages m
                SET attempts = m.attempts + 1,
                    state = CASE WHEN m.attempts + 1 >= $2 THEN 'dead' ELSE 'pending' END,
                    last_error = 'worker ' || held.worker_id || ' claimed it at ' || held.claimed_at::text
                                 || ' and never reported back',
                    updated_at = $3,
                    \(Self.settled(
                        "CASE WHEN m.attempts + 1 >= $2 THEN 'technical_failure' ELSE m.delivery_status END",
                        at: "CASE WHEN m.attempts + 1 >= $2 THEN $3 ELSE m.delivery_status_at END"))
                FROM held
                WHERE m.id = held.id AND m.state = 'pending'
                RETURNING m.id
                """, [Self.array(ids), maxAttempts, now]
            ).rows.map { try $0.get("id", as: Int64.self) }
        }
    }

    static func json(_ outcomes: [Outcome]) -> String {
        JSONText.array(
            outcomes.map { o in
                JSONText.object([
                    ("id", String(o.id)), ("state", JSONText.string(o.state.rawValue)),
                    ("at", JSONText.epoch(o.at)),
                    ("provider_ref", o.providerRef.map(JSONText.string) ?? "null"),
                    ("error", o.error.map(JSONText.string) ?? "null"),
                    ("retry_at", o.retryAt.map(JSONText.epoch) ?? "null"),
                    ("delivery", JSONText.string(o.delivery.rawValue)),
                ])
            })
    }

    /// What became of a claimed message.
    public struct Outcome: Sendable, Equatable {
        public let id: Int64
        /// sent, pending (retry at `retryAt`), dead or failed.
        public let state: MessageState
        public var providerRef: String?
        public var error: String?
        public var retryAt: Date?
        public let at: Date
        /// What the person got: the row's delivery_status (as `settled` says).
        public var delivery: DeliveryStatus

        /// Accepted by the transport: `delivered`, or `sending` until the provider's receipt.
        public static func sent(_ id: Int64, providerRef: String?, at: Date, delivery: DeliveryStatus = .delivered) -> Outcome {
            Outcome(id: id, state: .sent, providerRef: providerRef, at: at, delivery: delivery)
        }
        public static func retry(_ id: Int64, error: String, at retryAt: Date, now: Date) -> Outcome {
            Outcome(id: id, state: .pending, error: error, retryAt: retryAt, at: now, delivery: .temporaryFailure)
        }
        /// `dead` (refused for good: a permanent failure; no attempts left: pass
        /// `.temporaryFailure`) or `failed` (undeliverable as written: a technical failure).
        public static func givenUp(
            _ id: Int64, _ state: MessageState, error: String, at: Date, delivery: DeliveryStatus? = nil
        ) -> Outcome {
            precondition(state == .dead || state == .failed)
            return Outcome(
                id: id, state: state, error: error, at: at,
                delivery: delivery ?? (state == .failed ? .technicalFailure : .permanentFailure))
        }
    }

    /// The SET clauses of the delivery status for a status the worker decided (`incoming`, an
    /// SQL expression, at `at`). The worker's own outcomes follow one another (sending, a retry,
    /// sending again), so they replace the status, except that they never undo what a
    /// provider's receipt said (DeliveryStatus.settle, whose rank is the migration's
    /// delivery_rank): a receipt can come before the worker records that the message left, or
    /// before a killed worker's message is sent again.
    static func settled(_ incoming: String, at: String) -> String {
        let keep = "(m.delivery_from_receipt AND delivery_rank(m.delivery_status) >= delivery_rank(\(incoming)))"
        return """
            delivery_status = CASE WHEN \(keep) THEN m.delivery_status ELSE \(incoming) END,
            delivery_status_at = CASE WHEN \(keep) THEN m.delivery_status_at ELSE \(at) END,
            delivery_from_receipt = \(keep)
            """
    }

    /// Records outcomes in one statement (one round trip for many deliveries). Each row changes
    /// only if this worker still holds it; returns the ids recorded, so the others are known
    /// to have been taken back meanwhile. Secret params (connection keys, codes) leave the row
    /// once they reached the person.
    @discardableResult
    public func record(_ outcomes: [Outcome]) throws -> Set<Int64> {
        guard !outcomes.isEmpty else { return [] }
        let recorded = try db.prepared(
            "outbox_record",
            """
            UPDATE outbox_messages m
            SET state = o.state,
                sent_at = CASE WHEN o.state = 'sent' THEN (timestamptz 'epoch' + o.at * interval '1 microsecond') END,
                provider_ref = coalesce(o.provider_ref, m.provider_ref),
                last_error = coalesce(o.error, m.last_error),
                next_attempt_at = coalesce((timestamptz 'epoch' + o.retry_at * interval '1 microsecond'), m.next_attempt_at),
                params = CASE WHEN o.state = 'sent' THEN m.params - $3::text[] ELSE m.params END,
                locked_by = NULL, locked_at = NULL, updated_at = (timestamptz 'epoch' + o.at * interval '1 microsecond'),
                \(Self.settled("o.delivery", at: "(timestamptz 'epoch' + o.at * interval '1 microsecond')"))
            FROM jsonb_to_recordset($2::jsonb)
                AS o(id bigint, state text, provider_ref text, error text, retry_at bigint, at bigint, delivery text)
            WHERE m.id = o.id AND m.locked_by = $1 AND m.state = 'sending'
            RETURNING m.id
            """, [workerID, Self.json(outcomes), Self.array(MessageCatalog.secretParams)])
        return Set(try recorded.rows.map { try $0.get("id", as: Int64.self) })
    }

    /// One outcome; false if the message was taken back from this worker meanwhile.
    @discardableResult
    public func markSent(id: Int64, providerRef: String?, now: Date) throws -> Bool {
        try record([.sent(id, providerRef: providerRef, at: now)]).contains(id)
    }

    /// Hands back claimed messages that were not attempted (shutdown): pending again, due at
    /// once, and the claim does not count as an attempt. Wakes the other workers.
    @discardableResult
    public func release(ids: [Int64], now: Date) throws -> Int {
        guard !ids.isEmpty else { return 0 }
        let released = try db.query(
            """
            UPDATE outbox_messages
            SET state = 'pending', attempts = greatest(attempts - 1, 0), locked_by = NULL, locked_at = NULL,
                updated_at = $3
            WHERE id = ANY($1::bigint[]) AND locked_by = $2 AND state = 'sending'
            """, ["{" + ids.map(String.init).joined(separator: ",") + "}", workerID, now]
        ).affectedRows
        try db.query("SELECT pg_notify('outbox', '')")
        return released
    }

    /// Extends the lease of every message this worker holds (the heartbeat: a live worker
    /// keeps its claims however long its batch takes). Returns how many it holds.
    @discardableResult
    public func heartbeat(now: Date) throws -> Int {
        try db.prepared(
            "outbox_heartbeat_claims",
            """
            UPDATE outbox_claims SET heartbeat_at = $2 WHERE worker_id = $1 AND heartbeat_at < $2
            """, [workerID, now]
        ).affectedRows
            + db.prepared(
                "outbox_heartbeat",
                """
                UPDATE outbox_messages SET locked_at = $2
                WHERE state = 'sending' AND locked_by = $1 AND locked_at < $2
                """, [workerID, now]
            ).affectedRows
    }

    /// Messages held longer than `lease` belong to a worker that died (or hangs): back to
    /// pending, or dead when they used up their attempts (a message that kills every worker
    /// that touches it must not loop forever). Any worker may run this. They keep their due
    /// time, so they go to the front of the queue: a dead worker delays them by one lease only.
    @discardableResult
    public func rescueExpiredLeases(lease: TimeInterval, maxAttempts: Int, now: Date) throws -> [Int64] {
        try db.prepared(
            "outbox_rescue",
            """
            WITH expired AS (
                SELECT id FROM outbox_messages
                WHERE state = 'sending' AND locked_at < $1
                FOR UPDATE SKIP LOCKED)
            UPDATE outbox_messages m
            SET state = CASE WHEN m.attempts >= $2 THEN 'dead' ELSE 'pending' END,
                last_error = 'lease expired: ' || m.locked_by || ' claimed it at ' || m.locked_at::text
                             || ' and never reported back',
                locked_by = NULL, locked_at = NULL, updated_at = $3,
                \(Self.settled(
                    "CASE WHEN m.attempts >= $2 THEN 'technical_failure' ELSE m.delivery_status END",
                    at: "CASE WHEN m.attempts >= $2 THEN $3 ELSE m.delivery_status_at END"))
            FROM expired
            WHERE m.id = expired.id
            RETURNING m.id
            """, [now.addingTimeInterval(-lease), maxAttempts, now]
        ).rows.map { try $0.get("id", as: Int64.self) }
    }
}
