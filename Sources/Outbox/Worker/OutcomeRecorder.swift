import Foundation
import Postgres

/// Records the outcomes of a batch on its own connection, through a `BatchCommitter`'s thread,
/// while the worker claims and delivers the next one. Used for the claimed path's outcomes that
/// reached no transport or a deduplicating one; locked spool batches are committed by the
/// worker's own `BatchCommitter` on their lane.
final class OutcomeRecorder {
    private let queue: OutboxQueue
    private let committer = BatchCommitter()

    init(conninfo: String, workerID: String) {
        queue = OutboxQueue(db: PGConnection(conninfo: conninfo), workerID: workerID)
    }

    /// Hands a batch over once the previous one is recorded. Returns the ids of that previous
    /// work whose lease had been lost; throws its failure.
    func submit(_ outcomes: [OutboxQueue.Outcome]) throws -> [Int64] {
        let queue = self.queue
        return try committer.submit {
            let recorded = try Self.record(outcomes, queue)
            return outcomes.map(\.id).filter { !recorded.contains($0) }
        }
    }

    /// Waits until everything handed over is recorded (same answers as `submit`).
    func flush() throws -> [Int64] { try committer.flush() }

    /// Lets the thread end (the worker is going away).
    func close() { committer.close() }

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
