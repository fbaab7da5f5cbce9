import XCTest

@testable import Domain

final class TimeOfDayTests: XCTestCase {
    func testParsesTwentyFourHourClock() {
        XCTAssertEqual(TimeOfDay(hhmm: "09:30"), TimeOfDay(hour: 9, minute: 30))
        XCTAssertEqual(TimeOfDay(hhmm: "00:00"), TimeOfDay(hour: 0, minute: 0))
        XCTAssertEqual(TimeOfDay(hhmm: "23:59"), TimeOfDay(hour: 23, minute: 59))
        for malformed in ["9:30", "24:00", "09:60", "0930", "09:30:00", "9h30", "ab:cd", ""] {
            XCTAssertNil(TimeOfDay(hhmm: malformed), malformed)
        }
    }

    func testFormatsWithLeadingZeros() {
        XCTAssertEqual(TimeOfDay(hour: 7, minute: 5)?.hhmm, "07:05")
        XCTAssertEqual(TimeOfDay(hour: 14, minute: 0)?.description, "14:00")
    }

    func testOrdering() {
        XCTAssertLessThan(TimeOfDay(hour: 9, minute: 59)!, TimeOfDay(hour: 10, minute: 0)!)
    }
}
