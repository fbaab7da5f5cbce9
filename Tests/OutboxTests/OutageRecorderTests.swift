import Foundation
import Postgres
import XCTest

@testable import Outbox

/// Outages as one worker meets them, with time moved by hand; then as the table keeps them.
final class OutageRecorderTests: XCTestCase {
    func testAShortDatabaseOutageIsNotRecordedALongOneIsWhole() {
        let clock = TestClock()
        let recorder = OutageRecorder(threshold: 180, clock: clock)
        recorder.databaseUnreachable()
        clock.advance(179)
        recorder.databaseAnswered()
        XCTAssertEqual(recorder.pending, [], "under the threshold: a blip")

        let start = clock.now()
        recorder.databaseUnreachable()
        clock.advance(60)
        recorder.databaseUnreachable()  // still down: the outage began at the first failure
        clock.advance(140)
        recorder.databaseAnswered()
        XCTAssertEqual(recorder.pending, [.ended(.database, from: start, to: clock.now())])
        recorder.databaseAnswered()
        XCTAssertEqual(recorder.pending.count, 1, "answering again adds nothing")
    }

    func testAProviderUnreachableForTheThresholdOpensAnOutageClosedAtTheNextAnswer() {
        let clock = TestClock()
        let recorder = OutageRecorder(threshold: 180, clock: clock)
        let start = clock.now()
        recorder.unreachable(.smsProvider)
        clock.advance(120)
        recorder.unreachable(.smsProvider)
        XCTAssertEqual(recorder.pending, [])
        clock.advance(60)
        recorder.unreachable(.smsProvider)
        XCTAssertEqual(recorder.pending, [.began(.smsProvider, at: start)])
        clock.advance(300)
        recorder.unreachable(.smsProvider)
        recorder.answered(.emailProvider)  // another provider's answer says nothing of this one
        XCTAssertEqual(recorder.pending.count, 1, "opened once")
        recorder.answered(.smsProvider)
        XCTAssertEqual(recorder.pending, [.began(.smsProvider, at: start), .over(.smsProvider, at: clock.now())])
    }

    func testAnAnswerInBetweenStartsTheCountAgain() {
        let clock = TestClock()
        let recorder = OutageRecorder(threshold: 180, clock: clock)
        recorder.unreachable(.emailProvider)
        clock.advance(170)
        recorder.answered(.emailProvider)
        clock.advance(20)
        recorder.unreachable(.emailProvider)
        clock.advance(170)
        recorder.unreachable(.emailProvider)
        XCTAssertEqual(recorder.pending, [], "two short streaks, no outage")
        recorder.answered(.emailProvider)
        XCTAssertEqual(recorder.pending, [], "nothing was open")
    }

    func testWritesThatFailWaitInOrderForTheNextFlush() {
        let clock = TestClock()
        let recorder = OutageRecorder(threshold: 0, clock: clock)
        recorder.unreachable(.smsProvider)
        recorder.answered(.smsProvider)
        struct Down: Error {}
        var written = [OutageRecorder.Write]()
        XCTAssertNotNil(recorder.flush { _ in throw Down() })
        XCTAssertEqual(recorder.pending.count, 2)
        XCTAssertNil(recorder.flush { written.append($0) })
        XCTAssertEqual(written.map { if case .began = $0 { "began" } else { "over" } }, ["began", "over"])
        XCTAssertEqual(recorder.pending, [])
    }
}

final class PlatformOutagesTests: XCTestCase {
    var database: IsolatedDatabase!

    override func setUpWithError() throws { database = try IsolatedDatabase() }
    override func tearDown() { database?.drop() }

    func rows(_ db: PGConnection) throws -> [String] {
        try db.query(
            """
            SELECT component, floor(extract(epoch FROM started_at))::bigint AS s,
                   coalesce(floor(extract(epoch FROM ended_at))::bigint, -1) AS e
            FROM platform_outages ORDER BY started_at, id
            """
        ).rows.map { "\(try $0.get("component", as: String.self)) \(try $0.get("s", as: Int64.self)) \(try $0.get("e", as: Int64.self))" }
    }

    func testTwoWorkersSeeingTheSameOutageMakeOneRow() throws {
        let db = database.connect()
        let t = Date(timeIntervalSince1970: 1_800_000_000)
        func at(_ s: Double) -> Date { t.addingTimeInterval(s) }
        try PlatformOutages.write(.ended(.database, from: at(0), to: at(300)), db)
        try PlatformOutages.write(.ended(.database, from: at(20), to: at(310)), db)
        try PlatformOutages.write(.ended(.database, from: at(1000), to: at(1200)), db)
        try PlatformOutages.write(.began(.smsProvider, at: at(50)), db)
        try PlatformOutages.write(.began(.smsProvider, at: at(70)), db)
        XCTAssertEqual(
            try rows(db),
            ["database 1800000000 1800000310", "sms_provider 1800000050 -1", "database 1800001000 1800001200"])
        try PlatformOutages.write(.over(.smsProvider, at: at(400)), db)
        try PlatformOutages.write(.over(.smsProvider, at: at(500)), db)  // the other worker: nothing open any more
        XCTAssertEqual(try rows(db)[1], "sms_provider 1800000050 1800000400")
        XCTAssertEqual(try PlatformOutages.overlapping(from: at(350), to: at(1100), db).map(\.component), [.smsProvider, .database])
    }

    func testTheWorkerOpensAndClosesAProviderOutage() throws {
        let db = database.connect()
        let ids = try enqueue([testSMS(1), testSMS(2)], db)
        let clock = TestClock()
        var down = true
        let transport = RecordingTransport { _ in down ? .unreachable("sms: connection refused") : .sent(providerRef: "p") }
        let worker = makeWorker(
            database.connect(), transport: transport, clock: clock,
            retry: RetryPolicy(baseDelay: 60, maxDelay: 60, maxAttempts: 20, jitter: 0))
        let start = clock.now()
        for _ in 0..<4 {
            try worker.drainOnce()
            clock.advance(60)
        }
        XCTAssertEqual(try rows(db), ["sms_provider \(Int64(start.timeIntervalSince1970)) -1"])
        down = false
        try worker.drainOnce()
        XCTAssertEqual(try rows(db), ["sms_provider \(Int64(start.timeIntervalSince1970)) \(Int64(clock.now().timeIntervalSince1970))"])
        XCTAssertEqual(try states(db)[ids[0]], .sent)
    }
}
