import Foundation
import Outbox
import Postgres
import XCTest

/// The real asylum-worker binary, killed with SIGKILL or stopped with SIGTERM mid-batch.
final class WorkerProcessTests: XCTestCase {
    var database: IsolatedDatabase!
    var spool: String!

    override func setUpWithError() throws {
        database = try IsolatedDatabase()
        spool = NSTemporaryDirectory() + "outbox-spool-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
    }

    override func tearDown() {
        database?.drop()
        if let spool { try? FileManager.default.removeItem(atPath: spool) }
    }

    /// Spool outcomes are recorded per batch, so a kill leaves up to a batch delivered but not
    /// recorded; their re-sends find their files (the idempotency key) and write nothing.
    func testKilledMidBatchThenRestartedDeliversEverythingWithoutWritingAFileTwice() throws {
        let ids = try enqueue((1...120).map { testSMS($0) }, database.connect())
        let first = try startWorker(["--batch-size", "10", "--poll-interval", "1"], id: "doomed", delayMs: 20)
        try waitUntil(timeout: 30) { self.spoolFiles().count >= 35 }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        XCTAssertEqual(first.terminationReason, .uncaughtSignal)

        let db = database.connect()
        // The batch's locks died with the worker; its claim row is what is left.
        let inFlight = Set(
            try db.query("SELECT unnest(message_ids) AS id FROM outbox_claims WHERE worker_id = 'doomed'")
                .rows.map { try $0.get("id", as: Int64.self) })
        XCTAssertFalse(inFlight.isEmpty, "killed during a batch")
        XCTAssertLessThanOrEqual(inFlight.count, 20, "at most two batches in flight: one delivered, one committed")
        XCTAssertEqual(try Outbox.counts(db)[.sending], 0)
        let writtenBeforeRestart = Set(filesPerMessage().keys).intersection(inFlight)

        // The lease is shortened so the restart can take the dead worker's claims back now.
        Thread.sleep(forTimeInterval: 1.2)
        let second = try startWorker(["--once", "--lease", "1"], id: "restarted", delayMs: 0)
        second.waitUntilExit()
        XCTAssertEqual(second.terminationStatus, 0, log("restarted"))

        let deliveries = filesPerMessage()
        for id in ids { XCTAssertGreaterThanOrEqual(deliveries[id] ?? 0, 1, "message \(id) lost") }
        XCTAssertEqual(Set(deliveries.values), [1], "no message written twice")
        XCTAssertTrue(
            log("restarted").contains("already_delivered=\(writtenBeforeRestart.count)"),
            "each in-flight message already in the spool was recognised: \(writtenBeforeRestart)\n" + log("restarted"))
        XCTAssertEqual(Set(try states(db).values), [.sent])
        let attempts = try db.query("SELECT id, attempts FROM outbox_messages").rows.reduce(into: [Int64: Int]()) {
            $0[try $1.get("id")] = try $1.get("attempts")
        }
        for id in ids { XCTAssertEqual(attempts[id], inFlight.contains(id) ? 2 : 1, "attempts of \(id): the kill counts") }
        XCTAssertEqual(try db.query("SELECT count(*) AS n FROM outbox_claims").first?.get("n", as: Int.self), 0)
    }

    func testSIGTERMFinishesTheMessageInHandReleasesTheRestAndExitsZero() throws {
        try enqueue((1...60).map { testSMS($0) }, database.connect())
        let worker = try startWorker(["--batch-size", "20", "--poll-interval", "1"], id: "polite", delayMs: 50)
        try waitUntil(timeout: 30) { self.spoolFiles().count >= 5 }
        kill(worker.processIdentifier, SIGTERM)
        try waitUntil(timeout: 10) { !worker.isRunning }
        XCTAssertEqual(worker.terminationReason, .exit)
        XCTAssertEqual(worker.terminationStatus, 0, log("polite"))

        let db = database.connect()
        let counts = try Outbox.counts(db)
        XCTAssertEqual(counts[.sending], 0, "nothing left claimed")
        XCTAssertEqual(counts[.sent], spoolFiles().count, "every delivered message recorded as sent")
        XCTAssertGreaterThan(counts[.pending], 0, "stopped before the end")
        XCTAssertEqual(Set(filesPerMessage().values), [1])
        let counted = try db.query("SELECT count(*) AS n FROM outbox_messages WHERE state = 'pending' AND attempts <> 0")
        XCTAssertEqual(try counted.first?.get("n", as: Int.self), 0, "released claims do not count as attempts")
    }

    /// A message queued while the worker sleeps is delivered at once: NOTIFY wakes it long
    /// before its 60-second poll.
    func testNotifyWakesTheSleepingWorker() throws {
        let worker = try startWorker(["--poll-interval", "60"], id: "sleeper", delayMs: 0)
        defer {
            kill(worker.processIdentifier, SIGTERM)
            worker.waitUntilExit()
        }
        try waitUntil(timeout: 30) { self.log("sleeper").contains("started") }
        Thread.sleep(forTimeInterval: 0.5)  // let it drain the empty table and start waiting
        let queuedAt = Date()
        let id = try enqueue([testSMS(1)], database.connect())[0]
        try waitUntil(timeout: 10) { self.filesPerMessage()[id] == 1 }
        XCTAssertLessThan(Date().timeIntervalSince(queuedAt), 5, log("sleeper"))
    }

    // MARK: helpers

    func workerBinary() throws -> String {
        var candidates = [String]()
        if let dir = ProcessInfo.processInfo.environment["ASYLUM_BIN_DIR"] { candidates.append(dir) }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path)
        candidates.append(Bundle(for: Self.self).bundleURL.deletingLastPathComponent().path)
        for dir in candidates where FileManager.default.isExecutableFile(atPath: dir + "/asylum-worker") {
            return dir + "/asylum-worker"
        }
        throw MissingBinary(searched: candidates)
    }

    func startWorker(_ arguments: [String], id: String, delayMs: Int) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try workerBinary())
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["ASYLUM_DATABASE_URL"] = database.conninfo
        env["ASYLUM_ROOT"] = projectRoot
        env["ASYLUM_SPOOL_DIR"] = spool
        env["ASYLUM_ENV"] = "test"
        env["ASYLUM_SPOOL_DELAY_MS"] = String(delayMs)
        env["ASYLUM_WORKER_ID"] = id
        env["ASYLUM_EMAIL_TRANSPORT"] = "spool"
        env["ASYLUM_SMS_TRANSPORT"] = "spool"
        process.environment = env
        _ = FileManager.default.createFile(atPath: logPath(id), contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath(id)))
        process.standardError = log
        process.standardOutput = log
        try process.run()
        return process
    }

    func logPath(_ id: String) -> String { spool + "/.log-" + id }
    func log(_ id: String) -> String { (try? String(contentsOfFile: logPath(id), encoding: .utf8)) ?? "" }

    func spoolFiles() -> [String] { SpoolReader(directory: spool).fileNames() }

    /// Outbox id → number of spool files written for it.
    func filesPerMessage() -> [Int64: Int] {
        var counts = [Int64: Int]()
        for name in spoolFiles() {
            guard let entry = SpoolReader(directory: spool).entry(named: name) else { continue }
            counts[entry.outboxID, default: 0] += 1
        }
        return counts
    }

    func waitUntil(timeout: TimeInterval, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            guard Date() < deadline else { throw Timeout(seconds: timeout) }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }
}

struct Timeout: Error { let seconds: TimeInterval }
struct MissingBinary: Error { let searched: [String] }
