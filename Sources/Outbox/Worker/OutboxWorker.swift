import Foundation
import Logging
import Postgres

/// Delivers the outbox. Messages of a transport that cannot tell a re-send (SMTP, HTTP SMS) are
/// claimed in batches (state sending, a lease the `LeaseKeeper` heartbeat renews), sent outside
/// any transaction, and each outcome is recorded before the next message is sent: a worker
/// killed at any moment has sent at most one such message it did not record, which is sent again
/// (same idempotency key); the rest of its claim is taken back one short lease later.
/// Messages of a transport that can (the spool, by file name) are locked in a transaction held
/// while the batch is delivered, and written once: one UPDATE records every outcome and its
/// attempt, committed on that connection while the next batch is locked and delivered on a
/// second one (`BatchCommitter`). A kill frees their locks at once (the messages are sent again
/// at once, and the spool writes nothing twice); the batch's claim row (`outbox_claims`,
/// committed before the first delivery) makes the rescue count that attempt.
/// One worker = one delivery thread; run several processes to go faster.
public final class OutboxWorker {
    public struct Configuration: Sendable {
        public var workerID: String
        public var batchSize = 100
        public var retry = RetryPolicy()
        /// A claim not renewed for this long is taken back from its worker (it died). The
        /// LeaseKeeper renews it every lease/3 while the worker makes progress, so this bounds
        /// how late a dead worker's messages are, not how long a delivery may take.
        public var lease: TimeInterval = 15
        /// Fallback wake-up when no NOTIFY comes (retries falling due, lost notifications).
        public var pollInterval: TimeInterval = 5
        /// Absolute base for links in messages (ASYLUM_PUBLIC_URL).
        public var portalURL: String
        /// Never log message bodies or recipients.
        public var production: Bool
        /// The database or a provider out of reach this long is a platform outage, recorded in
        /// platform_outages (`OutageRecorder`).
        public var outageThreshold: TimeInterval = 180

        public init(workerID: String, portalURL: String, production: Bool) {
            self.workerID = workerID
            self.portalURL = portalURL
            self.production = production
        }
    }

    /// What one drain did.
    public struct Report: Sendable, Equatable {
        public var claimed = 0
        public var sent = 0
        public var retried = 0
        public var dead = 0
        public var failed = 0
        /// Handed back unattempted at shutdown.
        public var released = 0
        /// Delivered, but the lease had been taken back meanwhile (a duplicate is possible).
        public var lostLeases = 0
        public var rescued = 0
        /// Sent by a worker killed before it recorded them: the transport recognised the
        /// idempotency key and did not send them again (counted in `sent` too).
        public var alreadyDelivered = 0

        public init() {}
    }

    public let configuration: Configuration
    public let queue: OutboxQueue
    let templates: MessageTemplates
    let transports: [Channel: Transport]
    let clock: Clock
    let jitter: JitterSource
    let stop: StopFlag
    var logger: Logger
    /// Beaten before and after each delivery; the LeaseKeeper renews the claims while it moves.
    public let progress = DeliveryProgress()
    /// Outages of the database and the providers, as this worker meets them.
    public let outages: OutageRecorder

    public init(
        db: PGConnection, configuration: Configuration, templates: MessageTemplates,
        transports: [Channel: Transport], clock: Clock = SystemClock(), jitter: JitterSource = SystemJitter(),
        stop: StopFlag = StopFlag(), logger: Logger = Logger(label: "outbox.worker")
    ) {
        self.configuration = configuration
        self.queue = OutboxQueue(db: db, workerID: configuration.workerID)
        self.templates = templates
        self.transports = transports
        self.clock = clock
        self.jitter = jitter
        self.stop = stop
        self.logger = logger
        self.logger[metadataKey: "worker"] = "\(configuration.workerID)"
        outages = OutageRecorder(threshold: configuration.outageThreshold, clock: clock)
        recorder = OutcomeRecorder(conninfo: db.conninfo, workerID: configuration.workerID)
        lanes = (0..<2).map { _ in OutboxQueue(db: PGConnection(conninfo: db.conninfo), workerID: configuration.workerID) }
        let locked = Channel.allCases.filter { transports[$0]?.deduplicatesByKey == true }
        lockedChannels = locked
        claimedChannels = Channel.allCases.filter { !locked.contains($0) }
    }

    deinit {
        recorder.close()
        committer.close()
    }

    /// Channels delivered in locked batches (their transport deduplicates: the spool), and the
    /// others (claimed message by message: SMTP, HTTP SMS, none).
    let lockedChannels: [Channel]
    let claimedChannels: [Channel]
    /// Two connections for locked batches: one delivers while the other's batch is committed.
    private let lanes: [OutboxQueue]
    private var nextLane = 0
    private let committer = BatchCommitter()

    /// Records spool batches while the next one is claimed and delivered.
    private let recorder: OutcomeRecorder

    /// Rescues expired leases, then delivers batches until nothing is due (or a stop is asked).
    @discardableResult
    public func drainOnce() throws -> Report {
        var report = Report()
        // Up to one commit per message: not waiting for the WAL flush makes that cheap. If
        // PostgreSQL itself crashes, the last outcomes may be forgotten: those messages come back
        // through the lease and are sent again (a duplicate, never a loss). Again each drain: a
        // reconnect forgets session settings.
        try queue.db.query("SET synchronous_commit = off")
        if !lockedChannels.isEmpty { for lane in lanes { try lane.db.query("SET synchronous_commit = off") } }
        try rescue(into: &report)
        while !stop.isSet {
            // A drain can last as long as messages keep coming: rescue on the way too.
            if clock.now().timeIntervalSince(lastRescue) >= configuration.lease / 10 { try rescue(into: &report) }
            var progressed = false
            if !lockedChannels.isEmpty {
                let lane = lanes[nextLane]
                try lane.db.begin()
                let batch: OutboxQueue.LockedBatch?
                do {
                    batch = try lane.lockBatch(limit: configuration.batchSize, channels: lockedChannels, now: clock.now())
                } catch {
                    lane.db.rollback()
                    throw error
                }
                if let batch {
                    nextLane = 1 - nextLane
                    progressed = true
                    report.claimed += batch.messages.count
                    try deliverLocked(batch, on: lane, into: &report)
                } else {
                    try lane.db.commit()
                }
            }
            if !claimedChannels.isEmpty, !stop.isSet {
                let batch = try queue.claim(limit: configuration.batchSize, now: clock.now(), channels: claimedChannels)
                if !batch.isEmpty {
                    progressed = true
                    report.claimed += batch.count
                    try deliver(batch, into: &report)
                }
            }
            if !progressed { break }
        }
        try flushRecorder(into: &report)
        flushOutages()
        return report
    }

    /// Runs until the stop flag is set: drain, then sleep until NOTIFY outbox or the poll
    /// interval. Database outages are waited out with a growing pause.
    public func run() {
        var outagePause: TimeInterval = 1
        while !stop.isSet {
            do {
                try queue.db.listen("outbox")  // again each round: a reconnect forgets LISTEN
                outages.databaseAnswered()
                flushOutages()
                let report = try drainOnce()
                if report != Report() { logReport(report) }
                outagePause = 1
                try waitForWork()
            } catch let error as PGError where error.isConnectionFailure {
                // The outage begins here for the record: the app's requests meet the same one
                // (503) but cannot write it anywhere, so the worker records it once it is over.
                outages.databaseUnreachable()
                logger.error("database unavailable, retrying in \(Int(outagePause)) s", metadata: ["error": "\(error)"])
                pause(outagePause)
                outagePause = min(outagePause * 2, 30)
            } catch {
                logger.error("worker round failed", metadata: ["error": "\(error)"])
                pause(outagePause)
                outagePause = min(outagePause * 2, 30)
            }
        }
        logger.info("worker stopped")
    }

    private var lastRescue = Date.distantPast

    private func rescue(into report: inout Report) throws {
        let now = clock.now()
        let rescued = try queue.rescueExpiredLeases(
            lease: configuration.lease, maxAttempts: configuration.retry.maxAttempts, now: now)
        lastRescue = now
        if !rescued.isEmpty {
            report.rescued += rescued.count
            logger.warning("rescued messages from an expired lease", metadata: ["outbox_ids": "\(rescued)"])
        }
        let abandoned = try queue.rescueAbandonedClaims(
            lease: configuration.lease, maxAttempts: configuration.retry.maxAttempts, now: now)
        if !abandoned.isEmpty {
            report.rescued += abandoned.count
            logger.warning("counted the attempt of a batch whose worker died", metadata: ["outbox_ids": "\(abandoned)"])
        }
    }

    /// Delivers a batch locked in `lane`'s open transaction (deduplicating transports only): its
    /// claim row is committed on the main connection first, so a kill from then on counts as an
    /// attempt; every outcome, with the attempt, is written by one UPDATE, then committed by the
    /// `BatchCommitter` while the next batch goes out. A kill before that commit leaves the
    /// messages pending (the locks die with the connection): they are sent again at once and the
    /// transport recognises those it has.
    private func deliverLocked(_ batch: OutboxQueue.LockedBatch, on lane: OutboxQueue, into report: inout Report) throws {
        let messages = batch.messages
        let claim: Int64
        do {
            claim = try queue.register(messages, heldBy: batch.holder, now: clock.now())
        } catch {
            lane.db.rollback()
            throw error
        }
        var waiting = Waiting(capacity: messages.count)
        var released = [Int64]()
        for (index, message) in messages.enumerated() {
            if stop.isSet {
                released = messages[index...].map(\.id)
                break
            }
            progress.beat()
            let (outcome, transport) = deliver(message, into: &report)
            waiting.append(outcome, through: transport, for: message)
        }
        let outcomes = commitDeliveries(&waiting, into: &report)
        let job: BatchCommitter.Job = {
            do {
                let recorded = try lane.recordBatch(outcomes, claim: claim)
                try lane.db.commit()
                return outcomes.map(\.id).filter { !recorded.contains($0) }
            } catch {
                // Nothing recorded: the claim row is left to the rescue, which counts the attempt.
                lane.db.rollback()
                try? lane.abandon(claim)
                throw error
            }
        }
        do {
            noteLost(try committer.submit(job), into: &report)
        } catch {
            // The previous commit failed, so this one was not handed over.
            lane.db.rollback()
            try? queue.abandon(claim)
            throw error
        }
        progress.beat()
        if let first = messages.first, let last = messages.last {
            logger.info("batch done", metadata: ["claimed": "\(messages.count)", "first_id": "\(first.id)", "last_id": "\(last.id)"])
        }
        if !released.isEmpty {
            noteLost(try committer.flush(), into: &report)
            report.released += released.count
            try queue.db.query("SELECT pg_notify('outbox', '')")
            logger.info("released unattempted messages at shutdown", metadata: ["outbox_ids": "\(released)"])
        }
    }

    // MARK: delivery

    /// Delivers a claimed batch. Outcomes of transports that deduplicate by idempotency key
    /// (the spool) and of messages that reached no transport wait and are recorded together;
    /// any other delivery (SMTP, HTTP SMS) is recorded, with everything waiting, before the
    /// next message is sent. So a kill leaves at most one message delivered by such a transport
    /// without its record, and deliveries a kill left unrecorded in a deduplicating transport
    /// are recognised when they are sent again.
    private func deliver(_ batch: [ClaimedMessage], into report: inout Report) throws {
        var waiting = Waiting(capacity: batch.count)
        for (index, message) in batch.enumerated() {
            if stop.isSet {
                try record(&waiting, into: &report)
                try flushRecorder(into: &report)
                let rest = batch[index...].map(\.id)
                report.released += try queue.release(ids: rest, now: clock.now())
                logger.info("released unattempted messages at shutdown", metadata: ["outbox_ids": "\(rest)"])
                return
            }
            progress.beat()
            let (outcome, transport) = deliver(message, into: &report)
            waiting.append(outcome, through: transport, for: message)
            if let transport, !transport.deduplicatesByKey { try record(&waiting, into: &report) }
        }
        // Only deduplicated deliveries are left waiting here: recorded while the next batch goes.
        try record(&waiting, async: true, into: &report)
        if let first = batch.first, let last = batch.last {
            logger.info("batch done", metadata: ["claimed": "\(batch.count)", "first_id": "\(first.id)", "last_id": "\(last.id)"])
        }
    }

    /// Outcomes not recorded yet, with the transport each message went through (nil: none).
    private struct Waiting {
        private(set) var outcomes = [OutboxQueue.Outcome]()
        private(set) var transports = [Transport?]()
        private(set) var messages = [ClaimedMessage]()

        init(capacity: Int) {
            outcomes.reserveCapacity(capacity)
            transports.reserveCapacity(capacity)
            messages.reserveCapacity(capacity)
        }

        mutating func append(_ outcome: OutboxQueue.Outcome, through transport: Transport?, for message: ClaimedMessage) {
            outcomes.append(outcome)
            transports.append(transport)
            messages.append(message)
        }

        mutating func removeAll() {
            outcomes.removeAll(keepingCapacity: true)
            transports.removeAll(keepingCapacity: true)
            messages.removeAll(keepingCapacity: true)
        }
    }

    /// Lets the transports make their deliveries durable, then records the outcomes in one
    /// statement. The sent messages of a transport that cannot commit are retried later.
    private func record(_ waiting: inout Waiting, async: Bool = false, into report: inout Report) throws {
        guard !waiting.outcomes.isEmpty else { return }
        let outcomes = commitDeliveries(&waiting, into: &report)
        if async {
            noteLost(try recorder.submit(outcomes), into: &report)
            progress.beat()
        } else {
            try record(outcomes, into: &report)
        }
    }

    /// Lets the transports make the waiting deliveries durable; returns the outcomes to record
    /// (a transport that could not commit has its sent messages retried) and empties `waiting`.
    private func commitDeliveries(_ waiting: inout Waiting, into report: inout Report) -> [OutboxQueue.Outcome] {
        var outcomes = waiting.outcomes
        var committed = [ObjectIdentifier]()
        for case let transport? in waiting.transports where !committed.contains(ObjectIdentifier(transport)) {
            committed.append(ObjectIdentifier(transport))
            do {
                try transport.commitDeliveries()
            } catch {
                logger.error("deliveries could not be committed: will retry", metadata: ["error": "\(error)"])
                let now = clock.now()
                for (i, o) in outcomes.enumerated() where o.state == .sent && waiting.transports[i] === transport {
                    report.sent -= 1
                    outcomes[i] = retryOrGiveUp(waiting.messages[i], why: "\(error)", now: now, into: &report)
                }
            }
        }
        waiting.removeAll()
        return outcomes
    }

    private func flushRecorder(into report: inout Report) throws {
        noteLost(try committer.flush(), into: &report)
        noteLost(try recorder.flush(), into: &report)
    }

    private func noteLost(_ lost: [Int64], into report: inout Report) {
        guard !lost.isEmpty else { return }
        report.lostLeases += lost.count
        logger.warning("lease lost before the outcome was recorded (possible duplicate)", metadata: ["outbox_ids": "\(lost)"])
    }

    /// Renders and sends one message; returns what to record.
    private func deliver(_ message: ClaimedMessage, into report: inout Report) -> (OutboxQueue.Outcome, Transport?) {
        let rendered: RenderedMessage
        do {
            try MessageValidation.checkRecipient(message.recipient, channel: message.channel)
            rendered = RenderedMessage(
                outboxID: message.id, recipient: message.recipient,
                // The language the message is written in: French when its own lacks a text of it.
                language: templates.language(for: message.language, template: message.template).code,
                content: try render(message),
                queuedAt: message.queuedAt)
        } catch {
            report.failed += 1
            logger.error("undeliverable as written: failed", metadata: metadata(message, ["error": "\(error)"]))
            return (.givenUp(message.id, .failed, error: "\(error)", at: clock.now()), nil)
        }
        if !configuration.production {
            logger.debug("rendered", metadata: metadata(message, ["body": "\(rendered.content)"]))
        }
        guard let transport = transports[message.channel] else {
            report.failed += 1
            return (.givenUp(message.id, .failed, error: "no transport for \(message.channel.rawValue)", at: clock.now()), nil)
        }

        let started = Date()
        let result = transport.deliver(rendered)
        let ms = Int(Date().timeIntervalSince(started) * 1000)
        return (outcome(of: result, for: message, through: transport, ms: ms, into: &report), transport)
    }

    /// What log lines about a message say (built only for lines that are written).
    private func metadata(_ message: ClaimedMessage, _ extra: Logger.Metadata = [:]) -> Logger.Metadata {
        var meta: Logger.Metadata = [
            "outbox_id": "\(message.id)", "channel": "\(message.channel.rawValue)",
            "template": "\(message.template)", "attempt": "\(message.attempts)",
        ]
        if !configuration.production { meta["recipient"] = "\(message.recipient)" }
        return meta.merging(extra) { $1 }
    }

    /// Rendered content by template, language, channel and params, for messages without
    /// secrets: a batch of the same notice (a morning of deposits) renders it once per
    /// language. Secrets (keys, codes) are never kept in memory after their message.
    private var renderCache = [RenderKey: RenderedContent]()
    private struct RenderKey: Hashable {
        let template: String, language: String, channel: Channel, params: [String: String]
    }
    static let renderCacheLimit = 256

    private func render(_ message: ClaimedMessage) throws -> RenderedContent {
        let cacheable = !MessageCatalog.secretParams.contains { message.params[$0] != nil }
        let key = RenderKey(
            template: message.template, language: message.language, channel: message.channel,
            params: message.params)
        if cacheable, let content = renderCache[key] { return content }
        let content = try templates.render(
            template: message.template, language: message.language, channel: message.channel,
            params: message.params, portalURL: configuration.portalURL)
        if cacheable {
            if renderCache.count >= Self.renderCacheLimit { renderCache.removeAll(keepingCapacity: true) }
            renderCache[key] = content
        }
        return content
    }

    private func outcome(
        of result: DeliveryResult, for message: ClaimedMessage, through transport: Transport,
        ms: Int, into report: inout Report
    ) -> OutboxQueue.Outcome {
        let now = clock.now()
        switch result {
        case .sent(let providerRef):
            outages.answered(.provider(of: message.channel))
            report.sent += 1
            // A line per message for network transports (a few a second); for the spool, one
            // per batch at info and these at debug.
            logger.log(
                level: transport.deduplicatesByKey ? .debug : .info, "sent",
                metadata: metadata(message, ["provider_ref": "\(providerRef ?? "-")", "ms": "\(ms)"]))
            return .sent(message.id, providerRef: providerRef, at: now, delivery: transport.acceptedStatus)
        case .alreadyDelivered(let providerRef):
            // Sent by a worker killed before it recorded it: recorded now, not sent again.
            outages.answered(.provider(of: message.channel))
            report.sent += 1
            report.alreadyDelivered += 1
            logger.info(
                "already delivered (same idempotency key): not sent again",
                metadata: metadata(message, ["provider_ref": "\(providerRef ?? "-")"]))
            return .sent(message.id, providerRef: providerRef, at: now, delivery: transport.acceptedStatus)
        case .permanentFailure(let why):
            outages.answered(.provider(of: message.channel))
            report.dead += 1
            logger.error("refused for good: dead", metadata: metadata(message, ["error": "\(why)", "ms": "\(ms)"]))
            return .givenUp(message.id, .dead, error: why, at: now)
        case .temporaryFailure(let why):
            outages.answered(.provider(of: message.channel))
            return retryOrGiveUp(message, why: why, now: now, into: &report)
        case .unreachable(let why):
            outages.unreachable(.provider(of: message.channel))
            return retryOrGiveUp(message, why: why, now: now, into: &report)
        }
    }

    /// A temporary failure: tried again after the backoff, or dead when no attempts are left.
    private func retryOrGiveUp(
        _ message: ClaimedMessage, why: String, now: Date,
        into report: inout Report
    ) -> OutboxQueue.Outcome {
        let policy = configuration.retry
        if policy.shouldGiveUp(afterAttempts: message.attempts) {
            report.dead += 1
            logger.error("no attempts left: dead", metadata: metadata(message, ["error": "\(why)"]))
            return .givenUp(
                message.id, .dead, error: "gave up after \(message.attempts) attempts: \(why)", at: now,
                delivery: .temporaryFailure)
        }
        report.retried += 1
        let retryAt = now.addingTimeInterval(policy.delay(afterAttempts: message.attempts, random: jitter.next()))
        logger.warning("temporary failure, will retry", metadata: metadata(message, ["error": "\(why)", "retry_at": "\(retryAt)"]))
        return .retry(message.id, error: why, at: retryAt, now: now)
    }

    /// Records outcomes in one statement. A lost lease is logged, not thrown. A database outage
    /// right after a delivery is retried for a while: giving up means these messages are sent
    /// again once their lease expires.
    private func record(_ outcomes: [OutboxQueue.Outcome], into report: inout Report) throws {
        var pause: TimeInterval = 0.5
        while true {
            do {
                let recorded = try queue.record(outcomes)
                if recorded.count < outcomes.count {
                    noteLost(outcomes.map(\.id).filter { !recorded.contains($0) }, into: &report)
                }
                progress.beat()
                outages.databaseAnswered()
                flushOutages()
                return
            } catch let error as PGError where error.isConnectionFailure && pause <= 8 {
                outages.databaseUnreachable()
                logger.error("could not record the outcome, retrying", metadata: ["error": "\(error)"])
                Thread.sleep(forTimeInterval: pause)
                pause *= 2
            }
        }
    }

    /// Writes the outages decided so far; what cannot be written now waits for the next call.
    private func flushOutages() {
        guard !outages.pending.isEmpty else { return }
        let failure = outages.flush { write in
            try PlatformOutages.write(write, queue.db)
            logger.warning("platform outage recorded", metadata: ["outage": "\(write)"])
        }
        if let failure {
            logger.error("platform outage not recorded yet: will retry", metadata: ["error": "\(failure)"])
        }
    }

    // MARK: waiting

    /// Sleeps until a NOTIFY, the poll interval or a stop, checking the stop flag often.
    private func waitForWork() throws {
        // Wake at least twice a lease: a dead worker's claims are rescued soon after they expire.
        let deadline = Date().addingTimeInterval(min(configuration.pollInterval, configuration.lease / 2))
        while !stop.isSet {
            progress.beat()  // idle is not stalled
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return }
            if try !queue.db.waitForNotifications(timeout: min(left, 0.25)).isEmpty { return }
        }
    }

    private func pause(_ seconds: TimeInterval) {
        let deadline = Date().addingTimeInterval(seconds)
        while !stop.isSet, deadline.timeIntervalSinceNow > 0 {
            progress.beat()
            Thread.sleep(forTimeInterval: min(0.25, max(deadline.timeIntervalSinceNow, 0)))
        }
    }

    func logReport(_ r: Report) {
        logger.info(
            "drained",
            metadata: [
                "claimed": "\(r.claimed)", "sent": "\(r.sent)", "retried": "\(r.retried)", "dead": "\(r.dead)",
                "failed": "\(r.failed)", "released": "\(r.released)", "lost_leases": "\(r.lostLeases)", "rescued": "\(r.rescued)",
                "already_delivered": "\(r.alreadyDelivered)",
            ])
    }
}
