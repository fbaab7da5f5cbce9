import Foundation
import Outbox
import Postgres
import XCTest

/// Several workers on one table never deliver the same claimed message.
final class ClaimTests: XCTestCase {
    var database: IsolatedDatabase!

    override func setUpWithError() throws { database = try IsolatedDatabase() }
    override func tearDown() { database?.drop() }

    func testInterleavedClaimsOnTwoConnectionsAreDisjoint() throws {
        let ids = try enqueue((1...50).map { testSMS($0) }, database.connect())
        let a = OutboxQueue(db: database.connect(), workerID: "a")
        let b = OutboxQueue(db: database.connect(), workerID: "b")
        let now = Date()
        var claimedByA = [Int64]()
        var claimedByB = [Int64]()
        for _ in 0..<3 {
            claimedByA += try a.claim(limit: 7, now: now).map(\.id)
            claimedByB += try b.claim(limit: 9, now: now).map(\.id)
        }
        XCTAssertEqual(claimedByA.count, 21)
        XCTAssertEqual(claimedByB.count, 27)
        XCTAssertTrue(Set(claimedByA).isDisjoint(with: claimedByB))
        let owners = try database.connect().query(
            "SELECT id, locked_by FROM outbox_messages WHERE state = 'sending'"
        ).rows
        for row in owners {
            let id: Int64 = try row.get("id")
            XCTAssertEqual(try row.get("locked_by", as: String.self), claimedByA.contains(id) ? "a" : "b")
        }
        XCTAssertEqual(Set(claimedByA + claimedByB).count + 2, ids.count, "two left pending")
    }

    /// While A's claim is still uncommitted (rows locked), B skips those rows instead of
    /// waiting for them or taking them.
    func testClaimSkipsRowsLockedByAnOpenClaim() throws {
        try enqueue((1...20).map { testSMS($0) }, database.connect())
        let connA = database.connect()
        let connB = database.connect()
        try connB.execute("SET lock_timeout = '2s'")  // without SKIP LOCKED B would block, then fail
        let b = OutboxQueue(db: connB, workerID: "b")
        let (fromA, fromB) = try connA.transaction { tx -> ([Int64], [Int64]) in
            let fromA = try OutboxQueue(db: tx, workerID: "a").claim(limit: 12, now: Date()).map(\.id)
            let fromB = try b.claim(limit: 12, now: Date()).map(\.id)
            return (fromA, fromB)
        }
        XCTAssertEqual(fromA.count, 12)
        XCTAssertEqual(fromB.count, 8)
        XCTAssertTrue(Set(fromA).isDisjoint(with: fromB))
    }

    /// Two workers draining the same table at the same time deliver every message exactly once.
    func testConcurrentWorkersDeliverEachMessageOnce() throws {
        let ids = try enqueue((1...400).map { testSMS($0) }, database.connect())
        let transport = RecordingTransport()
        let conninfo = database.conninfo
        let group = DispatchGroup()
        let errors = ErrorBox()
        for name in ["a", "b"] {
            group.enter()
            Thread {
                defer { group.leave() }
                do {
                    let worker = makeWorker(
                        PGConnection(conninfo: conninfo), id: name, transport: transport,
                        clock: SystemClock(), batchSize: 5)
                    try worker.drainOnce()
                } catch { errors.add(error) }
            }.start()
        }
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
        XCTAssertTrue(errors.all.isEmpty, "\(errors.all)")
        let delivered = transport.delivered.map(\.outboxID)
        XCTAssertEqual(delivered.count, ids.count, "no message delivered twice")
        XCTAssertEqual(Set(delivered), Set(ids))
        XCTAssertEqual(Set(try states(database.connect()).values), [.sent])
    }
}

final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var errors = [Error]()
    func add(_ e: Error) { lock.withLock { errors.append(e) } }
    var all: [Error] { lock.withLock { errors } }
}
