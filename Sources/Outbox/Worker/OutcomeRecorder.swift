import Foundation
import Postgres

/// Records the outcomes of a batch on its own thread and connection while the worker claims and
/// delivers the next one, so PostgreSQL's work on one batch overlaps the worker's on the next.
/// At most one batch is being recorded at a time: `submit` waits for the previous one. Used for
/// the claimed path's outcomes that reached no transport (failed as written); spool batches are
/// committed by the `BatchCommitter` instead.
/// Unchecked Sendable: every field is guarded by `condition`, the connection is the thread's own.
final class OutcomeRecorder: @unchecked Sendable {
    private let queue: OutboxQueue
    private let condition = NSCondition()
    private var handed: [OutboxQueue.Outcome]?
    private var busy = false
    private var failure: Error?
    private var lost = [Int64]()
    private var started = false
    private var closed = false

    init(conninfo: String, workerID: String) {
        queue = OutboxQueue(db: PGConnection(conninfo: conninfo), workerID: workerID)
    }

    /// Hands a batch over once the previous one is recorded. Returns the ids of that previous
    /// work whose lease had been lost; throws its failure.
    func submit(_ outcomes: [OutboxQueue.Outcome]) throws -> [Int64] {
        condition.lock()
        defer { condition.unlock() }
        if !started { start() }
        let done = try waitIdle()
        handed = outcomes
        condition.broadcast()
        return done
    }

    /// Waits until everything handed over is recorded (same answers as `submit`).
    func flush() throws -> [Int64] {
        condition.lock()
        defer { condition.unlock() }
        return try waitIdle()
    }

    /// Lets the thread end (the worker is going away).
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Called with the lock held.
    private func waitIdle() throws -> [Int64] {
        while handed != nil || busy { condition.wait() }
        let done = lost
        lost.removeAll()
        if let failure {
            self.failure = nil
            throw failure
        }
        return done
    }

    private func start() {
        started = true
        let thread = Thread { [self] in
            while true {
                condition.lock()
                while handed == nil && !closed { condition.wait() }
                guard let outcomes = handed else {
                    condition.unlock()
                    return
                }
                handed = nil
                busy = true
                condition.unlock()

                var lostHere = [Int64]()
                var error: Error?
                do {
                    let recorded = try Self.record(outcomes, queue)
                    lostHere = outcomes.map(\.id).filter { !recorded.contains($0) }
                } catch let e {
                    error = e
                }

                condition.lock()
                busy = false
                lost += lostHere
                if failure == nil { failure = error }
                condition.broadcast()
                condition.unlock()
            }
        }
        thread.name = "outcome-recorder"
        thread.start()
    }

    /// One statement; a database outage is waited out for a while (as the worker does).
    static func record(_ outcomes: [OutboxQueue.Outcome], _ queue: OutboxQueue) throws -> Set<Int64> {
        var pause: TimeInterval = 0.5
        while true {
            do {
                // As the worker's own connection (see drainOnce); again each time: a reconnect forgets it.
                try queue.db.query("SET synchronous_commit = off")
                return try queue.record(outcomes)
            } catch let error as PGError where error.isConnectionFailure && pause <= 8 {
                Thread.sleep(forTimeInterval: pause)
                pause *= 2
            }
        }
    }
}
