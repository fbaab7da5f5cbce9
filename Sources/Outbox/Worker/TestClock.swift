import Foundation

/// The worker's `Clock` under a name other modules can use without clashing with the standard
/// library's `Clock`: the clock of legal rules (the system's, or the test clock below).
public typealias LegalClock = Clock

/// The legal clock of a test stack: real time plus an offset read from a file, so that the
/// browser suite can walk 15 days or a month forward and see what the app and the worker do
/// then (deemed notification, escalation, deadline reminders, read-only access).
///
/// Only the test environment may use it: `ASYLUM_TEST_CLOCK_FILE` makes the app and the worker
/// refuse to start in any other (`check(environment:)`). What moves is the time of rules (when
/// a document is notified, when a step is due); sessions, throttles and message retries keep
/// real time.
public struct TestClock: Clock {
    public static let variable = "ASYLUM_TEST_CLOCK_FILE"
    /// The file holding the offset, in whole seconds (absent or empty: no offset).
    public let file: String

    public init(file: String) { self.file = file }

    public func now() -> Date { Date().addingTimeInterval(offset) }

    /// Seconds ahead of real time (never negative: tests only move forward).
    public var offset: TimeInterval {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8),
            let seconds = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), seconds > 0
        else { return 0 }
        return TimeInterval(seconds)
    }

    /// Moves the clock to `seconds` ahead of real time (0: back to real time).
    public func set(offsetSeconds seconds: Int) throws {
        try "\(max(0, seconds))\n".write(toFile: file, atomically: true, encoding: .utf8)
    }

    public struct Refused: Error, CustomStringConvertible {
        public let description: String
    }

    /// The legal clock for a process of `environment`: the test clock when the variable is set
    /// and the environment is test; refused anywhere else; the system clock when unset.
    public static func from(_ env: [String: String], environment: String) throws -> any Clock {
        guard let file = env[variable], !file.isEmpty else { return SystemClock() }
        guard environment == "test" else {
            throw Refused(description: "\(variable) is only honoured with ASYLUM_ENV=test (it moves the legal clock)")
        }
        return TestClock(file: file)
    }
}
