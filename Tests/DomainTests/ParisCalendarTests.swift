import Foundation
import XCTest

@testable import Domain

final class ParisCalendarTests: XCTestCase {
    func testCivilDateIsTheDayInParisNotInUTC() {
        XCTAssertEqual(ParisCalendar.civilDate(of: instant("2025-01-10T22:59:59Z")), day("2025-01-10"))
        XCTAssertEqual(ParisCalendar.civilDate(of: instant("2025-01-10T23:00:00Z")), day("2025-01-11"))
        XCTAssertEqual(ParisCalendar.civilDate(of: instant("2025-07-10T21:59:59Z")), day("2025-07-10"))
        XCTAssertEqual(ParisCalendar.civilDate(of: instant("2025-07-10T22:00:00Z")), day("2025-07-11"))
    }

    func testStartOfDayAcrossDaylightSavingChanges() {
        // Spring: clocks jump from 02:00 to 03:00 on Sunday 30 March 2025 (a 23-hour day).
        XCTAssertEqual(ParisCalendar.startOfDay(day("2025-03-30")), instant("2025-03-29T23:00:00Z"))
        XCTAssertEqual(ParisCalendar.startOfDay(day("2025-03-31")), instant("2025-03-30T22:00:00Z"))
        // Autumn: clocks go back from 03:00 to 02:00 on Sunday 26 October 2025 (a 25-hour day).
        XCTAssertEqual(ParisCalendar.startOfDay(day("2025-10-26")), instant("2025-10-25T22:00:00Z"))
        XCTAssertEqual(ParisCalendar.startOfDay(day("2025-10-27")), instant("2025-10-26T23:00:00Z"))
    }

    func testWallClockTimes() {
        XCTAssertEqual(
            ParisCalendar.instant(on: day("2025-07-01"), at: TimeOfDay(hour: 9, minute: 30)!),
            instant("2025-07-01T07:30:00Z"))
        XCTAssertEqual(
            ParisCalendar.instant(on: day("2025-12-01"), at: TimeOfDay(hour: 9, minute: 30)!),
            instant("2025-12-01T08:30:00Z"))
    }

    func testSkippedAndRepeatedWallClockTimesTakeTheLaterInstant() {
        let half = TimeOfDay(hour: 2, minute: 30)!
        // 02:30 never shows on 30 March 2025: read with the winter offset, i.e. 03:30 summer time.
        XCTAssertEqual(ParisCalendar.instant(on: day("2025-03-30"), at: half), instant("2025-03-30T01:30:00Z"))
        // 02:30 shows twice on 26 October 2025 (00:30Z, then 01:30Z): the second one.
        XCTAssertEqual(ParisCalendar.instant(on: day("2025-10-26"), at: half), instant("2025-10-26T01:30:00Z"))
    }

    func testRoundTripEveryDayOfAYear() {
        var current = day("2024-01-01")
        while current <= day("2024-12-31") {
            let start = ParisCalendar.startOfDay(current)
            XCTAssertEqual(ParisCalendar.civilDate(of: start), current)
            XCTAssertEqual(ParisCalendar.civilDate(of: start.addingTimeInterval(-1)), current.adding(days: -1))
            current = current.adding(days: 1)
        }
    }
}
