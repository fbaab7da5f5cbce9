import Domain
import Foundation

public enum Channel: String, Sendable, CaseIterable {
    case sms, email
}

/// See Migrations/002_outbox.sql for what each state means.
public enum MessageState: String, Sendable, CaseIterable {
    case pending, sending, sent, failed, dead
}

/// A message to queue: what to send to whom, not yet rendered. The worker renders the
/// template at delivery time, in `language`, with `params` (plus `portal_url`, `lang`, `dir`).
public struct OutboxMessage: Sendable, Equatable {
    public var channel: Channel
    public var recipient: String
    public var template: String
    public var language: String
    public var params: [String: String]
    /// At most one alive message per key (see the migration); nil = no dedup.
    public var dedupKey: String?
    /// Which person or document this is about, e.g. "person:<uuid>".
    public var subjectRef: String?

    public init(
        channel: Channel, recipient: String, template: String, language: String,
        params: [String: String] = [:], dedupKey: String? = nil, subjectRef: String? = nil
    ) {
        self.channel = channel
        self.recipient = recipient
        self.template = template
        self.language = language
        self.params = params
        self.dedupKey = dedupKey
        self.subjectRef = subjectRef
    }
}

/// One row of the outbox, as the staff pages and the tests see it.
public struct OutboxRecord: Sendable {
    public let id: Int64
    public let channel: Channel
    public let recipient: String
    public let template: String
    public let language: String
    public let params: [String: String]
    public let dedupKey: String?
    public let subjectRef: String?
    public let state: MessageState
    public let attempts: Int
    public let nextAttemptAt: Date
    public let lockedBy: String?
    public let lockedAt: Date?
    public let lastError: String?
    public let providerRef: String?
    public let createdAt: Date
    public let updatedAt: Date
    public let sentAt: Date?
    /// What the person got (Migrations/018_delivery.sql), and when: the provider's time when a
    /// receipt said so.
    public let deliveryStatus: DeliveryStatus
    public let deliveryStatusAt: Date
}

public enum OutboxError: Error, CustomStringConvertible, Equatable {
    /// `enqueue` was called on a connection with no open transaction: the message would not
    /// share the fate of the event that caused it.
    case notInTransaction
    case invalidMessage(String)

    public var description: String {
        switch self {
        case .notInTransaction: return "Outbox.enqueue needs the caller's open transaction"
        case .invalidMessage(let why): return "invalid outbox message: \(why)"
        }
    }
}
