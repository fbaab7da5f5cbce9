import Foundation

/// What became of a message, as people see it (GOV.UK Notify's model): created → sending →
/// delivered, or a permanent, temporary or technical failure. The outbox's `state` says what the
/// queue does with a row; this says what the person got. Raw values are the database's.
public enum DeliveryStatus: String, CaseIterable, Sendable {
    /// Queued, not tried yet.
    case created
    /// Handed to a provider that has not said yet (an SMS gateway before its receipt).
    case sending
    /// Reached the person's phone or mail server.
    case delivered
    /// Refused for good: a number or mailbox that does not exist, a bounce.
    case permanentFailure = "permanent_failure"
    /// Not delivered for now (phone off, mailbox full, provider unreachable): retried.
    case temporaryFailure = "temporary_failure"
    /// Our side: undeliverable as written, or a fault between us and the provider.
    case technicalFailure = "technical_failure"

    public var isFailure: Bool {
        switch self {
        case .permanentFailure, .temporaryFailure, .technicalFailure: return true
        case .created, .sending, .delivered: return false
        }
    }

    /// Nothing more will be attempted for this message (an e-mail's bounce may still turn a
    /// `delivered` into a `permanentFailure`: see `settle`).
    public var isFinal: Bool {
        switch self {
        case .delivered, .permanentFailure, .technicalFailure: return true
        case .created, .sending, .temporaryFailure: return false
        }
    }

    /// How far along a status is. Receipts arrive in any order and may come twice, so a status
    /// only ever moves up: a late "sending" never undoes "delivered", a temporary failure gives
    /// way to the delivery that followed it, and a bounce after "delivered" is real (e-mail).
    public var rank: Int {
        switch self {
        case .created: return 0
        case .sending: return 1
        case .temporaryFailure: return 2
        case .delivered: return 3
        case .permanentFailure, .technicalFailure: return 4
        }
    }

    /// The status kept when `incoming` (a receipt, or the worker's own outcome) meets `current`:
    /// the higher rank; at equal rank the later time; at equal time a fixed order (the order of
    /// `allCases`). A maximum over a total order, so any order of the same receipts, replays
    /// included, ends in the same status and time.
    public static func settle(
        current: (status: DeliveryStatus, at: Date), incoming: (status: DeliveryStatus, at: Date)
    ) -> (status: DeliveryStatus, at: Date) {
        precedes(current, incoming) ? incoming : current
    }

    /// True when `a` comes strictly before `b` in the order `settle` keeps the maximum of.
    static func precedes(_ a: (status: DeliveryStatus, at: Date), _ b: (status: DeliveryStatus, at: Date)) -> Bool {
        if a.status.rank != b.status.rank { return a.status.rank < b.status.rank }
        if a.at != b.at { return a.at < b.at }
        return a.status.order < b.status.order
    }

    private var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

extension DeliveryStatus {
    /// A provider's word in a delivery receipt (Notify's callback: `permanent-failure`…). A
    /// receipt never says `created`: nil for it, as for anything unknown.
    public init?(receipt word: String) {
        guard let status = DeliveryStatus(rawValue: word.replacingOccurrences(of: "-", with: "_")), status != .created else {
            return nil
        }
        self = status
    }
}
