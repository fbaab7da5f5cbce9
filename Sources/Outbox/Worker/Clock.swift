import Foundation

/// The worker's idea of now: injected so tests can move time instead of sleeping.
public protocol Clock: Sendable {
    func now() -> Date
}

public struct SystemClock: Clock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A number in [0, 1) for backoff jitter: injected so tests get fixed delays.
public protocol JitterSource: Sendable {
    func next() -> Double
}

public struct SystemJitter: JitterSource {
    public init() {}
    public func next() -> Double { Double.random(in: 0..<1) }
}
