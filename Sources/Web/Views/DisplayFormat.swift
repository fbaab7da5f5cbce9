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

    /// Building an ICU formatter costs more than the page around it (issue 10: 42% of the
    /// applicant space), so each thread keeps one per (language, styles); the time zone is
    /// always Paris. Per thread because DateFormatter is not documented as thread-safe.
    private static func formatter(_ language: Language, date: DateFormatter.Style, time: DateFormatter.Style) -> DateFormatter {
        let cache: FormatterCache
        if let c = Thread.current.threadDictionary[cacheKey] as? FormatterCache {
            cache = c
        } else {
            cache = FormatterCache()
            Thread.current.threadDictionary[cacheKey] = cache
        }
        let key = FormatterCache.Key(language: language.code, date: date.rawValue, time: time.rawValue)
        if let f = cache.formatters[key] { return f }
        let f = DateFormatter()
        f.locale = Locale(identifier: language.code == "ar" ? "ar-u-nu-latn" : language.code + "_FR")
        f.timeZone = paris
        f.dateStyle = date
        f.timeStyle = time
        cache.formatters[key] = f
        return f
    }

    private static let cacheKey = "AsylumPortal.DisplayFormat.formatters"
}

/// One thread's formatters; only ever touched by the thread whose dictionary holds it.
private final class FormatterCache {
    struct Key: Hashable {
        let language: String
        let date: UInt
        let time: UInt
    }
    var formatters: [Key: DateFormatter] = [:]
}
