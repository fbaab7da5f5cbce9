import Foundation
import Outbox
import Postgres
import XCTest

/// The spool's claim path: a batch locked in a transaction, its claim row committed apart.
/// A worker "killed" here is a connection closed mid-batch: its backend ends, as with SIGKILL.
final class LockedBatchTests: XCTestCase {
    var database: IsolatedDatabase!

    override func setUpWithError() throws { database = try IsolatedDatabase() }
    override func tearDown() { database?.drop() }

    /// Locks a batch on a fresh connection and registers its claim, as the worker does before
    /// its first delivery. Returns the connection (still holding the batch) and the batch.
    private func lockAndRegister(id: String, now: Date, limit: Int = 10) throws -> (PGConnection, OutboxQueue.LockedBatch) {
        let conn = database.connect()
        let queue = OutboxQueue(db: conn, workerID: id)
        try conn.query("BEGIN")
        let batch = try XCTUnwrap(try queue.lockBatch(limit: limit, channels: [.sms], now: now))
        _ = try OutboxQueue(db: database.connect(), workerID: id).register(batch.messages, heldBy: batch.holder, now: now)
        return (conn, batch)
    }

    private func kill(_ conn: PGConnection, holder: Int) throws {
        conn.close()
        let db = database.connect()
        let deadline = Date().addingTimeInterval(10)
        while (try? db.query("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1", [holder])
            .first?.get("n", as: Int.self)) != 0
        {
            guard Date() < deadline else { return XCTFail("backend \(holder) still there") }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    private func attempts(_ db: PGConnection) throws -> [Int64: Int] {
        try db.query("SELECT id, attempts FROM outbox_messages").rows.reduce(into: [Int64: Int]()) {
            $0[try $1.get("id")] = try $1.get("attempts")
        }
    }

    func testBatchOfAKilledWorkerIsTakenAgainAtOnceWithTheAttemptCountedAndNothingLost() throws {
        let db = database.connect()
        let ids = try enqueue((1...5).map { testSMS($0) }, db)
        let clock = TestClock()
        let transport = DeduplicatingTransport()
        let (conn, batch) = try lockAndRegister(id: "killed", now: clock.now())
        XCTAssertEqual(batch.messages.map(\.id), ids)
        XCTAssertEqual(batch.messages.map(\.attempts), [1, 1, 1, 1, 1])
        for message in batch.messages.prefix(2) {  // delivered, never recorded
            _ = transport.deliver(
                RenderedMessage(
                    outboxID: message.id, recipient: message.recipient, language: "fr",
                    content: .sms(text: "x")))
        }
        try kill(conn, holder: batch.holder)

        // No lease to wait for: the locks died with the backend.
        let report = try makeWorker(database.connect(), id: "rescuer", transport: transport, clock: clock).drainOnce()
        XCTAssertEqual(report.rescued, 5, "each message of the dead batch had its attempt counted")
        XCTAssertEqual(report.sent, 5)
        XCTAssertEqual(report.alreadyDelivered, 2, "the two it had written are recognised, not written again")
        XCTAssertEqual(Set(try states(db).values), [.sent])
        XCTAssertEqual(Set(transport.attempts.keys), Set(ids), "nothing lost")
        XCTAssertEqual(Set(try attempts(db).values), [2], "the killed attempt and the one that delivered")
        XCTAssertEqual(try db.query("SELECT count(*) AS n FROM outbox_claims").first?.get("n", as: Int.self), 0)
    }

    func testAMessageThatKillsEveryWorkerGoesDeadAfterTheLastAttempt() throws {
        let db = database.connect()
        let id = try enqueue([testSMS(1)], db)[0]
        let clock = TestClock()
        let rescuer = OutboxQueue(db: database.connect(), workerID: "rescuer")
        let max = RetryPolicy().maxAttempts
        for crash in 1...max {
            let (conn, batch) = try lockAndRegister(id: "victim-\(crash)", now: clock.now())
            XCTAssertEqual(batch.messages.map(\.attempts), [crash])
            try kill(conn, holder: batch.holder)
            XCTAssertEqual(try rescuer.rescueAbandonedClaims(lease: 15, maxAttempts: max, now: clock.now()), [id])
        }
        let message = try XCTUnwrap(try Outbox.message(id: id, db))
        XCTAssertEqual(message.state, .dead)
        XCTAssertEqual(message.attempts, max)
        XCTAssertNil(try locked(by: "next", now: clock.now()), "no worker takes it again")
    }

    /// A worker that stops moving keeps its backend, its locks and (until the LeaseKeeper sees
    /// the stall) its heartbeat: once the heartbeat is older than the lease, the rescue ends the
    /// backend, which releases the batch, and counts the attempt.
    func testAHungWorkersBatchIsTakenBackAfterTheLease() throws {
        let db = database.connect()
        let ids = try enqueue((1...3).map { testSMS($0) }, db)
        let clock = TestClock()
        let (conn, batch) = try lockAndRegister(id: "hung", now: clock.now())
        let rescuer = OutboxQueue(db: database.connect(), workerID: "rescuer")
        XCTAssertEqual(
            try rescuer.rescueAbandonedClaims(lease: 15, maxAttempts: 8, now: clock.now().addingTimeInterval(10)), [],
            "alive and within its lease")
        XCTAssertNil(try locked(by: "other", now: clock.now()), "still locked by the hung worker")

        let rescued = try rescuer.rescueAbandonedClaims(lease: 15, maxAttempts: 8, now: clock.now().addingTimeInterval(16))
        XCTAssertEqual(Set(rescued), Set(ids))
        XCTAssertEqual(Set(try attempts(db).values), [1])
        // Its connection comes back without the transaction: the claim is gone, it records nothing.
        let claim = try XCTUnwrap(try db.query("SELECT max(id) AS id FROM outbox_claims").first?.optional("id", as: Int64.self) ?? 0)
        XCTAssertEqual(
            try OutboxQueue(db: conn, workerID: "hung").recordBatch(
                batch.messages.map { .sent($0.id, providerRef: nil, at: clock.now()) }, claim: claim), [])
        XCTAssertEqual(Set(try states(db).values), [.pending])
        XCTAssertEqual(try locked(by: "other", now: clock.now()), ids)
    }

    /// What another worker would lock now (in a transaction rolled back at once).
    private func locked(by id: String, now: Date) throws -> [Int64]? {
        let conn = database.connect()
        defer { conn.close() }
        return try conn.transaction { tx in
            try OutboxQueue(db: tx, workerID: id).lockBatch(limit: 10, channels: [.sms], now: now)?.messages.map(\.id)
        }
    }
}
