import Foundation
import XCTest

@testable import Domain

final class ThrottlePolicyTests: XCTestCase {
    private let lastFailure = instant("2025-05-05T10:00:00+02:00")

    func testPasswordPolicyJustAfterAFailure() {
        let cases: [(failures: Int, expected: ThrottleDecision)] = [
            (0, .allowed), (4, .allowed), (5, .wait(seconds: 1)), (6, .wait(seconds: 2)),
            (9, .wait(seconds: 16)), (13, .wait(seconds: 256)), (14, .wait(seconds: 300)), (19, .wait(seconds: 300)),
            (20, .locked), (21, .locked),
        ]
        for item in cases {
            XCTAssertEqual(
                ThrottlePolicy.password.decision(
                    consecutiveFailures: item.failures,
                    lastFailureAt: lastFailure, now: lastFailure),
                item.expected, "\(item.failures) failures")
        }
    }

    func testReachingTheLockTakesAnAttackerMoreThanHalfAnHour() {
        let p = ThrottlePolicy.password
        let waits = (1..<p.lockAt!).map { p.delay(afterFailures: $0) }.reduce(0, +)
        XCTAssertEqual(waits, 2311)  // 1+2+…+256 s, then six waits of 5 minutes
    }

    func testTheOwnerIsWarnedThenToldOfTheLockOnce() {
        let p = ThrottlePolicy.password
        let notices = (1...25).compactMap { n in p.notice(afterFailures: n).map { (n, $0) } }
        XCTAssertEqual(notices.map(\.0), [10, 20])
        XCTAssertEqual(notices.map(\.1), [.warned, .locked])
    }

    func testWaitShrinksAsTimePasses() {
        let policy = ThrottlePolicy.password
        XCTAssertEqual(
            policy.decision(
                consecutiveFailures: 9, lastFailureAt: lastFailure,
                now: lastFailure.addingTimeInterval(10)), .wait(seconds: 6))
        XCTAssertEqual(
            policy.decision(
                consecutiveFailures: 9, lastFailureAt: lastFailure,
                now: lastFailure.addingTimeInterval(15.2)), .wait(seconds: 1))
        XCTAssertEqual(
            policy.decision(
                consecutiveFailures: 9, lastFailureAt: lastFailure,
                now: lastFailure.addingTimeInterval(16)), .allowed)
    }

    func testALockOutlastsTheMemoryButACountDoesNot() {
        let p = ThrottlePolicy.password
        let later = lastFailure.addingTimeInterval(p.memory + 1)
        XCTAssertEqual(p.decision(consecutiveFailures: 20, lastFailureAt: lastFailure, now: later), .locked)
        XCTAssertEqual(p.effectiveFailures(19, lastFailureAt: lastFailure, now: later), 0)
        XCTAssertEqual(p.effectiveFailures(19, lastFailureAt: lastFailure, now: lastFailure.addingTimeInterval(p.memory)), 19)
    }

    func testKeyChecksSlowDownButNeverLock() {
        XCTAssertNil(ThrottlePolicy.key.lockAt)
        XCTAssertEqual(
            ThrottlePolicy.key.decision(consecutiveFailures: 1000, lastFailureAt: lastFailure, now: lastFailure),
            .wait(seconds: 300))
    }

    func testClockGoingBackwardsCountsAsNoTimeElapsed() {
        XCTAssertEqual(
            ThrottlePolicy.password.decision(
                consecutiveFailures: 6, lastFailureAt: lastFailure,
                now: lastFailure.addingTimeInterval(-30)), .wait(seconds: 2))
    }

    func testAddressPolicyHasAHigherThresholdAndNeverLocks() {
        let cases: [(failures: Int, expected: ThrottleDecision)] = [
            (19, .allowed), (20, .wait(seconds: 1)), (21, .wait(seconds: 2)), (28, .wait(seconds: 256)),
            (29, .wait(seconds: 300)), (10_000, .wait(seconds: 300)),
        ]
        for item in cases {
            XCTAssertEqual(
                ThrottlePolicy.address.decision(
                    consecutiveFailures: item.failures,
                    lastFailureAt: lastFailure, now: lastFailure),
                item.expected, "\(item.failures) failures")
        }
    }

    func testDelayIsCappedAtFiveMinutes() {
        XCTAssertEqual(ThrottlePolicy.password.delay(afterFailures: 13), 256)
        XCTAssertEqual(ThrottlePolicy.password.delay(afterFailures: 14), 300)
        XCTAssertEqual(ThrottlePolicy.password.delay(afterFailures: Int.max), 300)
    }
}
