import XCTest

@testable import Domain

final class DeadlinesTests: XCTestCase {
    func testRejectionOpensAppealAndLegalAidDeadlines() {
        let deadlines = Deadlines.for(
            kind: .decisionRejection, notifiedOn: day("2025-03-15"),
            overseas: false, today: day("2025-03-20"))
        XCTAssertEqual(deadlines.map(\.kind), [.cndaAppeal, .legalAidRequest])
        // 30 March 2025 is a Sunday: the legal-aid time limit runs to Monday 31.
        XCTAssertEqual(deadlines.map(\.nominalLastDay), [day("2025-04-15"), day("2025-03-30")])
        XCTAssertEqual(deadlines.map(\.lastDay), [day("2025-04-15"), day("2025-03-31")])
        XCTAssertEqual(deadlines.map(\.postponement), [nil, .sunday])
        XCTAssertEqual(deadlines.map(\.daysLeft), [26, 11])
        XCTAssertEqual(deadlines.map(\.state), [.running, .running])
    }

    func testInadmissibilityToo() {
        let deadlines = Deadlines.for(
            kind: .decisionInadmissibility, notifiedOn: day("2025-03-15"),
            overseas: false, today: day("2025-03-15"))
        XCTAssertEqual(deadlines.count, 2)
    }

    /// The case of the issue: notified Thursday 26 November 2026, the month ends on Saturday
    /// 26 December, and Friday 25 is Christmas: the appeal runs to Monday 28 December.
    func testAMonthEndingOnASaturdayRunsToTheNextWorkingDay() {
        let deadline = appeal(notifiedOn: "2026-11-26", today: "2026-11-27")
        XCTAssertEqual(deadline.nominalLastDay, day("2026-12-26"))
        XCTAssertEqual(deadline.lastDay, day("2026-12-28"))
        XCTAssertEqual(deadline.lastDay.weekday, .monday)
        XCTAssertEqual(deadline.postponement, .saturday)
        XCTAssertEqual(deadline.daysLeft, 31)
    }

    func testLegalAidIsFifteenDaysFromDateToDate() {
        let legalAid = legalAid(notifiedOn: "2026-11-26", today: "2026-11-27")
        XCTAssertEqual(legalAid.lastDay, day("2026-12-11"))
        XCTAssertEqual(legalAid.lastDay.weekday, .friday)
        XCTAssertNil(legalAid.postponement)
        XCTAssertEqual(legalAid.nominalLastDay, legalAid.lastDay)
    }

    func testLegalAidLastDayOnTheDayItself() {
        let legalAid = Deadlines.for(
            kind: .decisionRejection, notifiedOn: day("2024-02-20"),
            overseas: true, today: day("2024-03-06"))[1]
        XCTAssertEqual(legalAid.lastDay, day("2024-03-06"))
        XCTAssertEqual(legalAid.state, .lastDay)
    }

    func testHolidaysAndSundaysPostponeToo() {
        // 14 May 2026 is Ascension (a Thursday): the Friday after is the last day.
        let ascension = legalAid(notifiedOn: "2026-04-29")
        XCTAssertEqual(ascension.lastDay, day("2026-05-15"))
        XCTAssertEqual(ascension.postponement, .holiday(.ascension))
        // 1 November 2026 is both a Sunday and All Saints: the weekday explains it.
        let allSaints = appeal(notifiedOn: "2026-10-01")
        XCTAssertEqual(allSaints.lastDay, day("2026-11-02"))
        XCTAssertEqual(allSaints.postponement, .sunday)
        // Christmas on a Friday: to Monday.
        let christmas = appeal(notifiedOn: "2026-11-25")
        XCTAssertEqual(christmas.lastDay, day("2026-12-28"))
        XCTAssertEqual(christmas.postponement, .holiday(.christmas))
    }

    func testOneMonthFrom31JanuaryEndsOnTheLastDayOfFebruary() {
        XCTAssertEqual(appeal(notifiedOn: "2025-01-31").lastDay, day("2025-02-28"))
        XCTAssertEqual(appeal(notifiedOn: "2024-01-31").lastDay, day("2024-02-29"))
        XCTAssertEqual(appeal(notifiedOn: "2028-01-31").lastDay, day("2028-02-29"))
        // 28 February 2026 is a Saturday: clamped first, then postponed to Monday 2 March.
        let clamped = appeal(notifiedOn: "2026-01-31")
        XCTAssertEqual(clamped.nominalLastDay, day("2026-02-28"))
        XCTAssertEqual(clamped.lastDay, day("2026-03-02"))
        XCTAssertEqual(clamped.postponement, .saturday)
    }

    func testOverseasGetsTwoMonths() {
        XCTAssertEqual(appeal(notifiedOn: "2024-12-31", overseas: true).lastDay, day("2025-02-28"))
        XCTAssertEqual(appeal(notifiedOn: "2025-03-15", overseas: true).lastDay, day("2025-05-15"))
        XCTAssertEqual(appeal(notifiedOn: "2026-11-26", overseas: true).lastDay, day("2027-01-26"))
        // The legal-aid time limit stays 15 days.
        XCTAssertEqual(legalAid(notifiedOn: "2026-11-26", overseas: true).lastDay, day("2026-12-11"))
    }

    func testStatesAroundTheLastDay() {
        let cases: [(today: String, daysLeft: Int, state: Deadline.State)] = [
            ("2025-04-14", 1, .running),
            ("2025-04-15", 0, .lastDay),
            ("2025-04-16", -1, .passed),
            ("2025-06-01", -47, .passed),
        ]
        for item in cases {
            let deadline = appeal(notifiedOn: "2025-03-15", today: item.today)
            XCTAssertEqual(deadline.daysLeft, item.daysLeft, item.today)
            XCTAssertEqual(deadline.state, item.state, item.today)
            XCTAssertEqual(deadline.isRunning, item.state != .passed, item.today)
        }
    }

    func testStatesCountToTheLegalLastDayNotTheNominalOne() {
        XCTAssertEqual(appeal(notifiedOn: "2026-11-26", today: "2026-12-26").state, .running)
        XCTAssertEqual(appeal(notifiedOn: "2026-11-26", today: "2026-12-28").state, .lastDay)
        XCTAssertEqual(appeal(notifiedOn: "2026-11-26", today: "2026-12-29").state, .passed)
    }

    func testLegalAidAskedInTimeSuspendsTheAppeal() {
        // The legal-aid last day is Friday 11 December 2026; asked on it or before, it suspends.
        for asked in ["2026-11-26", "2026-12-01", "2026-12-11"] {
            let deadlines = Deadlines.for(
                kind: .decisionRejection, notifiedOn: day("2026-11-26"), overseas: false,
                today: day("2027-01-15"), legalAidRequestedOn: day(asked))
            XCTAssertEqual(deadlines.map(\.state), [.suspended, .met], asked)
            XCTAssertEqual(deadlines.map(\.legalAidRequestedOn), [day(asked), day(asked)])
            XCTAssertTrue(deadlines.allSatisfy(\.legalAidRequestedInTime), asked)
            XCTAssertFalse(deadlines[0].isRunning, asked)
        }
    }

    func testALaterDeclarationDoesNotSuspend() {
        let deadlines = Deadlines.for(
            kind: .decisionRejection, notifiedOn: day("2026-11-26"), overseas: false,
            today: day("2026-12-14"), legalAidRequestedOn: day("2026-12-12"))
        XCTAssertEqual(deadlines.map(\.state), [.running, .passed])
        XCTAssertEqual(deadlines[0].legalAidRequestedOn, day("2026-12-12"))
        XCTAssertFalse(deadlines[0].legalAidRequestedInTime)
    }

    func testAPostponedLegalAidLastDayStillCountsAsInTime() {
        // Nominally Ascension (14 May 2026), legally Friday 15 May.
        let deadlines = Deadlines.for(
            kind: .decisionRejection, notifiedOn: day("2026-04-29"), overseas: false,
            today: day("2026-05-20"), legalAidRequestedOn: day("2026-05-15"))
        XCTAssertEqual(deadlines[0].state, .suspended)
    }

    func testAdviceIsAWeekBeforeButNeverBeforeToday() {
        XCTAssertEqual(Deadlines.adviceDays, 7)
        XCTAssertEqual(appeal(notifiedOn: "2026-11-26", today: "2026-11-27").adviseBy, day("2026-12-21"))
        XCTAssertEqual(legalAid(notifiedOn: "2026-11-26", today: "2026-11-27").adviseBy, day("2026-12-04"))
        XCTAssertEqual(appeal(notifiedOn: "2026-11-26", today: "2026-12-21").adviseBy, day("2026-12-21"))
        XCTAssertEqual(appeal(notifiedOn: "2026-11-26", today: "2026-12-24").adviseBy, day("2026-12-24"))
        XCTAssertEqual(appeal(notifiedOn: "2026-11-26", today: "2026-12-28").adviseBy, day("2026-12-28"))
        // Once passed the advice is moot; it never reads later than the deadline itself.
        XCTAssertEqual(appeal(notifiedOn: "2026-11-26", today: "2027-01-05").adviseBy, day("2026-12-28"))
    }

    func testOtherDocumentsHaveNoDeadline() {
        for kind in DocumentKind.allCases where !kind.isNegativeDecision {
            XCTAssertEqual(
                Deadlines.for(
                    kind: kind, notifiedOn: day("2025-03-15"), overseas: false,
                    today: day("2025-03-16")), [], kind.rawValue)
        }
    }

    private func appeal(notifiedOn: String, overseas: Bool = false, today: String = "2024-01-01") -> Deadline {
        Deadlines.for(kind: .decisionRejection, notifiedOn: day(notifiedOn), overseas: overseas, today: day(today))[0]
    }

    private func legalAid(notifiedOn: String, overseas: Bool = false, today: String = "2024-01-01") -> Deadline {
        Deadlines.for(kind: .decisionRejection, notifiedOn: day(notifiedOn), overseas: overseas, today: day(today))[1]
    }
}
