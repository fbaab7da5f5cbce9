import Foundation

/// Runs commit jobs on its own thread while the worker delivers the next batch, so PostgreSQL's
/// work on one batch overlaps the worker's on the next: locked spool batches (the worker's
/// own committer) and recorded outcomes (`OutcomeRecorder`). One job at a time: `submit` waits
/// for the previous one. A kill thus leaves at most two spool batches unrecorded (both have
/// claim rows; their re-sends write nothing).
/// Unchecked Sendable: every field is guarded by `condition`; a job's connection is touched by
/// nobody else until the job is done.
final class BatchCommitter: @unchecked Sendable {
    typealias Job = () throws -> [Int64]
    private let condition = NSCondition()
    private var handed: Job?
    private var busy = false
    private var failure: Error?
    private var lost = [Int64]()
    private var started = false
    private var closed = false

    /// Hands a commit over once the previous one is done. Returns the ids that previous work
    /// could not record (lease lost); throws its failure.
    func submit(_ job: @escaping Job) throws -> [Int64] {
        condition.lock()
        defer { condition.unlock() }
        if !started { start() }
        let done = try waitIdle()
        handed = job
        condition.broadcast()
        return done
    }

    /// Waits until everything handed over is done (same answers as `submit`).
    func flush() throws -> [Int64] {
        condition.lock()
        defer { condition.unlock() }
        return try waitIdle()
    }

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
                guard let job = handed else {
                    condition.unlock()
                    return
                }
                handed = nil
                busy = true
                condition.unlock()

                var lostHere = [Int64]()
                var error: Error?
                do { lostHere = try job() } catch let e { error = e }

                condition.lock()
                busy = false
                lost += lostHere
                if failure == nil { failure = error }
                condition.broadcast()
                condition.unlock()
            }
        }
        thread.name = "batch-committer"
        thread.start()
    }
}
