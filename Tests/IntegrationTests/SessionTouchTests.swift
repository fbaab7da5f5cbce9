import Foundation
import Postgres
import Security
import XCTest

@testable import Web

/// `last_seen_at` is written at most once a minute per session (a commit per page view
/// otherwise, issue 10), while the 30-minute idle expiry still holds.
final class SessionTouchTests: XCTestCase {
    let store = SessionStore(idleSeconds: 1800, absoluteSeconds: 12 * 3600)
    var db: PGConnection!

    override func setUpWithError() throws { db = try TestDatabase.connect() }

    /// The row's version (xmin changes with every UPDATE, even one writing the same value).
    private func row(_ token: String) throws -> (xmin: Int64, lastSeen: Date) {
        let r = try XCTUnwrap(
            db.query(
                "SELECT xmin::text::bigint AS x, last_seen_at FROM sessions WHERE token_hash = $1",
                [PGBytes(Digest.sha256(token))]
            ).first)
        return (try r.get("x"), try r.get("last_seen_at"))
    }

    private func setLastSeen(_ token: String, secondsAgo: Int) throws {
        try db.query(
            "UPDATE sessions SET last_seen_at = now() - make_interval(secs => $2) WHERE token_hash = $1",
            [PGBytes(Digest.sha256(token)), secondsAgo])
    }

    func testLookupsWithinAMinuteWriteNothing() throws {
        let s = try store.start(subject: .applicant, id: 424_242, replacing: nil, db: db)
        let before = try row(s.token)
        XCTAssertEqual(try store.find(token: s.token, db: db)?.subjectId, 424_242)
        XCTAssertEqual(try store.find(token: s.token, db: db)?.subjectId, 424_242)
        let after = try row(s.token)
        XCTAssertEqual(after.xmin, before.xmin, "a lookup within the minute updated the row")
        XCTAssertEqual(after.lastSeen, before.lastSeen)
    }

    func testLookupAfterAMinuteRefreshesTheIdleTimer() throws {
        let s = try store.start(subject: .applicant, id: 424_243, replacing: nil, db: db)
        try setLastSeen(s.token, secondsAgo: 120)
        let before = try row(s.token)
        XCTAssertNotNil(try store.find(token: s.token, db: db))
        let after = try row(s.token)
        XCTAssertNotEqual(after.xmin, before.xmin)
        XCTAssertGreaterThan(after.lastSeen, before.lastSeen.addingTimeInterval(100))
    }

    func testSessionInUseNeverExpiresAndAnIdleOneDoes() throws {
        let s = try store.start(subject: .staff, id: 424_244, replacing: nil, db: db)
        // Last written 29m50s ago and used now: still live, and the timer starts again.
        try setLastSeen(s.token, secondsAgo: 1790)
        XCTAssertNotNil(try store.find(token: s.token, db: db))
        XCTAssertLessThan(Date().timeIntervalSince(try row(s.token).lastSeen), 60)
        XCTAssertNotNil(try store.find(token: s.token, db: db))
        // Idle past 30 minutes: gone, and the lookup does not revive it.
        try setLastSeen(s.token, secondsAgo: 1801)
        XCTAssertNil(try store.find(token: s.token, db: db))
        XCTAssertNil(try store.find(token: s.token, db: db))
    }
}
