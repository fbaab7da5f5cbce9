import Foundation
import I18n

#if canImport(Glibc)
    import Glibc
#endif

/// Dates as people read them, in Paris time (the procedure's legal clock), in their language.
public enum DisplayFormat {
    static let paris = TimeZone(identifier: "Europe/Paris")!

    public static func dateTime(_ date: Date, _ language: Language) -> String {
        format(date, language, date: .long, time: .short)
    }

    public static func date(_ date: Date, _ language: Language) -> String {
        format(date, language, date: .full, time: .none)
    }

    /// A day without its weekday ("26 décembre 2026"), for a sentence that names the weekday.
    public static func dayMonthYear(_ date: Date, _ language: Language) -> String {
        format(date, language, date: .long, time: .none)
    }

    /// Neither style shows seconds, and Paris is always a whole number of minutes from UTC, so
    /// the text only changes from one UTC minute to the next: each thread remembers the texts
    /// it made (a list page shows the same instants on every view; ICU's format was 14% of the
    /// professional dashboard). Bounded: forgotten all at once past `rememberedTexts`.
    private static func format(_ date: Date, _ language: Language, date dateStyle: DateFormatter.Style, time: DateFormatter.Style) -> String
    {
        let cache = threadCache()
        let minute = Int64((date.timeIntervalSince1970 / 60).rounded(.down))
        let key = FormatterCache.TextKey(language: language.code, date: dateStyle.rawValue, time: time.rawValue, minute: minute)
        if let text = cache.texts[key] { return text }
        let text = formatter(language, date: dateStyle, time: time, cache).string(from: date)
        if cache.texts.count >= rememberedTexts { cache.texts.removeAll(keepingCapacity: true) }
        cache.texts[key] = text
        return text
    }

    static let rememberedTexts = 4096

    /// The calling thread's cache, through a pthread key: `Thread.current.threadDictionary`
    /// bridged its key to an `NSString` on every call (5% of the dashboard, a lookup per date).
    private static func threadCache() -> FormatterCache {
        if let p = pthread_getspecific(cacheKey) { return Unmanaged<FormatterCache>.fromOpaque(p).takeUnretainedValue() }
        let cache = FormatterCache()
        pthread_setspecific(cacheKey, Unmanaged.passRetained(cache).toOpaque())
        return cache
    }

    /// Building an ICU formatter costs more than the page around it (issue 10: 42% of the
    /// applicant space), so each thread keeps one per (language, styles); the time zone is
    /// always Paris. Per thread because DateFormatter is not documented as thread-safe.
    private static func formatter(
        _ language: Language, date: DateFormatter.Style, time: DateFormatter.Style, _ cache: FormatterCache
    ) -> DateFormatter {
        let key = FormatterCache.Key(language: language.code, date: date.rawValue, time: time.rawValue)
        if let f = cache.formatters[key] { return f }
        let f = DateFormatter()
        f.locale = Locale(identifier: language.dateLocale)
        f.timeZone = paris
        f.dateStyle = date
        f.timeStyle = time
        cache.formatters[key] = f
        return f
    }

    /// The key of each thread's `FormatterCache`, released when its thread ends.
    private static let cacheKey: pthread_key_t = {
        var key = pthread_key_t()
        let created = pthread_key_create(&key) { pointer in
            let held: UnsafeMutableRawPointer? = pointer
            if let held { Unmanaged<FormatterCache>.fromOpaque(held).release() }
        }
        precondition(created == 0, "pthread_key_create failed")
        return key
    }()
}

/// One thread's formatters and texts; only ever touched by the thread whose dictionary holds it.
private final class FormatterCache {
    struct Key: Hashable {
        let language: String
        let date: UInt
        let time: UInt
    }
    struct TextKey: Hashable {
        let language: String
        let date: UInt
        let time: UInt
        let minute: Int64
    }
    var formatters: [Key: DateFormatter] = [:]
    var texts: [TextKey: String] = [:]
}
