import Foundation
import Logging
import Postgres

/// Delivers the outbox: claims due messages in batches, renders and sends each one outside
/// any transaction, then records its outcome (if it still holds the message) before sending
/// the next. A worker killed at any moment has therefore sent at most one message it did not
/// record: that one is sent again (same idempotency key), the rest of its claim is taken back
/// one short lease later. The lease is kept alive by a `LeaseKeeper` heartbeat while it works.
/// One worker = one delivery thread = one connection; run several processes to go faster.
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
    }

    /// Rescues expired leases, then delivers batches until nothing is due (or a stop is asked).
    @discardableResult
    public func drainOnce() throws -> Report {
        var report = Report()
        // One commit per message: not waiting for the WAL flush makes that cheap. If PostgreSQL
        // itself crashes, the last outcomes may be forgotten: those messages come back through
        // the lease and are sent again (a duplicate, never a loss). Again each drain: a
        // reconnect forgets session settings.
        try queue.db.query("SET synchronous_commit = off")
        try rescue(into: &report)
        while !stop.isSet {
                // A drain can last as long as messages keep coming: rescue on the way too.
            if clock.now().timeIntervalSince(lastRescue) >= configuration.lease / 10 { try rescue(into: &report) }
            let batch = try queue.claim(limit: configuration.batchSize, now: clock.now())
            if batch.isEmpty { break }
            report.claimed += batch.count
            try deliver(batch, into: &report)
        }
        return report
    }

    /// Runs until the stop flag is set: drain, then sleep until NOTIFY outbox or the poll
    /// interval. Database outages are waited out with a growing pause.
    public func run() {
        var outagePause: TimeInterval = 1
        while !stop.isSet {
            do {
                try queue.db.listen("outbox")  // again each round: a reconnect forgets LISTEN
                let report = try drainOnce()
                if report != Report() { logReport(report) }
                outagePause = 1
                try waitForWork()
            } catch let error as PGError where error.isConnectionFailure {
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
    }

    // MARK: delivery

    private func deliver(_ batch: [ClaimedMessage], into report: inout Report) throws {
        for (index, message) in batch.enumerated() {
            if stop.isSet {
                let rest = batch[index...].map(\.id)
                report.released += try queue.release(ids: rest, now: clock.now())
                logger.info("released unattempted messages at shutdown", metadata: ["outbox_ids": "\(rest)"])
                return
            }
            progress.beat()
            let outcome = deliver(message, into: &report)
            try record(outcome, into: &report)
        }
    }

    /// Renders and sends one message; returns what to record.
    private func deliver(_ message: ClaimedMessage, into report: inout Report) -> OutboxQueue.Outcome {
        var meta: Logger.Metadata = [
            "outbox_id": "\(message.id)", "channel": "\(message.channel.rawValue)",
            "template": "\(message.template)", "attempt": "\(message.attempts)",
        ]
        if !configuration.production { meta["recipient"] = "\(message.recipient)" }

        let rendered: RenderedMessage
        do {
            try MessageValidation.checkRecipient(message.recipient, channel: message.channel)
            let content = try templates.render(
                template: message.template, language: message.language, channel: message.channel,
                params: message.params, portalURL: configuration.portalURL)
            rendered = RenderedMessage(outboxID: message.id, recipient: message.recipient,
                                       language: templates.language(for: message.language), content: content,
                                       queuedAt: message.queuedAt)
        } catch {
            report.failed += 1
            logger.error("undeliverable as written: failed", metadata: meta.merging(["error": "\(error)"]) { $1 })
            return .givenUp(message.id, .failed, error: "\(error)", at: clock.now())
        }
        if !configuration.production {
            logger.debug("rendered", metadata: meta.merging(["body": "\(rendered.content)"]) { $1 })
        }
        guard let transport = transports[message.channel] else {
            report.failed += 1
            return .givenUp(message.id, .failed, error: "no transport for \(message.channel.rawValue)", at: clock.now())
        }

        let started = Date()
        let result = transport.deliver(rendered)
        meta["ms"] = "\(Int(Date().timeIntervalSince(started) * 1000))"
        let now = clock.now()
        switch result {
        case .sent(let providerRef):
            report.sent += 1
            logger.info("sent", metadata: meta.merging(["provider_ref": "\(providerRef ?? "-")"]) { $1 })
            return .sent(message.id, providerRef: providerRef, at: now)
        case .permanentFailure(let why):
            report.dead += 1
            logger.error("refused for good: dead", metadata: meta.merging(["error": "\(why)"]) { $1 })
            return .givenUp(message.id, .dead, error: why, at: now)
        case .temporaryFailure(let why):
            let policy = configuration.retry
            if policy.shouldGiveUp(afterAttempts: message.attempts) {
                report.dead += 1
                logger.error("no attempts left: dead", metadata: meta.merging(["error": "\(why)"]) { $1 })
                return .givenUp(message.id, .dead, error: "gave up after \(message.attempts) attempts: \(why)", at: now)
            }
            report.retried += 1
            let retryAt = now.addingTimeInterval(policy.delay(afterAttempts: message.attempts, random: jitter.next()))
            logger.warning("temporary failure, will retry", metadata: meta.merging(
                ["error": "\(why)", "retry_at": "\(retryAt)"]) { $1 })
            return .retry(message.id, error: why, at: retryAt, now: now)
        }
    }

    /// Records one outcome. A lost lease is logged, not thrown. A database outage right after
    /// a delivery is retried for a while: giving up means this message is sent again once its
    /// lease expires.
    private func record(_ outcome: OutboxQueue.Outcome, into report: inout Report) throws {
        var pause: TimeInterval = 0.5
        while true {
            do {
                if try queue.record([outcome]).isEmpty {
                    report.lostLeases += 1
                    logger.warning("lease lost before the outcome was recorded (possible duplicate)",
                                   metadata: ["outbox_id": "\(outcome.id)"])
                }
                progress.beat()
                return
            } catch let error as PGError where error.isConnectionFailure && pause <= 8 {
                logger.error("could not record the outcome, retrying", metadata: ["error": "\(error)"])
                Thread.sleep(forTimeInterval: pause)
                pause *= 2
            }
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
        logger.info("drained", metadata: [
            "claimed": "\(r.claimed)", "sent": "\(r.sent)", "retried": "\(r.retried)", "dead": "\(r.dead)",
            "failed": "\(r.failed)", "released": "\(r.released)", "lost_leases": "\(r.lostLeases)", "rescued": "\(r.rescued)",
        ])
    }
}
