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

    // MARK: - What OFPRA's deposit form accepts

    func testTheDayIsTodayOrLaterAndNotASundayNorAPublicHoliday() {
        let today = day("2026-12-03")  // a Thursday
        XCTAssertEqual(InterviewAppointment.problem(date: day("2026-12-02"), today: today), .dateInThePast)
        XCTAssertEqual(InterviewAppointment.problem(date: day("2025-12-08"), today: today), .dateInThePast)
        XCTAssertNil(InterviewAppointment.problem(date: today, today: today), "today is still possible")
        XCTAssertNil(InterviewAppointment.problem(date: day("2026-12-04"), today: today))
        XCTAssertNil(InterviewAppointment.problem(date: day("2026-12-05"), today: today), "a Saturday: rare, but OFPRA does it")
        XCTAssertEqual(InterviewAppointment.problem(date: day("2026-12-13"), today: today), .dateOnSunday)
        XCTAssertEqual(InterviewAppointment.problem(date: day("2026-12-25"), today: today), .dateOnPublicHoliday)
        XCTAssertEqual(InterviewAppointment.problem(date: day("2027-03-29"), today: today), .dateOnPublicHoliday, "Easter Monday 2027")
        XCTAssertEqual(InterviewAppointment.problem(date: day("2027-05-06"), today: today), .dateOnPublicHoliday, "Ascension 2027")
        XCTAssertNil(InterviewAppointment.problem(date: day("2027-05-07"), today: today))
    }

    func testTheAddressIsOneSomeoneCanFind() {
        for good in [
            "201 rue Carnot, 94120 Fontenay-sous-Bois", "201 rue Carnot 94120", "rue Carnot, Fontenay",
            "  12 avenue de la République\n75011 Paris ", "Centre administratif, 97600 Mamoudzou",
        ] {
            XCTAssertNil(InterviewAppointment.problem(address: good), good)
        }
        for vague in ["", "x", "  x  ", "12", "a b", "94120", "x 94120", "rue", "Paris", "12, 3"] {
            XCTAssertEqual(InterviewAppointment.problem(address: vague), .addressTooVague, vague)
        }
    }

    func testThePlaceIsOptionalButNamesSomething() {
        XCTAssertNil(InterviewAppointment.problem(place: ""))
        XCTAssertNil(InterviewAppointment.problem(place: "   "))
        XCTAssertNil(InterviewAppointment.problem(place: "OFPRA"))
        XCTAssertNil(InterviewAppointment.problem(place: "OFPRA, salle 4"))
        for vague in ["x", "4", "x 4", "--"] {
            XCTAssertEqual(InterviewAppointment.problem(place: vague), .placeTooVague, vague)
        }
    }
}
