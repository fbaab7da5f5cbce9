import XCTest

@testable import Domain

/// The schedule that keeps an unopened document from being deemed notified behind someone's back.
final class EscalationScheduleTests: XCTestCase {
    typealias Step = EscalationSchedule.Step

    func delivery(failed: Set<String> = [], temporary: Set<String> = [], used: Set<String> = ["sms"], person: [String] = ["sms", "email"])
        -> EscalationSchedule.Delivery
    {
        .init(failedChannels: failed, temporarilyFailedChannels: temporary, usedChannels: used, personChannels: person)
    }

    func testEveryPlannedStepComesBeforeTheDocumentIsDeemedNotified() {
        XCTAssertEqual(EscalationSchedule.plan.map(\.day), [0, 3, 7, 12])
        XCTAssertTrue(EscalationSchedule.plan.allSatisfy { $0.day < DocumentNotification.deemedAfterDays })
    }

    func testWhenAllGoesWellEachStepWaitsForItsDay() {
        let d = delivery()
        XCTAssertEqual(EscalationSchedule.due(day: 2, delivery: d, done: []), [])
        XCTAssertEqual(EscalationSchedule.due(day: 3, delivery: d, done: []), [.otherChannel])
        XCTAssertEqual(EscalationSchedule.due(day: 6, delivery: d, done: [.otherChannel]), [])
        XCTAssertEqual(EscalationSchedule.due(day: 7, delivery: d, done: [.otherChannel]), [.structureAlert])
        XCTAssertEqual(EscalationSchedule.due(day: 12, delivery: d, done: [.otherChannel, .structureAlert]), [.structureReminder])
        XCTAssertEqual(EscalationSchedule.due(day: 15, delivery: d, done: []), [], "deemed notified: too late for anything")
    }

    func testAFailureBringsTheOtherChannelForwardAndAPassingOneIsRetriedFirst() {
        XCTAssertEqual(EscalationSchedule.due(day: 0, delivery: delivery(failed: ["sms"]), done: []), [.otherChannel])
        XCTAssertEqual(
            EscalationSchedule.due(day: 0, delivery: delivery(failed: ["sms"], temporary: ["sms"]), done: []), [.retry, .otherChannel])
    }

    func testNobodyLeftToReachAlertsTheStructureAtOnceButAfterTheRetry() {
        let phoneOnly = delivery(failed: ["sms"], person: ["sms"])
        XCTAssertEqual(EscalationSchedule.due(day: 0, delivery: phoneOnly, done: []), [.structureAlert])
        let passing = delivery(failed: ["sms"], temporary: ["sms"], person: ["sms"])
        XCTAssertEqual(EscalationSchedule.due(day: 0, delivery: passing, done: []), [.retry], "one more try first")
        XCTAssertEqual(EscalationSchedule.due(day: 1, delivery: passing, done: [.retry]), [.structureAlert], "the retry failed too")
        let nothing = delivery(used: [], person: [])
        XCTAssertEqual(EscalationSchedule.due(day: 0, delivery: nothing, done: []), [.structureAlert], "no contact at all")
    }

    func testAJobThatMissedDaysAlertsOnceNotTwice() {
        XCTAssertEqual(EscalationSchedule.due(day: 13, delivery: delivery(), done: [.otherChannel]), [.structureAlert])
    }
}
