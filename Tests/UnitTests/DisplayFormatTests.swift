import Foundation
import I18n
import XCTest

@testable import Web

/// Dates as people read them: the cached formatters must print exactly what a fresh
/// formatter per call printed (expected strings captured from that version).
final class DisplayFormatTests: XCTestCase {
    // 2026-01-15 08:05 UTC (winter, CET), 2026-07-01 22:30 UTC (summer, next day in Paris),
    // 2026-03-29 01:30 UTC (the night clocks go forward).
    static let dates: [Date] = [1_768_464_300, 1_782_945_000, 1_774_747_800].map { Date(timeIntervalSince1970: $0) }

    static let expected: [String: (dateTime: [String], date: [String])] = [
        "fr": (
            dateTime: ["15 janvier 2026 à 09:05", "2 juillet 2026 à 00:30", "29 mars 2026 à 03:30"],
            date: ["jeudi 15 janvier 2026", "jeudi 2 juillet 2026", "dimanche 29 mars 2026"]
        ),
        "en": (
            dateTime: ["15 January 2026 at 09:05", "2 July 2026 at 00:30", "29 March 2026 at 03:30"],
            date: ["Thursday 15 January 2026", "Thursday 2 July 2026", "Sunday 29 March 2026"]
        ),
        "ar": (
            dateTime: ["15 يناير، 2026، 9:05\u{A0}ص", "2 يوليو، 2026، 12:30\u{A0}ص", "29 مارس، 2026، 3:30\u{A0}ص"],
            date: ["الخميس، 15 يناير، 2026", "الخميس، 2 يوليو، 2026", "الأحد، 29 مارس، 2026"]
        ),
    ]

    func testFormatsAsBeforeInEachLanguage() {
        for language in Language.all {
            guard let want = Self.expected[language.code] else { continue }
            for (i, d) in Self.dates.enumerated() {
                XCTAssertEqual(DisplayFormat.dateTime(d, language), want.dateTime[i], "\(language.code) dateTime \(i)")
                XCTAssertEqual(DisplayFormat.date(d, language), want.date[i], "\(language.code) date \(i)")
                // Twice: a reused formatter must not carry state from the previous call.
                XCTAssertEqual(DisplayFormat.dateTime(d, language), want.dateTime[i])
            }
        }
    }

    /// The remembered texts are per UTC minute: another second of the same minute reads the
    /// same, the next minute does not, and texts made after the memory was emptied are right.
    func testRememberedTextsFollowTheMinute() {
        let fr = Language.supported.first { $0.code == "fr" }!
        let d = Self.dates[0]
        XCTAssertEqual(DisplayFormat.dateTime(d.addingTimeInterval(59), fr), "15 janvier 2026 à 09:05")
        XCTAssertEqual(DisplayFormat.dateTime(d.addingTimeInterval(60), fr), "15 janvier 2026 à 09:06")
        XCTAssertEqual(DisplayFormat.dateTime(d.addingTimeInterval(-1), fr), "15 janvier 2026 à 09:04")
        for minute in 0..<(DisplayFormat.rememberedTexts + 10) {
            _ = DisplayFormat.dateTime(d.addingTimeInterval(TimeInterval(86_400 + minute * 60)), fr)
        }
        XCTAssertEqual(DisplayFormat.dateTime(d.addingTimeInterval(30), fr), "15 janvier 2026 à 09:05")
        XCTAssertEqual(DisplayFormat.date(d, fr), "jeudi 15 janvier 2026")
    }

    func testConcurrentFormattingGivesTheSameStrings() {
        let mismatches = Counter()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            var bad = 0
            for round in 0..<200 {
                let checked = Language.all.filter { Self.expected[$0.code] != nil }
                let language = checked[(worker + round) % checked.count]
                let want = Self.expected[language.code]!
                let i = round % Self.dates.count
                if DisplayFormat.dateTime(Self.dates[i], language) != want.dateTime[i] { bad += 1 }
                if DisplayFormat.date(Self.dates[i], language) != want.date[i] { bad += 1 }
            }
            mismatches.add(bad)
        }
        XCTAssertEqual(mismatches.value, 0)
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0
    func add(_ n: Int) {
        lock.lock()
        total += n
        lock.unlock()
    }
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return total
    }
}
