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

/// Why OFPRA's deposit form refuses a convocation's interview: the person must be able to go
/// there, on a day the office is open. The raw values name the catalogue texts.
public enum InterviewProblem: String, CaseIterable, Sendable {
    case dateInThePast = "date_in_the_past"
    /// OFPRA may interview on a Saturday (missions, peaks), never on a Sunday.
    case dateOnSunday = "date_on_sunday"
    case dateOnPublicHoliday = "date_on_public_holiday"
    case addressTooVague = "address_too_vague"
    case placeTooVague = "place_too_vague"
}

extension InterviewAppointment {
    /// The day must be today or later, and not a Sunday or a French public holiday.
    public static func problem(date: CivilDate, today: CivilDate) -> InterviewProblem? {
        if date < today { return .dateInThePast }
        if date.weekday == .sunday { return .dateOnSunday }
        if FrenchPublicHolidays.holiday(on: date) != nil { return .dateOnPublicHoliday }
        return nil
    }

    /// An address someone can find: at least two words, one of them a real word (two letters
    /// or more), and a postcode or at least 10 characters. "201 rue Carnot, 94120
    /// Fontenay-sous-Bois" and "rue Carnot, Fontenay" pass; "x", "12" or "a b" do not.
    public static func problem(address: String) -> InterviewProblem? {
        let words = address.split(whereSeparator: { $0.isWhitespace || $0 == "," })
        let hasWord = words.contains { $0.filter(\.isLetter).count >= 2 }
        let hasPostcode = words.contains { $0.count == 5 && $0.allSatisfy(\.isASCIIDigit) }
        let length = words.joined(separator: " ").count
        guard words.count >= 2, hasWord, hasPostcode || length >= 10 else { return .addressTooVague }
        return nil
    }

    /// The place is optional ("OFPRA, salle 4"); when given, it names something: a word of
    /// at least two letters, and three characters or more.
    public static func problem(place: String) -> InterviewProblem? {
        let text = place.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return nil }
        let hasWord = text.split(whereSeparator: \.isWhitespace).contains { $0.filter(\.isLetter).count >= 2 }
        return hasWord && text.count >= 3 ? nil : .placeTooVague
    }
}
