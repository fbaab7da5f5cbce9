import Foundation
import XCTest
@testable import Domain

final class ThrottlePolicyTests: XCTestCase {
    private let lastFailure = instant("2025-05-05T10:00:00+02:00")

    func testAccountPolicyJustAfterAFailure() {
        let cases: [(failures: Int, expected: ThrottleDecision)] = [
            (0, .allowed), (4, .allowed), (5, .wait(seconds: 1)), (6, .wait(seconds: 2)),
            (9, .wait(seconds: 16)), (10, .locked), (11, .locked),
        ]
        for item in cases {
            XCTAssertEqual(ThrottlePolicy.password.decision(consecutiveFailures: item.failures,
                                                           lastFailureAt: lastFailure, now: lastFailure),
                           item.expected, "\(item.failures) failures")
        }
    }

    func testWaitShrinksAsTimePasses() {
        let policy = ThrottlePolicy.password
        XCTAssertEqual(policy.decision(consecutiveFailures: 9, lastFailureAt: lastFailure,
                                       now: lastFailure.addingTimeInterval(10)), .wait(seconds: 6))
        XCTAssertEqual(policy.decision(consecutiveFailures: 9, lastFailureAt: lastFailure,
                                       now: lastFailure.addingTimeInterval(15.2)), .wait(seconds: 1))
        XCTAssertEqual(policy.decision(consecutiveFailures: 9, lastFailureAt: lastFailure,
                                       now: lastFailure.addingTimeInterval(16)), .allowed)
        // A locked account stays locked however long one waits.
        XCTAssertEqual(policy.decision(consecutiveFailures: 10, lastFailureAt: lastFailure,
                                       now: lastFailure.addingTimeInterval(86_400)), .locked)
    }

    func testClockGoingBackwardsCountsAsNoTimeElapsed() {
        XCTAssertEqual(ThrottlePolicy.password.decision(consecutiveFailures: 6, lastFailureAt: lastFailure,
                                                       now: lastFailure.addingTimeInterval(-30)), .wait(seconds: 2))
    }

    func testAddressPolicyHasAHigherThresholdAndNeverLocks() {
        let cases: [(failures: Int, expected: ThrottleDecision)] = [
            (19, .allowed), (20, .wait(seconds: 1)), (21, .wait(seconds: 2)), (28, .wait(seconds: 256)),
            (29, .wait(seconds: 300)), (10_000, .wait(seconds: 300)),
        ]
        for item in cases {
            XCTAssertEqual(ThrottlePolicy.address.decision(consecutiveFailures: item.failures,
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
