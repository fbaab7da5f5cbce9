import XCTest

@testable import Domain

final class InterviewAppointmentTests: XCTestCase {
    private let appointment = InterviewAppointment(
        date: CivilDate(year: 2025, month: 11, day: 4)!, time: TimeOfDay(hhmm: "09:30")!,
        place: "OFPRA", address: "201 rue Carnot, 94120 Fontenay-sous-Bois", interpreterLanguage: "dari")

    func testStartsAtTheParisWallClockTime() {
        XCTAssertEqual(appointment.startsAt, instant("2025-11-04T08:30:00Z"))
    }

    func testDaysLeft() {
        XCTAssertEqual(appointment.daysLeft(today: day("2025-10-28")), 7)
        XCTAssertEqual(appointment.daysLeft(today: day("2025-11-04")), 0)
        XCTAssertEqual(appointment.daysLeft(today: day("2025-11-05")), -1)
    }
}
