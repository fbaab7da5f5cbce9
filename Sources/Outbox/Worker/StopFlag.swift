import Foundation

/// Set once by the signal thread (SIGTERM/SIGINT), read by the worker between messages.
public final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false

    public init() {}

    public var isSet: Bool { lock.withLock { stopped } }
    public func set() { lock.withLock { stopped = true } }
}
