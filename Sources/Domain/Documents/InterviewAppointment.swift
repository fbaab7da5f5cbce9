import Foundation

/// The interview a convocation summons the person to, as printed on the document.
/// Times are Paris wall-clock times (OFPRA interviews take place in metropolitan France).
public struct InterviewAppointment: Hashable, Sendable {
    public let date: CivilDate
    public let time: TimeOfDay
    /// Where to go, e.g. "OFPRA, Fontenay-sous-Bois".
    public let place: String
    public let address: String
    /// The interpreter language as written on the convocation; nil when none is provided.
    public let interpreterLanguage: String?

    public init(date: CivilDate, time: TimeOfDay, place: String, address: String, interpreterLanguage: String?) {
        self.date = date
        self.time = time
        self.place = place
        self.address = address
        self.interpreterLanguage = interpreterLanguage
    }

    /// For reminders and calendar files.
    public var startsAt: Date { ParisCalendar.instant(on: date, at: time) }

    /// 0 on the day of the interview, negative afterwards.
    public func daysLeft(today: CivilDate) -> Int {
        today.days(until: date)
    }
}
