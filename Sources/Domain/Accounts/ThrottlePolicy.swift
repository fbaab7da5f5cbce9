import Foundation

/// Slows down guessing. A pure function of a failure count and the time of the last failure;
/// the web layer keeps both per client address and per typed identifier (known or not, so
/// the answers cannot tell an existing account from an unknown one).
public struct ThrottlePolicy: Hashable, Sendable {
    /// Failures allowed without waiting; from this count on, each attempt waits.
    public let delayFrom: Int
    /// Failure count at which the owner is warned that someone is trying (nil: never).
    public let warnAt: Int?
    /// Failure count at which only the owner can go on (nil: never locks). A lock lasts
    /// until the owner lifts it (key or unlock code): time does not lift it.
    public let lockAt: Int?
    public let maximumDelay: TimeInterval
    /// A count not locked starts again from zero after this long without a failure.
    public let memory: TimeInterval

    public init(delayFrom: Int, warnAt: Int? = nil, lockAt: Int?, maximumDelay: TimeInterval, memory: TimeInterval) {
        self.delayFrom = delayFrom
        self.warnAt = warnAt
        self.lockAt = lockAt
        self.maximumDelay = maximumDelay
        self.memory = memory
    }

    /// One identifier's passwords (applicant or staff): after 5 failures wait 1 s, then 2, 4 …
    /// up to 5 minutes; the owner is warned at the 10th failure; the 20th locks. Reaching the
    /// lock takes an attacker at least 38 minutes of waiting, from any number of addresses,
    /// and the owner lifts it with the key or code sent to them at that moment.
    public static let password = ThrottlePolicy(
        delayFrom: 5, warnAt: 10, lockAt: 20, maximumDelay: 5 * 60,
        memory: 24 * 3600)

    /// One identifier's connection keys (activation, reset): keys have 73 bits, so delays are
    /// enough; a lock here would shut the owner's own way back in.
    public static let key = ThrottlePolicy(delayFrom: 5, lockAt: nil, maximumDelay: 5 * 60, memory: 24 * 3600)

    /// One client address, across every identifier: SPADA kiosks and shared connections put
    /// many honest people behind one address, so the threshold is high and it never locks.
    /// A success does not reset it (an attacker's own account must not buy more guesses).
    public static let address = ThrottlePolicy(delayFrom: 20, lockAt: nil, maximumDelay: 5 * 60, memory: 3600)

    /// Delay after `failures` consecutive failures: 2^(failures - delayFrom) seconds, capped.
    public func delay(afterFailures failures: Int) -> TimeInterval {
        guard failures >= delayFrom else { return 0 }
        // 2^9 already exceeds any sensible cap; bounding the exponent avoids overflow.
        return min(maximumDelay, TimeInterval(1 << min(failures - delayFrom, 30)))
    }

    public func isLocked(failures: Int) -> Bool { lockAt.map { failures >= $0 } ?? false }

    /// The count that still matters now: an unlocked count is forgotten after `memory`.
    public func effectiveFailures(_ failures: Int, lastFailureAt: Date?, now: Date) -> Int {
        guard !isLocked(failures: failures), let lastFailureAt else { return failures }
        return now.timeIntervalSince(lastFailureAt) > memory ? 0 : failures
    }

    public func decision(consecutiveFailures recorded: Int, lastFailureAt: Date?, now: Date) -> ThrottleDecision {
        let failures = effectiveFailures(recorded, lastFailureAt: lastFailureAt, now: now)
        if isLocked(failures: failures) { return .locked }
        let delay = delay(afterFailures: failures)
        guard delay > 0, let lastFailureAt else { return .allowed }
        // A clock that went backwards counts as no time elapsed.
        let remaining = delay - max(0, now.timeIntervalSince(lastFailureAt))
        return remaining > 0 ? .wait(seconds: Int(remaining.rounded(.up))) : .allowed
    }

    /// What the owner is told once the count reaches `failures` (nil: nothing new).
    public func notice(afterFailures failures: Int) -> ThrottleNotice? {
        if failures == lockAt { return .locked }
        if failures == warnAt { return .warned }
        return nil
    }
}

public enum ThrottleDecision: Hashable, Sendable {
    case allowed
    case wait(seconds: Int)
    case locked
}

public enum ThrottleNotice: String, Hashable, Sendable {
    /// "Someone is trying your password": a message to the owner and an event in their history.
    case warned
    /// Only the owner goes on: a message with the way to unlock, and the event.
    case locked
}
