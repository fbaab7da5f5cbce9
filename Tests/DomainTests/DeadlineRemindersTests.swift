import XCTest

@testable import Domain

final class DeadlineRemindersTests: XCTestCase {
    /// Notified 26 November 2026: legal aid until Friday 11 December, appeal until Monday
    /// 28 December (nominally Saturday 26).
    private func due(today: String, legalAidRequestedOn: String? = nil) -> [String] {
        let deadlines = Deadlines.for(
            kind: .decisionRejection, notifiedOn: day("2026-11-26"), overseas: false, today: day(today),
            legalAidRequestedOn: legalAidRequestedOn.map { day($0) })
        return DeadlineReminders.due(deadlines, today: day(today)).map { "\($0.kind.rawValue)-\($0.daysBefore)" }
    }

    func testOffsets() {
        XCTAssertEqual(DeadlineReminders.daysBefore, [7, 2])
    }

    func testNothingDueEarly() {
        XCTAssertEqual(due(today: "2026-11-27"), [])
        XCTAssertEqual(due(today: "2026-12-03"), [])
    }

    func testLegalAidReminders() {
        XCTAssertEqual(due(today: "2026-12-04"), ["legal_aid_request-7"])
        XCTAssertEqual(due(today: "2026-12-08"), ["legal_aid_request-7"])
        XCTAssertEqual(due(today: "2026-12-09"), ["legal_aid_request-2"])
        XCTAssertEqual(due(today: "2026-12-11"), ["legal_aid_request-2"])
        XCTAssertEqual(due(today: "2026-12-12"), [])
    }

    func testAppealRemindersCountFromTheLegalLastDay() {
        // A week before the nominal Saturday 26 is too early: the law gives until Monday 28.
        XCTAssertEqual(due(today: "2026-12-19"), [])
        XCTAssertEqual(due(today: "2026-12-21"), ["cnda_appeal-7"])
        XCTAssertEqual(due(today: "2026-12-26"), ["cnda_appeal-2"])
        XCTAssertEqual(due(today: "2026-12-28"), ["cnda_appeal-2"])
        XCTAssertEqual(due(today: "2026-12-29"), [])
    }

    func testNoReminderOnceLegalAidWasAskedInTime() {
        XCTAssertEqual(due(today: "2026-12-09", legalAidRequestedOn: "2026-12-03"), [])
        XCTAssertEqual(due(today: "2026-12-21", legalAidRequestedOn: "2026-12-03"), [])
    }

    func testALateDeclarationLeavesTheAppealRunning() {
        XCTAssertEqual(due(today: "2026-12-21", legalAidRequestedOn: "2026-12-14"), ["cnda_appeal-7"])
    }

    func testBothDeadlinesAtOnceKeepTheirOrder() {
        // One decision's reminders never fall on the same day (day 8-15 against day 21-31):
        // two deadlines built by hand check the order.
        let today = day("2027-03-01")
        let deadlines = [
            Deadline(kind: .cndaAppeal, nominalLastDay: day("2027-03-03"), today: today),
            Deadline(kind: .legalAidRequest, nominalLastDay: day("2027-03-05"), today: today),
        ]
        let reminders = DeadlineReminders.due(deadlines, today: today)
        XCTAssertEqual(reminders.map(\.kind), [.cndaAppeal, .legalAidRequest])
        XCTAssertEqual(reminders.map(\.daysBefore), [2, 7])
    }
}
