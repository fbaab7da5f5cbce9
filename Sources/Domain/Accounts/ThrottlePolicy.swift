import Foundation

/// Slows down password guessing. A pure function of the failure count and the time of the
/// last failure; the web layer stores both and resets them on success.
public struct ThrottlePolicy: Hashable, Sendable {
    /// Failures allowed without waiting; from this count on, each attempt waits.
    public let delayFrom: Int
    /// Failure count at which the account locks (nil: never locks).
    public let lockAt: Int?
    public let maximumDelay: TimeInterval

    public init(delayFrom: Int, lockAt: Int?, maximumDelay: TimeInterval) {
        self.delayFrom = delayFrom
        self.lockAt = lockAt
        self.maximumDelay = maximumDelay
    }

    /// One account: after 5 failures wait 1 s, then 2, 4, 8, 16 s; the 10th failure locks it
    /// until the password is reset with the connection key.
    public static let account = ThrottlePolicy(delayFrom: 5, lockAt: 10, maximumDelay: 5 * 60)

    /// One client address: SPADA kiosks and shared connections put many honest people behind
    /// one address, so the threshold is high and it never locks (that would lock them all out).
    public static let address = ThrottlePolicy(delayFrom: 20, lockAt: nil, maximumDelay: 5 * 60)

    /// Delay after `failures` consecutive failures: 2^(failures - delayFrom) seconds, capped.
    public func delay(afterFailures failures: Int) -> TimeInterval {
        guard failures >= delayFrom else { return 0 }
        // 2^9 already exceeds any sensible cap; bounding the exponent avoids overflow.
        return min(maximumDelay, TimeInterval(1 << min(failures - delayFrom, 30)))
    }

    public func decision(consecutiveFailures failures: Int, lastFailureAt: Date?, now: Date) -> ThrottleDecision {
        if let lockAt, failures >= lockAt { return .locked }
        let delay = delay(afterFailures: failures)
        guard delay > 0, let lastFailureAt else { return .allowed }
        // A clock that went backwards counts as no time elapsed.
        let remaining = delay - max(0, now.timeIntervalSince(lastFailureAt))
        return remaining > 0 ? .wait(seconds: Int(remaining.rounded(.up))) : .allowed
    }
}

public enum ThrottleDecision: Hashable, Sendable {
    case allowed
    case wait(seconds: Int)
    case locked
}
