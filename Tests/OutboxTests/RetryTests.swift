import Foundation
import Outbox
import Postgres
import XCTest

/// Backoff, giving up, lease rescue and shutdown, with time moved by hand (no sleeps).
final class RetryTests: XCTestCase {
    var database: IsolatedDatabase!

    override func setUpWithError() throws { database = try IsolatedDatabase() }
    override func tearDown() { database?.drop() }

    func testBackoffDoublesUpToTheCapThenTheMessageIsDead() throws {
        let db = database.connect()
        let id = try enqueue([testSMS(1)], db)[0]
        let clock = TestClock()
        let transport = RecordingTransport { _ in .temporaryFailure("provider 503") }
        let policy = RetryPolicy(baseDelay: 30, maxDelay: 3600, maxAttempts: 10)
        let worker = makeWorker(database.connect(), transport: transport, clock: clock, retry: policy)

        let expected: [TimeInterval] = [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
        for (index, delay) in expected.enumerated() {
            try worker.drainOnce()
            let record = try XCTUnwrap(Outbox.message(id: id, db))
            XCTAssertEqual(record.state, .pending)
            XCTAssertEqual(record.attempts, index + 1)
            XCTAssertEqual(record.lastError, "provider 503")
            XCTAssertEqual(
                record.nextAttemptAt.timeIntervalSince(clock.now()), delay, accuracy: 0.001,
                "delay after attempt \(index + 1)")
            clock.advance(delay - 1)
            try worker.drainOnce()
            XCTAssertEqual(transport.delivered.count, index + 1, "not retried before it is due")
            clock.advance(1)
        }
        try worker.drainOnce()
        let record = try XCTUnwrap(Outbox.message(id: id, db))
        XCTAssertEqual(record.state, .dead)
        XCTAssertEqual(record.attempts, 10)
        XCTAssertEqual(record.lastError, "gave up after 10 attempts: provider 503")
        clock.advance(86_400)
        try worker.drainOnce()
        XCTAssertEqual(transport.delivered.count, 10, "a dead message is not tried again")
    }

    func testDefaultPolicyGivesUpAfterEightAttempts() throws {
        let db = database.connect()
        let id = try enqueue([testSMS(1)], db)[0]
        let clock = TestClock()
        let worker = makeWorker(
            database.connect(), transport: RecordingTransport { _ in .temporaryFailure("timeout") },
            clock: clock)
        for _ in 1...8 {
            try worker.drainOnce()
            clock.advance(3600)
        }
        let record = try XCTUnwrap(Outbox.message(id: id, db))
        XCTAssertEqual(record.state, .dead)
        XCTAssertEqual(record.attempts, 8)
    }

    func testJitterOnlyShortensTheDelayByAQuarterAtMost() {
        let policy = RetryPolicy()
        XCTAssertEqual(policy.delay(afterAttempts: 1, random: 0), 30)
        XCTAssertEqual(policy.delay(afterAttempts: 3, random: 0.5), 120 * 0.875)
        XCTAssertEqual(policy.delay(afterAttempts: 20, random: 0.999_999), 3600 * 0.75, accuracy: 0.01)
        XCTAssertEqual(policy.delay(afterAttempts: 20, random: 0), 3600)
    }

    func testPermanentFailureIsDeadAtOnce() throws {
        let db = database.connect()
        let id = try enqueue([testSMS(1)], db)[0]
        try makeWorker(database.connect(), transport: RecordingTransport { _ in .permanentFailure("sms http 400: invalid number") })
            .drainOnce()
        let record = try XCTUnwrap(Outbox.message(id: id, db))
        XCTAssertEqual(record.state, .dead)
        XCTAssertEqual(record.attempts, 1)
        XCTAssertEqual(record.lastError, "sms http 400: invalid number")
        XCTAssertNil(record.lockedBy)
    }

    func testMessageThatCannotBeRenderedIsFailedWithoutReachingTheTransport() throws {
        let db = database.connect()
        // Rows written by hand in SQL skip enqueue's checks.
        try db.query(
            """
            INSERT INTO outbox_messages (channel, recipient, template, language, params)
            VALUES ('sms', '+33612345678', 'key_reissued', 'fr', '{}'), ('email', 'not-an-address', 'test_message', 'fr', '{}')
            """)
        let transport = RecordingTransport()
        let report = try makeWorker(database.connect(), transport: transport).drainOnce()
        XCTAssertEqual(report.failed, 2)
        XCTAssertTrue(transport.delivered.isEmpty)
        let failed = try Outbox.undelivered(db)
        XCTAssertEqual(failed.map(\.state), [.failed, .failed])
        XCTAssertTrue(failed.contains { $0.lastError?.contains("needs key") == true })
    }

    func testExpiredLeaseIsRescuedAndTheSlowWorkerCannotOverwrite() throws {
        let db = database.connect()
        let id = try enqueue([testSMS(1)], db)[0]
        let clock = TestClock()
        let slow = OutboxQueue(db: database.connect(), workerID: "slow")
        XCTAssertEqual(try slow.claim(limit: 10, now: clock.now()).map(\.id), [id])

        let transport = RecordingTransport()
        let rescuer = makeWorker(database.connect(), id: "rescuer", transport: transport, clock: clock)
        let lease = rescuer.configuration.lease
        clock.advance(lease - 1)
        XCTAssertEqual(try rescuer.drainOnce().rescued, 0)
        XCTAssertTrue(transport.delivered.isEmpty, "still within the lease")
        XCTAssertEqual(try Outbox.message(id: id, db)?.lockedBy, "slow")

        clock.advance(2)
        let report = try rescuer.drainOnce()
        XCTAssertEqual(report.rescued, 1)
        XCTAssertEqual(transport.delivered.map(\.outboxID), [id])
        XCTAssertFalse(try slow.markSent(id: id, providerRef: "late", now: clock.now()), "the slow worker lost it")
        let record = try XCTUnwrap(Outbox.message(id: id, db))
        XCTAssertEqual(record.state, .sent)
        XCTAssertEqual(record.providerRef, "ref-\(id)")
        XCTAssertEqual(record.attempts, 2)
    }

    func testRescueOfAMessageWithNoAttemptsLeftMakesItDead() throws {
        let db = database.connect()
        let id = try enqueue([testSMS(1)], db)[0]
        try db.query("UPDATE outbox_messages SET attempts = 7 WHERE id = $1", [id])
        let clock = TestClock()
        _ = try OutboxQueue(db: database.connect(), workerID: "crashing").claim(limit: 1, now: clock.now())
        clock.advance(OutboxWorker.Configuration(workerID: "x", portalURL: "", production: false).lease + 1)
        let transport = RecordingTransport()
        try makeWorker(database.connect(), transport: transport, clock: clock).drainOnce()
        let record = try XCTUnwrap(Outbox.message(id: id, db))
        XCTAssertEqual(record.state, .dead)
        XCTAssertTrue(record.lastError?.hasPrefix("lease expired: crashing") == true, record.lastError ?? "")
        XCTAssertTrue(transport.delivered.isEmpty)
    }

    func testStopFinishesTheMessageInHandAndReleasesTheRest() throws {
        let db = database.connect()
        let ids = try enqueue((1...10).map { testSMS($0) }, db)
        let stop = StopFlag()
        let transport = RecordingTransport()
        transport.answer = { message in
            if message.outboxID == ids[2] { stop.set() }  // SIGTERM arrives during the third delivery
            return .sent(providerRef: nil)
        }
        let report = try makeWorker(database.connect(), transport: transport, batchSize: 10, stop: stop).drainOnce()
        XCTAssertEqual(report.sent, 3)
        XCTAssertEqual(report.released, 7)
        let rows = try db.query("SELECT id, state, attempts, locked_by FROM outbox_messages ORDER BY id").rows
        for (index, row) in rows.enumerated() {
            XCTAssertEqual(try row.get("state", as: String.self), index < 3 ? "sent" : "pending")
            XCTAssertEqual(try row.get("attempts", as: Int.self), index < 3 ? 1 : 0, "a released claim is not an attempt")
            XCTAssertTrue(row.isNull("locked_by"))
        }
    }

    // MARK: crash semantics (a worker SIGKILLed at any moment)

    /// The heartbeat keeps a live worker's claims however long its batch takes.
    func testHeartbeatKeepsTheClaimsOfALiveWorkerPastTheLease() throws {
        let db = database.connect()
        let id = try enqueue([testSMS(1)], db)[0]
        let clock = TestClock()
        let busy = OutboxQueue(db: database.connect(), workerID: "busy")
        XCTAssertEqual(try busy.claim(limit: 10, now: clock.now()).map(\.id), [id])
        let transport = RecordingTransport()
        let rescuer = makeWorker(database.connect(), id: "rescuer", transport: transport, clock: clock)
        let lease = rescuer.configuration.lease
        for _ in 1...4 {
            clock.advance(lease * 0.6)
            XCTAssertEqual(try busy.heartbeat(now: clock.now()), 1)
            XCTAssertEqual(try rescuer.drainOnce().rescued, 0, "renewed leases are not rescued")
        }
        XCTAssertTrue(transport.delivered.isEmpty)
        clock.advance(lease + 1)  // the heartbeat stopped: the worker died
        XCTAssertEqual(try rescuer.drainOnce().rescued, 1)
        XCTAssertEqual(transport.delivered.map(\.outboxID), [id])
    }

    func testLeaseKeeperStopsRenewingWhenTheDeliveryThreadStalls() throws {
        let progress = DeliveryProgress()
        let keeper = LeaseKeeper(
            conninfo: database.conninfo, workerID: "hung", lease: 15, stallLimit: 0.2,
            progress: progress, stop: StopFlag())
        XCTAssertTrue(keeper.renew())
        XCTAssertFalse(keeper.renew(now: Date().addingTimeInterval(1)), "no progress for longer than the stall limit")
        progress.beat()
        XCTAssertTrue(keeper.renew())
    }

    /// Through a transport that cannot recognise a re-send (SMTP, HTTP SMS), outcomes are
    /// recorded one by one: when a delivery starts, every earlier one is on record, so a kill
    /// can repeat at most the message in hand.
    func testEachOutcomeIsRecordedBeforeTheNextDeliveryStarts() throws {
        let db = database.connect()
        let ids = try enqueue((1...6).map { testSMS($0) }, db)
        let observer = database.connect()
        var unrecordedAtStart = [Int]()
        let transport = RecordingTransport()
        transport.answer = { message in
            let sending = try? observer.query(
                "SELECT count(*) AS n FROM outbox_messages WHERE state = 'sending' AND id < $1",
                [message.outboxID]
            ).first?.get("n", as: Int.self)
            unrecordedAtStart.append(sending ?? -1)
            return .sent(providerRef: nil)
        }
        try makeWorker(database.connect(), transport: transport, batchSize: 6).drainOnce()
        XCTAssertEqual(transport.delivered.map(\.outboxID), ids)
        XCTAssertEqual(unrecordedAtStart, [0, 0, 0, 0, 0, 0])
    }

    /// Through a transport that deduplicates by idempotency key (the spool), a batch is locked,
    /// its claim registered, delivered, committed once by the transport, then recorded (with its
    /// attempt) in one statement.
    func testDeduplicatingTransportRecordsTheBatchAtOnce() throws {
        let db = database.connect()
        let ids = try enqueue((1...6).map { testSMS($0) }, db)
        let observer = database.connect()
        var seenAtDelivery = [String]()
        let transport = DeduplicatingTransport()
        transport.onDeliver = { message in
            let row = try? observer.query(
                """
                SELECT (SELECT count(*) FROM outbox_messages WHERE state <> 'pending' OR attempts <> 0) AS changed,
                       (SELECT cardinality(message_ids) FROM outbox_claims) AS claimed
                """
            ).first
            seenAtDelivery.append("\((try? row?.get("changed", as: Int.self)) ?? -1)/\((try? row?.get("claimed", as: Int.self)) ?? -1)")
        }
        let report = try makeWorker(database.connect(), transport: transport, batchSize: 6).drainOnce()
        XCTAssertEqual(report.sent, 6)
        XCTAssertEqual(
            seenAtDelivery, Array(repeating: "0/6", count: 6),
            "nothing written to the messages before the end of the batch, its claim registered before the first")
        XCTAssertEqual(transport.commits, 1)
        XCTAssertEqual(Set(try states(db).values), [.sent])
        XCTAssertEqual(try db.query("SELECT count(*) AS n FROM outbox_messages WHERE attempts = 1").first?.get("n", as: Int.self), 6)
        XCTAssertEqual(try db.query("SELECT count(*) AS n FROM outbox_claims").first?.get("n", as: Int.self), 0)
        XCTAssertEqual(try Outbox.message(id: ids[3], db)?.providerRef, "held-\(ids[3])")
    }

    /// SMS through a deduplicating transport, e-mail through one that is not: when an e-mail
    /// goes, no other e-mail is delivered and unrecorded (the SMS outcomes are recorded with it).
    func testMixedBatchRecordsEverythingBeforeEachNonDeduplicatedDelivery() throws {
        let db = database.connect()
        let sms = try enqueue((1...4).map { testSMS($0) }, db)
        let mails = try enqueue(
            (1...2).map {
                OutboxMessage(channel: .email, recipient: "m\($0)@example.org", template: "test_message", language: "fr")
            }, db)
        let observer = database.connect()
        var unrecordedAtEmail = [Int]()
        let mail = RecordingTransport()
        mail.answer = { message in
            let sending = try? observer.query(
                "SELECT count(*) AS n FROM outbox_messages WHERE state = 'sending' AND channel = 'email' AND id < $1",
                [message.outboxID]
            ).first?.get("n", as: Int.self)
            unrecordedAtEmail.append(sending ?? -1)
            return .sent(providerRef: nil)
        }
        let spool = DeduplicatingTransport()
        var config = OutboxWorker.Configuration(workerID: "mixed", portalURL: samplePortalURL, production: false)
        config.batchSize = 10
        let worker = OutboxWorker(
            db: database.connect(), configuration: config, templates: sharedTemplates,
            transports: [.sms: spool, .email: mail], clock: TestClock(), jitter: FixedJitter(value: 0))
        XCTAssertEqual(try worker.drainOnce().sent, 6)
        XCTAssertEqual(mail.delivered.map(\.outboxID), mails)
        XCTAssertEqual(unrecordedAtEmail, [0, 0])
        XCTAssertEqual(spool.attempts.count, sms.count)
        XCTAssertEqual(Set(try states(db).values), [.sent])
    }

    /// A worker killed after its spool deliveries, before their record: once the lease is
    /// taken back, the re-send is recognised (nothing sent twice) and recorded as sent.
    func testReSendAfterAKillIsRecognisedAndRecordedAsSent() throws {
        let db = database.connect()
        let ids = try enqueue((1...3).map { testSMS($0) }, db)
        let clock = TestClock()
        let transport = DeduplicatingTransport()
        let killed = OutboxQueue(db: database.connect(), workerID: "killed")
        for message in try killed.claim(limit: 10, now: clock.now()) {  // delivered, never recorded
            _ = transport.deliver(
                RenderedMessage(
                    outboxID: message.id, recipient: message.recipient, language: "fr",
                    content: .sms(text: "x")))
        }
        let rescuer = makeWorker(database.connect(), id: "rescuer", transport: transport, clock: clock)
        clock.advance(rescuer.configuration.lease + 1)
        let report = try rescuer.drainOnce()
        XCTAssertEqual(report.rescued, 3)
        XCTAssertEqual(report.sent, 3)
        XCTAssertEqual(report.alreadyDelivered, 3)
        XCTAssertEqual(Set(try states(db).values), [.sent])
        XCTAssertEqual(Set(transport.attempts.keys), Set(ids))
    }

    /// Rescued messages keep their due time: they go out before messages queued after them,
    /// instead of waiting behind the whole queue.
    func testRescuedMessagesGoToTheFrontOfTheQueue() throws {
        let db = database.connect()
        let first = try enqueue([testSMS(1)], db)[0]
        let clock = TestClock()
        _ = try OutboxQueue(db: database.connect(), workerID: "killed").claim(limit: 1, now: clock.now())
        Thread.sleep(forTimeInterval: 0.01)
        let later = try enqueue([testSMS(2), testSMS(3)], db)
        let transport = RecordingTransport()
        let rescuer = makeWorker(database.connect(), id: "rescuer", transport: transport, clock: clock, batchSize: 1)
        clock.advance(rescuer.configuration.lease + 1)
        try rescuer.drainOnce()
        XCTAssertEqual(transport.delivered.map(\.outboxID), [first] + later)
    }
}
