import Foundation
import Logging
import Postgres

/// When the delivery thread last moved (lock-protected: read by the LeaseKeeper's thread).
public final class DeliveryProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var last = Date()

    public init() {}

    public func beat() { lock.withLock { last = Date() } }
    public var lastBeat: Date { lock.withLock { last } }
}

/// The heartbeat of one worker: on its own thread and connection, renews the lease of every
/// message the worker holds every `lease / 3`, so a short lease (seconds) survives a long batch
/// or a slow SMTP server. It stops renewing when the delivery thread has not moved for
/// `stallLimit` (longer than any transport timeout): a hung worker loses its claims like a
/// dead one.
/// Unchecked Sendable: after `start()` only its thread touches the connection.
public final class LeaseKeeper: @unchecked Sendable {
    let queue: OutboxQueue
    let lease: TimeInterval
    let stallLimit: TimeInterval
    let progress: DeliveryProgress
    let stop: StopFlag
    let logger: Logger

    public init(
        conninfo: String, workerID: String, lease: TimeInterval, stallLimit: TimeInterval = 120,
        progress: DeliveryProgress, stop: StopFlag, logger: Logger = Logger(label: "outbox.lease")
    ) {
        queue = OutboxQueue(db: PGConnection(conninfo: conninfo), workerID: workerID)
        self.lease = lease
        self.stallLimit = stallLimit
        self.progress = progress
        self.stop = stop
        self.logger = logger
    }

    /// One renewal; false when the worker looks hung (nothing renewed).
    @discardableResult
    public func renew(now: Date = Date()) -> Bool {
        guard now.timeIntervalSince(progress.lastBeat) < stallLimit else {
            logger.warning("delivery thread stalled: leases no longer renewed")
            return false
        }
        do {
            try queue.heartbeat(now: now)
        } catch {
            logger.error("lease renewal failed", metadata: ["error": "\(error)"])
        }
        return true
    }

    public func start() {
        let thread = Thread { [self] in
            var next = Date()
            while !stop.isSet {
                if Date() >= next {
                    renew()
                    next = Date().addingTimeInterval(lease / 3)
                }
                Thread.sleep(forTimeInterval: min(0.25, lease / 6))
            }
        }
        thread.name = "lease-keeper"
        thread.start()
    }
}
