import Foundation
import XCTest

@testable import Domain

final class ClosedSpaceAccessTests: XCTestCase {
    private let closed = instant("2025-06-02T16:00:00+02:00")

    func testAnOpenSpaceIsOpen() {
        XCTAssertEqual(ClosedSpaceAccess.decide(closedAt: nil, lastDecisionNotifiedAt: closed, days: 90, now: closed), .open)
    }

    func testWithoutADecisionTheDaysRunFromTheClosure() {
        let access = ClosedSpaceAccess.decide(closedAt: closed, lastDecisionNotifiedAt: nil, days: 90, now: closed)
        XCTAssertEqual(access, .readOnly(until: day("2025-08-31")))
    }

    func testTheLastDayIsIncludedToMidnightInParis() {
        let lastEvening = instant("2025-08-31T23:59:00+02:00")
        let nextMorning = instant("2025-09-01T00:00:00+02:00")
        XCTAssertEqual(
            ClosedSpaceAccess.decide(closedAt: closed, lastDecisionNotifiedAt: nil, days: 90, now: lastEvening),
            .readOnly(until: day("2025-08-31")))
        XCTAssertEqual(ClosedSpaceAccess.decide(closedAt: closed, lastDecisionNotifiedAt: nil, days: 90, now: nextMorning), .ended)
    }

    func testALaterDecisionNotificationMovesTheEnd() {
        // Deposited the day before closure, deemed notified 15 days later: the days run from then.
        let notified = instant("2025-06-16T10:00:00+02:00")
        XCTAssertEqual(
            ClosedSpaceAccess.decide(closedAt: closed, lastDecisionNotifiedAt: notified, days: 30, now: closed),
            .readOnly(until: day("2025-07-16")))
        // An earlier notification does not shorten the period after the closure.
        let earlier = instant("2025-05-01T10:00:00+02:00")
        XCTAssertEqual(
            ClosedSpaceAccess.decide(closedAt: closed, lastDecisionNotifiedAt: earlier, days: 30, now: closed),
            .readOnly(until: day("2025-07-02")))
    }

    func testTheLastDecisionIsTheLatestNotificationAndOtherLettersDoNotCount() {
        let deposit = instant("2025-05-05T10:00:00+02:00")
        let consulted = instant("2025-05-06T09:00:00+02:00")
        let docs: [(kind: DocumentKind, depositedAt: Date, firstConsultedAt: Date?)] = [
            (.decisionRejection, deposit, consulted),
            (.convocation, instant("2025-06-01T10:00:00+02:00"), nil),
        ]
        XCTAssertEqual(ClosedSpaceAccess.lastDecisionNotification(of: docs, now: closed), consulted)
        // Not consulted, not yet deemed: the instant it will be deemed notified.
        let pending: [(kind: DocumentKind, depositedAt: Date, firstConsultedAt: Date?)] = [(.decisionInadmissibility, deposit, nil)]
        XCTAssertEqual(
            ClosedSpaceAccess.lastDecisionNotification(of: pending, now: deposit), instant("2025-05-20T10:00:00+02:00"))
        XCTAssertEqual(
            ClosedSpaceAccess.lastDecisionNotification(of: docs + [(.renotification, deposit, nil)], now: closed),
            instant("2025-05-20T10:00:00+02:00"))
        XCTAssertNil(ClosedSpaceAccess.lastDecisionNotification(of: [(.convocation, deposit, nil)], now: closed))
    }

    func testLongAfterTheEndItStaysEnded() {
        let later = instant("2026-06-02T16:00:00+02:00")
        XCTAssertEqual(ClosedSpaceAccess.decide(closedAt: closed, lastDecisionNotifiedAt: closed, days: 90, now: later), .ended)
        XCTAssertEqual(
            ClosedSpaceAccess.decide(closedAt: closed, lastDecisionNotifiedAt: nil, days: 400, now: later),
            .readOnly(until: day("2026-07-07")))
    }
}
