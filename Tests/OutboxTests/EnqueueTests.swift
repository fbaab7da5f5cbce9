import Foundation
import Outbox
import Postgres
import XCTest

/// The application's side: a message exists iff the caller's transaction commits; dedup keys.
final class EnqueueTests: XCTestCase {
    var database: IsolatedDatabase!

    override func setUpWithError() throws { database = try IsolatedDatabase() }
    override func tearDown() { database?.drop() }

    struct EventFailed: Error {}

    func testMessageOfARolledBackTransactionIsNeverSent() throws {
        let db = database.connect()
        XCTAssertThrowsError(
            try db.transaction { tx in
                try Outbox.enqueue(testSMS(1), in: tx)
                throw EventFailed()
            })
        try enqueue([testSMS(2)], db)  // the committed one shows the worker does deliver

        let transport = RecordingTransport()
        try makeWorker(database.connect(), transport: transport, clock: SystemClock()).drainOnce()
        XCTAssertEqual(transport.delivered.map(\.recipient), ["+33600000002"])
        XCTAssertEqual(try db.query("SELECT count(*) AS n FROM outbox_messages").first?.get("n", as: Int.self), 1)
    }

    func testEnqueueOutsideATransactionIsRefused() throws {
        let db = database.connect()
        XCTAssertThrowsError(try Outbox.enqueue(testSMS(1), in: db)) { error in
            XCTAssertEqual(error as? OutboxError, .notInTransaction)
        }
        XCTAssertEqual(try db.query("SELECT count(*) AS n FROM outbox_messages").first?.get("n", as: Int.self), 0)
    }

    func testEnqueueNotifiesListenersAtCommitOnly() throws {
        let listener = database.connect()
        try listener.listen("outbox")
        let db = database.connect()
        try db.transaction { tx in
            try Outbox.enqueue(testSMS(1), in: tx)
            XCTAssertEqual(try listener.waitForNotifications(timeout: 0.3), [], "not before commit")
        }
        XCTAssertEqual(try listener.waitForNotifications(timeout: 2), ["outbox"])
    }

    func testInvalidMessagesAreRefusedAtEnqueue() throws {
        let db = database.connect()
        let bad = [
            OutboxMessage(channel: .sms, recipient: "0612345678", template: "test_message", language: "fr"),
            OutboxMessage(channel: .email, recipient: "a@b.org\r\nBcc: x@y.org", template: "test_message", language: "fr"),
            OutboxMessage(channel: .email, recipient: "a@b.org", template: "no_such_template", language: "fr"),
            OutboxMessage(channel: .sms, recipient: "+33612345678", template: "key_reissued", language: "fr"),
        ]
        for message in bad {
            XCTAssertThrowsError(try db.transaction { tx in try Outbox.enqueue(message, in: tx) }, "\(message)")
        }
    }

    func testDedupKeyKeepsOneAliveMessage() throws {
        let db = database.connect()
        let key = "document_deposited:sms:doc-42"
        let message = OutboxMessage(
            channel: .sms, recipient: "+33612345678", template: "document_deposited",
            language: "fr", dedupKey: key, subjectRef: "document:doc-42")
        let first = try db.transaction { try Outbox.enqueue(message, in: $0) }
        guard case .queued(let firstID) = first else { return XCTFail("\(first)") }
        XCTAssertEqual(try db.transaction { try Outbox.enqueue(message, in: $0) }, .alreadyQueued(id: firstID))

        // Sent is still alive: the same event does not send twice.
        let transport = RecordingTransport()
        try makeWorker(database.connect(), transport: transport, clock: SystemClock()).drainOnce()
        XCTAssertEqual(transport.delivered.count, 1)
        XCTAssertEqual(try db.transaction { try Outbox.enqueue(message, in: $0) }, .alreadyQueued(id: firstID))

        // Once dead, a new message for the same key may be queued; the dead one then cannot be retried.
        try db.query("UPDATE outbox_messages SET state = 'dead', sent_at = NULL WHERE id = $1", [firstID])
        guard case .queued(let secondID) = try db.transaction({ try Outbox.enqueue(message, in: $0) }) else {
            return XCTFail("a dead message must not block its key")
        }
        XCTAssertNotEqual(secondID, firstID)
        XCTAssertEqual(try Outbox.retry(id: firstID, db), .superseded(byID: secondID))

        // Messages without a key are never deduplicated.
        var plain = message
        plain.dedupKey = nil
        XCTAssertNotEqual(
            try db.transaction { try Outbox.enqueue(plain, in: $0) },
            try db.transaction { try Outbox.enqueue(plain, in: $0) })
    }

    func testStaffReadAndRetryAPI() throws {
        let db = database.connect()
        let ids = try enqueue([testSMS(1), testSMS(2), testSMS(3)], db)
        let transport = RecordingTransport { $0.outboxID == ids[1] ? .permanentFailure("provider said 400") : .sent(providerRef: "p") }
        try makeWorker(database.connect(), transport: transport, clock: SystemClock()).drainOnce()

        let counts = try Outbox.counts(db)
        XCTAssertEqual(counts[.sent], 2)
        XCTAssertEqual(counts[.dead], 1)
        XCTAssertEqual(counts[.pending], 0)
        XCTAssertNil(counts.oldestDueAt)
        let undelivered = try Outbox.undelivered(db)
        XCTAssertEqual(undelivered.map(\.id), [ids[1]])
        XCTAssertEqual(undelivered.first?.lastError, "provider said 400")

        XCTAssertEqual(try Outbox.retry(id: ids[0], db), .notRetryable(.sent))
        XCTAssertEqual(try Outbox.retry(id: 999_999, db), .notFound)
        XCTAssertEqual(try Outbox.retry(id: ids[1], db), .requeued)
        let again = try XCTUnwrap(Outbox.message(id: ids[1], db))
        XCTAssertEqual(again.state, .pending)
        XCTAssertEqual(again.attempts, 0)
        XCTAssertNotNil(try Outbox.counts(db).oldestDueAt)

        XCTAssertEqual(try Outbox.messages(subjectRef: "person:test-2", db).map(\.id), [ids[1]])
        XCTAssertEqual(
            try Outbox.messages(subjectRefs: ["person:test-1", "person:test-3", "person:none", "a\"b\\c"], db)
                .mapValues { $0.map(\.id) }, ["person:test-1": [ids[0]], "person:test-3": [ids[2]]],
            "several subjects in one statement, each with its own messages")
        XCTAssertEqual(try Outbox.messages(recipient: "+33600000003", db).map(\.id), [ids[2]])
    }

    func testSecretParamsLeaveTheRowOnceSent() throws {
        let db = database.connect()
        let ids = try enqueue(
            [
                OutboxMessage(
                    channel: .sms, recipient: "+33612345678", template: "key_reissued",
                    language: "en", params: ["key": "7KQ2-M9XD-4TPA"])
            ], db)
        XCTAssertEqual(try Outbox.message(id: ids[0], db)?.params, ["key": "7KQ2-M9XD-4TPA"])
        let transport = RecordingTransport()
        try makeWorker(database.connect(), transport: transport, clock: SystemClock()).drainOnce()
        guard case .sms(let text)? = transport.delivered.first?.content else { return XCTFail("no SMS") }
        XCTAssertTrue(text.contains("7KQ2-M9XD-4TPA"))
        XCTAssertEqual(try Outbox.message(id: ids[0], db)?.params, [:])
    }
}
