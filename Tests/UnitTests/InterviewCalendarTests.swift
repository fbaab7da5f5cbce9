import Domain
import XCTest

@testable import Web

final class InterviewCalendarTests: XCTestCase {
    func testEventIsInUTCWithEscapedTextAndFoldedLines() throws {
        let interview = InterviewAppointment(
            date: CivilDate(year: 2026, month: 3, day: 30)!, time: TimeOfDay(hour: 9, minute: 30)!,
            place: "OFPRA, salle 12", address: "201 rue Carnot; 94120 Fontenay-sous-Bois",
            interpreterLanguage: "prs")
        let ics = InterviewCalendar.ics(uid: "u1", interview: interview, summary: "Entretien à l'OFPRA", interpreter: "Interprète : دری")
        // 09:30 in Paris on the day after the spring change (UTC+2) is 07:30 UTC.
        XCTAssertTrue(ics.contains("DTSTART:20260330T073000Z\r\n"))
        XCTAssertTrue(ics.contains("LOCATION:201 rue Carnot\\; 94120 Fontenay-sous-Bois"))
        // One line break between place and interpreter, escaped once (RFC 5545).
        XCTAssertTrue(ics.contains("OFPRA\\, salle 12\\nInterpr"))
        XCTAssertFalse(ics.contains("\\\\n"))
        for line in ics.components(separatedBy: "\r\n") { XCTAssertLessThanOrEqual(line.utf8.count, 75) }
        XCTAssertTrue(ics.hasSuffix("END:VCALENDAR\r\n"))
    }
}
