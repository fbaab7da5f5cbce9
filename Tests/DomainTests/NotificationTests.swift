import Foundation
import XCTest

@testable import Domain

final class NotificationTests: XCTestCase {
    // Deposited Monday 5 May 2025 at 10:00 in Paris: deemed notified Tuesday 20 May at 10:00.
    private let deposit = instant("2025-05-05T10:00:00+02:00")
    private let deemed = instant("2025-05-20T10:00:00+02:00")

    func testDeemedFifteenCalendarDaysAfterDepositAtTheSameWallClockTime() {
        XCTAssertEqual(DocumentNotification.deemedNotificationInstant(depositedAt: deposit), deemed)
    }

    func testConsultedOnDay14() {
        let consulted = instant("2025-05-19T18:00:00+02:00")
        let state = DocumentNotification.notifiedAt(depositedAt: deposit, firstConsultedAt: consulted, now: consulted)
        XCTAssertEqual(state, .notified(at: consulted, how: .consulted))
        XCTAssertEqual(state.notifiedOn, day("2025-05-19"))
    }

    func testConsultedOnDay15BeforeTheDepositHourIsARealConsultation() {
        let consulted = instant("2025-05-20T09:00:00+02:00")
        let state = DocumentNotification.notifiedAt(depositedAt: deposit, firstConsultedAt: consulted, now: consulted)
        XCTAssertEqual(state, .notified(at: consulted, how: .consulted))
    }

    func testConsultedOnDay15AfterTheDepositHourComesTooLate() {
        let consulted = instant("2025-05-20T11:00:00+02:00")
        let state = DocumentNotification.notifiedAt(depositedAt: deposit, firstConsultedAt: consulted, now: consulted)
        XCTAssertEqual(state, .notified(at: deemed, how: .deemed))
        XCTAssertEqual(state.notifiedOn, day("2025-05-20"))
    }

    func testConsultedAtTheVeryInstantCountsAsConsulted() {
        let state = DocumentNotification.notifiedAt(depositedAt: deposit, firstConsultedAt: deemed, now: deemed)
        XCTAssertEqual(state, .notified(at: deemed, how: .consulted))
    }

    func testNeverConsulted() {
        let before = DocumentNotification.notifiedAt(
            depositedAt: deposit, firstConsultedAt: nil, now: deemed.addingTimeInterval(-1))
        XCTAssertEqual(before, .pending(deemedNotifiedAt: deemed))
        XCTAssertNil(before.notifiedOn)
        let at = DocumentNotification.notifiedAt(depositedAt: deposit, firstConsultedAt: nil, now: deemed)
        XCTAssertEqual(at, .notified(at: deemed, how: .deemed))
    }

    func testDepositAt2359CountsFromThatDay() {
        // 23:59 in Paris is 22:59 UTC in winter: day D is the Paris day, 10 January.
        let late = instant("2025-01-10T23:59:00+01:00")
        XCTAssertEqual(
            DocumentNotification.deemedNotificationInstant(depositedAt: late),
            instant("2025-01-25T23:59:00+01:00"))
        let summer = instant("2025-06-10T23:59:00+02:00")
        XCTAssertEqual(
            DocumentNotification.deemedNotificationInstant(depositedAt: summer),
            instant("2025-06-25T23:59:00+02:00"))
    }

    func testDepositJustAfterMidnightInParisIsStillThePreviousDayInUTC() {
        let early = instant("2025-01-11T00:30:00+01:00")
        let state = DocumentNotification.notifiedAt(
            depositedAt: early, firstConsultedAt: nil,
            now: instant("2025-02-01T12:00:00+01:00"))
        XCTAssertEqual(state.notifiedOn, day("2025-01-26"))
    }

    func testDepositTheDayBeforeTheSpringChange() {
        // Saturday 29 March 2025; clocks go forward on the 30th: 15 civil days are 359 hours.
        let saturday = instant("2025-03-29T10:00:00+01:00")
        let deemedAt = DocumentNotification.deemedNotificationInstant(depositedAt: saturday)
        XCTAssertEqual(deemedAt, instant("2025-04-13T10:00:00+02:00"))
        XCTAssertEqual(deemedAt.timeIntervalSince(saturday), 15 * 86_400 - 3_600)
    }

    func testDepositTheDayBeforeTheAutumnChange() {
        // Saturday 25 October 2025; clocks go back on the 26th: 15 civil days are 361 hours.
        let saturday = instant("2025-10-25T10:00:00+02:00")
        let deemedAt = DocumentNotification.deemedNotificationInstant(depositedAt: saturday)
        XCTAssertEqual(deemedAt, instant("2025-11-09T10:00:00+01:00"))
        XCTAssertEqual(deemedAt.timeIntervalSince(saturday), 15 * 86_400 + 3_600)
    }

    func testDay15FallingOnAClockChangeTakesTheLaterReading() {
        // 02:30 does not exist on 30 March 2025: deemed at 03:30 summer time.
        XCTAssertEqual(
            DocumentNotification.deemedNotificationInstant(depositedAt: instant("2025-03-15T02:30:00+01:00")),
            instant("2025-03-30T03:30:00+02:00"))
        // 02:30 happens twice on 26 October 2025: deemed at the second one.
        XCTAssertEqual(
            DocumentNotification.deemedNotificationInstant(depositedAt: instant("2025-10-11T02:30:00+02:00")),
            instant("2025-10-26T02:30:00+01:00"))
    }

    func testSecondsAreKept() {
        let deposit = instant("2025-05-05T10:00:00+02:00").addingTimeInterval(42.5)
        XCTAssertEqual(
            DocumentNotification.deemedNotificationInstant(depositedAt: deposit),
            deemed.addingTimeInterval(42.5))
    }
}
