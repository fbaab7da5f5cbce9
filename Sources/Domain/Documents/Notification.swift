import Foundation

/// When a deposited document becomes legally notified (CESEDA R.531-17): at the person's
/// first consultation, or, failing that, deemed notified 15 calendar days after deposit.
/// Named `DocumentNotification` so it never clashes with Foundation's `Notification`.
public enum DocumentNotification {
    public static let deemedAfterDays = 15

    /// Days are Paris civil days, counted from the deposit day D whatever the hour (a deposit
    /// at 23:59 counts from D). Two readings of "D + 15" exist: 00:00 on D+15, or the deposit's
    /// own wall-clock time on D+15. We take the second: it is never earlier, so the person
    /// keeps every hour of the 15 days the law grants them to read the document themselves,
    /// and a consultation on day 15 before that hour still counts as a real one. The civil
    /// notification day (which starts the appeal deadline) is D+15 under both readings.
    public static func deemedNotificationInstant(depositedAt: Date) -> Date {
        let depositDay = ParisCalendar.civilDate(of: depositedAt)
        return ParisCalendar.instant(
            on: depositDay.adding(days: deemedAfterDays),
            secondsAfterMidnight: ParisCalendar.secondsAfterMidnight(of: depositedAt))
    }

    /// `firstConsultedAt` must be the person's own consultation after login: not a click in
    /// an SMS, not a professional's view. A consultation at the very instant the document
    /// would be deemed notified counts as a consultation.
    public static func notifiedAt(depositedAt: Date, firstConsultedAt: Date?, now: Date) -> NotificationState {
        let deemedAt = deemedNotificationInstant(depositedAt: depositedAt)
        if let consultedAt = firstConsultedAt, consultedAt <= deemedAt {
            return .notified(at: consultedAt, how: .consulted)
        }
        return now >= deemedAt ? .notified(at: deemedAt, how: .deemed) : .pending(deemedNotifiedAt: deemedAt)
    }
}

public enum NotificationState: Hashable, Sendable {
    /// Not notified yet; becomes notified at that instant unless consulted before.
    case pending(deemedNotifiedAt: Date)
    case notified(at: Date, how: NotificationMode)

    /// The civil day deadlines count from, once notified.
    public var notifiedOn: CivilDate? {
        guard case .notified(let at, _) = self else { return nil }
        return ParisCalendar.civilDate(of: at)
    }
}

public enum NotificationMode: String, Hashable, Sendable {
    case consulted
    case deemed
}
