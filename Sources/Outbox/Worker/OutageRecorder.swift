import Foundation

/// A part the platform needs, as `platform_outages.component` names it.
public enum PlatformComponent: String, Sendable, CaseIterable {
    case database
    case smsProvider = "sms_provider"
    case emailProvider = "email_provider"

    /// The provider a channel's messages go through.
    public static func provider(of channel: Channel) -> PlatformComponent {
        channel == .sms ? .smsProvider : .emailProvider
    }
}

/// One worker's bookkeeping of outages, which matter for deadlines (a document announced while
/// nothing could be sent). It decides what to write; `PlatformOutages` writes it, and writes
/// that fail (the database is what is down) wait for the next `flush`.
///
/// - The database: the worker's run loop says when a round fails to reach it and when it
///   answers again; an outage that lasted `threshold` or more is written then, whole.
///   The app's requests meet the same outage but cannot write it anywhere: the worker is the
///   one that records it (a worker restarted while the database is down starts afresh and
///   sees only the part after its start).
/// - A provider (SMS gateway, mail server): consecutive unreachable answers of its transport
///   (no connection, timeout, 5xx) spanning `threshold` open an outage (no end yet); the next
///   answer of that provider closes it. Any answer counts, even a refusal: the provider is up.
public final class OutageRecorder {
    public enum Write: Sendable, Equatable {
        /// An outage over, written whole (the database's, once it answers again).
        case ended(PlatformComponent, from: Date, to: Date)
        /// An outage still going on.
        case began(PlatformComponent, at: Date)
        /// The end of the ongoing outage of a component.
        case over(PlatformComponent, at: Date)
    }

    public let threshold: TimeInterval
    let clock: Clock
    private var databaseDownSince: Date?
    private var failingSince = [PlatformComponent: Date]()
    private var open = Set<PlatformComponent>()
    /// Decided, not written yet (in order).
    public private(set) var pending = [Write]()

    public init(threshold: TimeInterval, clock: Clock) {
        self.threshold = threshold
        self.clock = clock
    }

    /// A round could not reach the database (from the first such failure on).
    public func databaseUnreachable() {
        if databaseDownSince == nil { databaseDownSince = clock.now() }
    }

    /// The database answered: an outage long enough is to be written.
    public func databaseAnswered() {
        guard let since = databaseDownSince else { return }
        databaseDownSince = nil
        let now = clock.now()
        if now.timeIntervalSince(since) >= threshold { pending.append(.ended(.database, from: since, to: now)) }
    }

    /// A provider could not be reached (its transport said `.unreachable`).
    public func unreachable(_ component: PlatformComponent) {
        let now = clock.now()
        let since = failingSince[component] ?? now
        failingSince[component] = since
        if !open.contains(component), now.timeIntervalSince(since) >= threshold {
            open.insert(component)
            pending.append(.began(component, at: since))
        }
    }

    /// A provider answered (accepted or refused a message).
    public func answered(_ component: PlatformComponent) {
        failingSince[component] = nil
        if open.remove(component) != nil { pending.append(.over(component, at: clock.now())) }
    }

    /// Hands the pending writes to `write`, in order, until one fails (it and the rest wait
    /// for the next call). Returns that failure, if any.
    @discardableResult
    public func flush(_ write: (Write) throws -> Void) -> Error? {
        while let next = pending.first {
            do {
                try write(next)
            } catch {
                return error
            }
            pending.removeFirst()
        }
        return nil
    }
}
