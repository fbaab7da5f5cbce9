import Foundation
import XCTest

@testable import Domain

final class CivilDateTests: XCTestCase {
    func testRejectsDaysThatDoNotExist() {
        XCTAssertNotNil(CivilDate(year: 2024, month: 2, day: 29))
        XCTAssertNotNil(CivilDate(year: 2000, month: 2, day: 29))
        XCTAssertNil(CivilDate(year: 2023, month: 2, day: 29))
        XCTAssertNil(CivilDate(year: 2100, month: 2, day: 29))
        XCTAssertNil(CivilDate(year: 2025, month: 4, day: 31))
        XCTAssertNil(CivilDate(year: 2025, month: 13, day: 1))
        XCTAssertNil(CivilDate(year: 2025, month: 1, day: 0))
        XCTAssertNil(CivilDate(year: 10_000, month: 1, day: 1))
    }

    func testParsesAndFormatsISO() {
        let date = CivilDate(iso: "2022-05-02")
        XCTAssertEqual(date, CivilDate(year: 2022, month: 5, day: 2))
        XCTAssertEqual(date?.iso, "2022-05-02")
        XCTAssertEqual(CivilDate(year: 999, month: 1, day: 5)?.iso, "0999-01-05")
        XCTAssertEqual("\(day("2020-07-15"))", "2020-07-15")
        for malformed in [
            "2022-5-2", "2022-05-02T00:00", " 2022-05-02", "2022-05-0a", "+022-05-02",
            "2022/05/02", "02-05-2022", "2023-02-29", "",
        ] {
            XCTAssertNil(CivilDate(iso: malformed), malformed)
        }
    }

    func testAddingDaysCrossesMonthsYearsAndLeapDays() {
        XCTAssertEqual(day("2024-02-28").adding(days: 1), day("2024-02-29"))
        XCTAssertEqual(day("2023-02-28").adding(days: 1), day("2023-03-01"))
        XCTAssertEqual(day("2024-12-31").adding(days: 1), day("2025-01-01"))
        XCTAssertEqual(day("2025-01-01").adding(days: -1), day("2024-12-31"))
        XCTAssertEqual(day("2025-03-15").adding(days: 15), day("2025-03-30"))
        XCTAssertEqual(day("2024-03-01").adding(days: -1), day("2024-02-29"))
    }

    func testAddingMonthsClampsToTheEndOfShorterMonths() {
        let cases: [(String, Int, String)] = [
            ("2025-01-31", 1, "2025-02-28"),
            ("2024-01-31", 1, "2024-02-29"),
            ("2024-03-31", -1, "2024-02-29"),
            ("2024-08-31", 1, "2024-09-30"),
            ("2025-01-31", 2, "2025-03-31"),
            ("2024-12-15", 1, "2025-01-15"),
            ("2025-01-15", -1, "2024-12-15"),
            ("2024-12-31", 2, "2025-02-28"),
            ("2024-02-29", 12, "2025-02-28"),
        ]
        for (start, months, expected) in cases {
            XCTAssertEqual(day(start).adding(months: months), day(expected), "\(start) + \(months) months")
        }
    }

    func testDaysUntilCountsCalendarDays() {
        XCTAssertEqual(day("2024-02-01").days(until: day("2024-03-01")), 29)
        XCTAssertEqual(day("2023-02-01").days(until: day("2023-03-01")), 28)
        XCTAssertEqual(day("2023-03-01").days(until: day("2023-02-01")), -28)
        XCTAssertEqual(day("2025-06-10").days(until: day("2025-06-10")), 0)
    }

    func testWeekdays() {
        XCTAssertEqual(day("1970-01-01").weekday, .thursday)
        XCTAssertEqual(day("1969-12-31").weekday, .wednesday)
        XCTAssertEqual(day("2020-07-15").weekday, .wednesday)
        XCTAssertEqual(day("2022-05-02").weekday, .monday)
        XCTAssertEqual(day("2025-03-30").weekday, .sunday)
        XCTAssertTrue(day("2025-03-29").weekday.isWeekend)
        XCTAssertFalse(day("2025-03-28").weekday.isWeekend)
    }

    func testOrdering() {
        let sorted = [day("2022-05-02"), day("2020-07-15"), day("2022-04-30"), day("2021-12-31")].sorted()
        XCTAssertEqual(sorted.map(\.iso), ["2020-07-15", "2021-12-31", "2022-04-30", "2022-05-02"])
    }

    /// Every day of two centuries agrees with Foundation's Gregorian calendar.
    func testDayArithmeticMatchesFoundationOverTwoCenturies() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var expected = calendar.date(from: DateComponents(year: 1900, month: 1, day: 1))!
        var civil = day("1900-01-01")
        while civil < day("2100-12-31") {
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: expected)
            XCTAssertEqual([civil.year, civil.month, civil.day], [parts.year!, parts.month!, parts.day!])
            // Foundation numbers Sunday 1 … Saturday 7.
            XCTAssertEqual(civil.weekday.rawValue % 7 + 1, parts.weekday!)
            civil = civil.adding(days: 1)
            expected = calendar.date(byAdding: .day, value: 1, to: expected)!
        }
    }

    /// What people type in a date field: the browser's ISO form, or day/month/year with a
    /// four-digit year. Anything else is not a date (the form says so) rather than a guess.
    func testTypedDatesAreISOOrDayMonthFourDigitYear() {
        let march12 = CivilDate(year: 2026, month: 3, day: 12)
        for typed in ["2026-03-12", "12/03/2026", "12.03.2026", "12-03-2026", "12/3/2026"] {
            XCTAssertEqual(CivilDate(typed: typed), march12, typed)
        }
        XCTAssertEqual(CivilDate(typed: "1/2/2026"), CivilDate(year: 2026, month: 2, day: 1))
        // Phones set to Arabic, Persian or Bengali type their own digits (issue 11).
        for typed in ["٠١/٠٢/٢٠٢٦", "۰۱/۰۲/۲۰۲۶", "০১/০২/২০২৬", "１/２/２０２６"] {
            XCTAssertEqual(CivilDate(typed: typed), CivilDate(year: 2026, month: 2, day: 1), typed)
        }
        for malformed in [
            "12/x/03/2026", "12//03/2026", "+1/+2/2026", "-1/02/2026", "1/2/26", "01/02/02026", "12/03/ 2026",
            "12/03/2026/", "/12/03/2026", "12 03 2026", "12/03.2026", "012/03/2026", "12/003/2026",
            "31/02/2026", "00/01/2026", "01/13/2026", "1e1/02/2026", "", "/", "//",
        ] {
            XCTAssertNil(CivilDate(typed: malformed), malformed)
        }
    }
}
