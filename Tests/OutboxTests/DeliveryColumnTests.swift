import Domain
import Foundation
import Postgres
import XCTest

@testable import Outbox

/// delivery_status (what the person got) as the worker sets it with each outcome, next to the
/// queue's own `state`, and never undoing a provider's receipt.
final class DeliveryColumnTests: XCTestCase {
    var database: IsolatedDatabase!

    override func setUpWithError() throws { database = try IsolatedDatabase() }
    override func tearDown() { database?.drop() }

    func delivery(_ id: Int64, _ db: PGConnection) throws -> (status: String, at: Date) {
        let record = try XCTUnwrap(Outbox.message(id: id, db))
        return (record.deliveryStatus.rawValue, record.deliveryStatusAt)
    }

    func testANewMessageIsCreatedAndAClaimedOneSending() throws {
        let db = database.connect()
        let id = try enqueue([testSMS(1)], db)[0]
        XCTAssertEqual(try delivery(id, db).status, "created")
        let clock = TestClock()
        let seen = database.connect()
        var during = ""
        let transport = RecordingTransport { _ in
            during = (try? self.delivery(id, seen).status) ?? "?"
            return .sent(providerRef: "p")
        }
        try makeWorker(database.connect(), transport: transport, clock: clock).drainOnce()
        XCTAssertEqual(during, "sending", "claimed: being sent")
        let after = try delivery(id, db)
        XCTAssertEqual(after.status, "delivered", "accepted by a transport after which nothing comes")
        XCTAssertEqual(after.at.timeIntervalSince1970, clock.now().timeIntervalSince1970, accuracy: 0.001)
    }

    func testAGatewayThatSendsReceiptsLeavesItSending() throws {
        let db = database.connect()
        let id = try enqueue([testSMS(1)], db)[0]
        try makeWorker(database.connect(), transport: GatewayTransport { _ in .sent(providerRef: "gw-1") }).drainOnce()
        XCTAssertEqual(try Outbox.message(id: id, db)?.state, .sent)
        XCTAssertEqual(try delivery(id, db).status, "sending", "until the gateway's receipt")
    }

    func testFailuresMapToTheirStatus() throws {
        let db = database.connect()
        try db.query(
            "INSERT INTO outbox_messages (channel, recipient, template, language) VALUES ('sms', '+33612345678', 'key_reissued', 'fr')")
        let undeliverable = try XCTUnwrap(db.query("SELECT max(id) AS id FROM outbox_messages").first?.get("id", as: Int64.self))
        let ids = try enqueue([testSMS(1), testSMS(2), testSMS(3)], db)
        let answers: [Int64: DeliveryResult] = [
            ids[0]: .permanentFailure("sms http 400"), ids[1]: .temporaryFailure("sms http 429"), ids[2]: .unreachable("sms http 503"),
        ]
        let clock = TestClock()
        let worker = makeWorker(
            database.connect(), transport: RecordingTransport { answers[$0.outboxID]! }, clock: clock,
            retry: RetryPolicy(baseDelay: 30, maxDelay: 30, maxAttempts: 2))
        try worker.drainOnce()
        XCTAssertEqual(try delivery(undeliverable, db).status, "technical_failure", "undeliverable as written: ours")
        XCTAssertEqual(try delivery(ids[0], db).status, "permanent_failure")
        XCTAssertEqual(try Outbox.message(id: ids[1], db)?.state, .pending)
        XCTAssertEqual(try delivery(ids[1], db).status, "temporary_failure", "being retried")
        XCTAssertEqual(try delivery(ids[2], db).status, "temporary_failure")
        clock.advance(60)
        try worker.drainOnce()
        XCTAssertEqual(try Outbox.message(id: ids[1], db)?.state, .dead)
        XCTAssertEqual(try delivery(ids[1], db).status, "temporary_failure", "retries exhausted: still a temporary failure")
        XCTAssertEqual(try delivery(ids[1], db).at.timeIntervalSince1970, clock.now().timeIntervalSince1970, accuracy: 0.001)
    }

    func testALockedSpoolBatchIsDelivered() throws {
        let db = database.connect()
        let ids = try enqueue([testSMS(1), testSMS(2)], db)
        let worker = makeWorker(database.connect(), transport: DeduplicatingTransport())
        try worker.drainOnce()
        for id in ids { XCTAssertEqual(try delivery(id, db).status, "delivered") }
    }

    /// A receipt recorded before the worker's outcome (the gateway answered fast, or a killed
    /// worker's message is sent again): the worker's "sending" does not undo it.
    func testTheWorkerNeverUndoesAReceipt() throws {
        let db = database.connect()
        let ids = try enqueue([testSMS(1), testSMS(2)], db)
        let side = database.connect()
        let transport = GatewayTransport { message in
            // What POST /api/accuses-de-reception does for the first message while it is out.
            if message.outboxID == ids[0] {
                _ = try? side.query(
                    """
                    UPDATE outbox_messages SET delivery_status = 'delivered', delivery_status_at = now(), delivery_from_receipt = true
                    WHERE id = $1
                    """, [message.outboxID])
            }
            return .sent(providerRef: "gw-\(message.outboxID)")
        }
        try makeWorker(database.connect(), transport: transport).drainOnce()
        XCTAssertEqual(try delivery(ids[0], db).status, "delivered")
        XCTAssertEqual(try delivery(ids[1], db).status, "sending")
        // A staff retry starts the story again (only dead or failed messages can be retried).
        try db.query("UPDATE outbox_messages SET state = 'dead', sent_at = NULL WHERE id = $1", [ids[0]])
        XCTAssertEqual(try Outbox.retry(id: ids[0], db), .requeued)
        XCTAssertEqual(try delivery(ids[0], db).status, "created")
    }

    func testAMessageThatKillsEveryWorkerIsATechnicalFailure() throws {
        let db = database.connect()
        let id = try enqueue([testSMS(1)], db)[0]
        let clock = TestClock()
        // Claimed by a worker that then died, on its last attempt.
        try db.query(
            """
            UPDATE outbox_messages SET state = 'sending', locked_by = 'gone', locked_at = $2, attempts = 8, delivery_status = 'sending'
            WHERE id = $1
            """, [id, clock.now()])
        clock.advance(60)
        try makeWorker(database.connect(), transport: RecordingTransport(), clock: clock).drainOnce()
        XCTAssertEqual(try Outbox.message(id: id, db)?.state, .dead)
        XCTAssertEqual(try delivery(id, db).status, "technical_failure")
    }
}

/// An SMS gateway that sends delivery receipts: accepted means sending.
final class GatewayTransport: Transport, @unchecked Sendable {
    let answer: (RenderedMessage) -> DeliveryResult
    init(answer: @escaping (RenderedMessage) -> DeliveryResult) { self.answer = answer }
    func deliver(_ message: RenderedMessage) -> DeliveryResult { answer(message) }
    var acceptedStatus: DeliveryStatus { .sending }
}
