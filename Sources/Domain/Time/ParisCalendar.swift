import Foundation

/// The only place where instants meet civil dates. Every rule of the portal counts days as
/// they are lived in metropolitan France (Europe/Paris), whatever the server's time zone.
public enum ParisCalendar {
    public static let timeZone: TimeZone = {
        guard let zone = TimeZone(identifier: "Europe/Paris") else {
            fatalError("tzdata is missing: Europe/Paris is required to count legal deadlines")
        }
        return zone
    }()

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }()

    /// The day it is in Paris at `instant` (23:30 UTC in summer is already the next day).
    public static func civilDate(of instant: Date) -> CivilDate {
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        return CivilDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    /// 00:00 in Paris. Paris never changes its clocks at midnight, so this instant always exists.
    public static func startOfDay(_ day: CivilDate) -> Date {
        instant(on: day, secondsAfterMidnight: 0)
    }

    public static func instant(on day: CivilDate, at time: TimeOfDay) -> Date {
        instant(on: day, secondsAfterMidnight: TimeInterval(time.hour * 3600 + time.minute * 60))
    }

    /// Seconds elapsed on the Paris wall clock since midnight (fractions kept).
    static func secondsAfterMidnight(of instant: Date) -> TimeInterval {
        let wall = instant.timeIntervalSince1970 + TimeInterval(timeZone.secondsFromGMT(for: instant))
        return wall - (wall / 86_400).rounded(.down) * 86_400
    }

    /// The instant the Paris wall clock shows `seconds` after midnight on `day`.
    /// When the clocks go back that reading happens twice, and when they go forward it is
    /// skipped: we take the later instant in both cases, so a rule built on it never
    /// fires early against the applicant.
    static func instant(on day: CivilDate, secondsAfterMidnight seconds: TimeInterval) -> Date {
        let wallClockAsUTC = TimeInterval(day.daysSinceEpoch) * 86_400 + seconds
        // The offsets in force half a day around cover any change on that day.
        let offsets = Set(
            [-43_200.0, 43_200.0].map {
                TimeInterval(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: wallClockAsUTC + $0)))
            })
        let exact = offsets.filter { offset in
            let reading = Date(timeIntervalSince1970: wallClockAsUTC - offset)
            return TimeInterval(timeZone.secondsFromGMT(for: reading)) == offset
        }
        // The smaller offset gives the later instant.
        return Date(timeIntervalSince1970: wallClockAsUTC - (exact.isEmpty ? offsets : exact).min()!)
    }
}
