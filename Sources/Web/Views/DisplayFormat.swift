import Foundation

/// Dates as people read them, in Paris time (the procedure's legal clock), in their language.
public enum DisplayFormat {
    static let paris = TimeZone(identifier: "Europe/Paris")!

    public static func dateTime(_ date: Date, _ language: Language) -> String {
        formatter(language, date: .long, time: .short).string(from: date)
    }

    public static func date(_ date: Date, _ language: Language) -> String {
        formatter(language, date: .full, time: .none).string(from: date)
    }

    private static func formatter(_ language: Language, date: DateFormatter.Style, time: DateFormatter.Style) -> DateFormatter {
        // DateFormatter is not thread-safe: one per call is cheap next to a database round trip.
        let f = DateFormatter()
        f.locale = Locale(identifier: language.code == "ar" ? "ar-u-nu-latn" : language.code + "_FR")
        f.timeZone = paris
        f.dateStyle = date
        f.timeStyle = time
        return f
    }
}

