import Foundation

/// When to try again after a temporary failure, and when to give up.
public struct RetryPolicy: Sendable {
    /// Delay after the first failed attempt; doubles with each further one.
    public var baseDelay: TimeInterval = 30
    public var maxDelay: TimeInterval = 3600
    /// Attempts before a message goes dead (counting the first).
    public var maxAttempts: Int = 8
    /// Up to this fraction is taken off each delay at random, so messages that failed
    /// together (provider outage) do not all come back in the same second.
    public var jitter: Double = 0.25

    public init() {}

    public init(baseDelay: TimeInterval, maxDelay: TimeInterval, maxAttempts: Int, jitter: Double = 0.25) {
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxAttempts = maxAttempts
        self.jitter = jitter
    }

    /// Delay before the next attempt after `attempts` failed ones: base · 2^(attempts-1),
    /// capped, minus up to `jitter` of it. `random` is in [0, 1).
    public func delay(afterAttempts attempts: Int, random: Double) -> TimeInterval {
        let exponent = Double(max(0, min(attempts - 1, 40)))
        let capped = min(maxDelay, baseDelay * pow(2, exponent))
        return capped * (1 - jitter * min(max(random, 0), 1))
    }

    public func shouldGiveUp(afterAttempts attempts: Int) -> Bool { attempts >= maxAttempts }
}
