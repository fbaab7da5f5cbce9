import XCTest

@testable import Domain

final class DeadlinesTests: XCTestCase {
    func testRejectionOpensAppealAndLegalAidDeadlines() {
        let deadlines = Deadlines.for(
            kind: .decisionRejection, notifiedOn: day("2025-03-15"),
            overseas: false, today: day("2025-03-20"))
        XCTAssertEqual(deadlines.map(\.kind), [.cndaAppeal, .legalAidRequest])
        XCTAssertEqual(deadlines.map(\.lastDay), [day("2025-04-15"), day("2025-03-30")])
        XCTAssertEqual(deadlines.map(\.daysLeft), [26, 10])
        XCTAssertEqual(deadlines.map(\.state), [.running, .running])
    }

    func testInadmissibilityToo() {
        let deadlines = Deadlines.for(
            kind: .decisionInadmissibility, notifiedOn: day("2025-03-15"),
            overseas: false, today: day("2025-03-15"))
        XCTAssertEqual(deadlines.count, 2)
    }

    func testOneMonthFrom31JanuaryEndsOnTheLastDayOfFebruary() {
        XCTAssertEqual(appeal(notifiedOn: "2025-01-31").lastDay, day("2025-02-28"))
        XCTAssertEqual(appeal(notifiedOn: "2024-01-31").lastDay, day("2024-02-29"))
    }

    func testOverseasGetsTwoMonths() {
        XCTAssertEqual(appeal(notifiedOn: "2024-12-31", overseas: true).lastDay, day("2025-02-28"))
        XCTAssertEqual(appeal(notifiedOn: "2025-03-15", overseas: true).lastDay, day("2025-05-15"))
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
        }
    }

    func testLegalAidDeadlineIsFifteenDays() {
        let legalAid = Deadlines.for(
            kind: .decisionRejection, notifiedOn: day("2024-02-20"),
            overseas: true, today: day("2024-03-06"))[1]
        XCTAssertEqual(legalAid.lastDay, day("2024-03-06"))
        XCTAssertEqual(legalAid.state, .lastDay)
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
}
