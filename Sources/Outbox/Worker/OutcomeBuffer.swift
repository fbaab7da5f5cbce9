import Foundation

/// Outcomes waiting to be recorded. A fast transport (the spool) delivers thousands per second:
/// recording them in groups costs one round trip per group, not per message. The group is
/// written when it is large, when its oldest outcome has waited 0.2 s, or right away after a
/// slow delivery (SMTP, HTTP), so a crash can only repeat the deliveries of the last instant.
struct OutcomeBuffer {
    static let maxCount = 100
    static let maxAge: TimeInterval = 0.2
    static let slowDelivery: TimeInterval = 0.05

    private(set) var outcomes = [OutboxQueue.Outcome]()
    private var oldest: Date?
    private var lastWasSlow = false

    mutating func add(_ outcome: OutboxQueue.Outcome, took duration: TimeInterval) {
        if outcomes.isEmpty { oldest = Date() }
        outcomes.append(outcome)
        lastWasSlow = duration >= Self.slowDelivery
    }

    var isDue: Bool {
        lastWasSlow || outcomes.count >= Self.maxCount
            || (oldest.map { Date().timeIntervalSince($0) >= Self.maxAge } ?? false)
    }

    mutating func clear() {
        outcomes.removeAll(keepingCapacity: true)
        oldest = nil
        lastWasSlow = false
    }
}
