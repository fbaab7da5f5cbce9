import XCTest

@testable import Domain

final class FrenchPublicHolidaysTests: XCTestCase {
    func testEasterSundayAgainstKnownDates() {
        let known = [
            "2024-03-31", "2025-04-20", "2026-04-05", "2027-03-28", "2028-04-16", "2029-04-01", "2030-04-21",
            // The earliest and latest possible Easters, century years and the edges of the range.
            "1818-03-22", "2285-03-22", "1943-04-25", "2038-04-25", "1961-04-02", "2000-04-23", "2100-03-28",
            "2400-04-16", "1583-04-10", "9999-03-28",
        ]
        for iso in known {
            let easter = day(iso)
            XCTAssertEqual(FrenchPublicHolidays.easterSunday(year: easter.year), easter, iso)
            XCTAssertEqual(easter.weekday, .sunday, iso)
        }
    }

    func testEveryHolidayOf2026And2027() {
        let expected: [Int: [(String, PublicHoliday)]] = [
            2026: [
                ("2026-01-01", .newYear), ("2026-04-06", .easterMonday), ("2026-05-01", .labourDay),
                ("2026-05-08", .victory1945), ("2026-05-14", .ascension), ("2026-05-25", .whitMonday),
                ("2026-07-14", .bastilleDay), ("2026-08-15", .assumption), ("2026-11-01", .allSaints),
                ("2026-11-11", .armistice), ("2026-12-25", .christmas),
            ],
            2027: [
                ("2027-01-01", .newYear), ("2027-03-29", .easterMonday), ("2027-05-01", .labourDay),
                ("2027-05-06", .ascension), ("2027-05-08", .victory1945), ("2027-05-17", .whitMonday),
                ("2027-07-14", .bastilleDay), ("2027-08-15", .assumption), ("2027-11-01", .allSaints),
                ("2027-11-11", .armistice), ("2027-12-25", .christmas),
            ],
        ]
        for (year, holidays) in expected {
            XCTAssertEqual(Set(holidays.map(\.1)), Set(PublicHoliday.allCases), "\(year)")
            var found: [(String, PublicHoliday)] = []
            var d = CivilDate(year: year, month: 1, day: 1)!
            while d.year == year {
                if let h = FrenchPublicHolidays.holiday(on: d) { found.append((d.iso, h)) }
                d = d.adding(days: 1)
            }
            XCTAssertEqual(found.map(\.0), holidays.map(\.0), "\(year)")
            XCTAssertEqual(found.map(\.1), holidays.map(\.1), "\(year)")
        }
    }

    func testMovableHolidaysFollowEasterOverSeveralYears() {
        for year in 2024...2035 {
            let easter = FrenchPublicHolidays.easterSunday(year: year)
            XCTAssertNil(FrenchPublicHolidays.holiday(on: easter), "Easter Sunday \(year) is a Sunday, not a holiday")
            XCTAssertEqual(FrenchPublicHolidays.holiday(on: easter.adding(days: 1)), .easterMonday)
            XCTAssertEqual(FrenchPublicHolidays.holiday(on: easter.adding(days: 39)), .ascension)
            XCTAssertEqual(FrenchPublicHolidays.holiday(on: easter.adding(days: 50)), .whitMonday)
            XCTAssertEqual(easter.adding(days: 39).weekday, .thursday)
            XCTAssertEqual(easter.adding(days: 50).weekday, .monday)
        }
    }

    func testOrdinaryDaysAreNotHolidays() {
        for iso in ["2026-12-26", "2026-04-03", "2026-05-15", "2026-11-02", "2027-12-24", "2027-04-02"] {
            XCTAssertNil(FrenchPublicHolidays.holiday(on: day(iso)), iso)
        }
    }

    func testWorkingDays() {
        XCTAssertTrue(FrenchPublicHolidays.isWorkingDay(day("2026-12-28")))  // Monday
        XCTAssertFalse(FrenchPublicHolidays.isWorkingDay(day("2026-12-26")))  // Saturday
        XCTAssertFalse(FrenchPublicHolidays.isWorkingDay(day("2026-12-27")))  // Sunday
        XCTAssertFalse(FrenchPublicHolidays.isWorkingDay(day("2026-12-25")))  // Christmas, a Friday
        XCTAssertFalse(FrenchPublicHolidays.isWorkingDay(day("2026-05-14")))  // Ascension, a Thursday
        XCTAssertTrue(FrenchPublicHolidays.isWorkingDay(day("2026-05-15")))  // the Friday after
    }

    func testNextWorkingDayRollsOverWeekendsAndHolidays() {
        let cases: [(String, String)] = [
            ("2026-12-23", "2026-12-23"),  // a Wednesday stays
            ("2026-12-26", "2026-12-28"),  // Saturday → Monday (Friday 25 was Christmas)
            ("2026-12-25", "2026-12-28"),  // Christmas on a Friday: a long weekend
            ("2026-05-23", "2026-05-26"),  // Saturday before Whit Monday → Tuesday
            ("2026-05-25", "2026-05-26"),  // Whit Monday → Tuesday
            ("2026-04-04", "2026-04-07"),  // Saturday before Easter Monday → Tuesday
            ("2026-05-01", "2026-05-04"),  // Labour Day on a Friday → Monday
            ("2026-05-08", "2026-05-11"),  // 8 May on a Friday → Monday
            ("2026-05-14", "2026-05-15"),  // Ascension Thursday → Friday (no bridge in law)
            ("2026-08-15", "2026-08-17"),  // Assumption on a Saturday → Monday
            ("2026-11-01", "2026-11-02"),  // All Saints on a Sunday → Monday
            ("2027-11-01", "2027-11-02"),  // All Saints on a Monday → Tuesday
            ("2027-12-31", "2027-12-31"),  // a Friday stays
            ("2028-01-01", "2028-01-03"),  // New Year on a Saturday → Monday
            ("2043-05-07", "2043-05-11"),  // Ascension then 8 May on the Friday: four days off
        ]
        for (from, to) in cases {
            XCTAssertEqual(FrenchPublicHolidays.nextWorkingDay(onOrAfter: day(from)), day(to), from)
        }
    }
}
