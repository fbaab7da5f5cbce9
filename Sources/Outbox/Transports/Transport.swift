import Domain
import Foundation

/// A message ready to leave: rendered content plus what a transport needs to file it.
public struct RenderedMessage: Sendable, Equatable {
    public let outboxID: Int64
    public let recipient: String
    public let language: String
    public let content: RenderedContent
    /// When the message was queued (fixed for the outbox row; nil outside the worker).
    public let queuedAt: Date?

    public init(outboxID: Int64, recipient: String, language: String, content: RenderedContent, queuedAt: Date? = nil) {
        self.outboxID = outboxID
        self.recipient = recipient
        self.language = language
        self.content = content
        self.queuedAt = queuedAt
    }

    /// The same for every attempt at this message. A worker killed between a delivery and its
    /// record sends the message again; each transport hands this key to the receiver so the
    /// second copy can be recognised: the SMTP Message-ID, the SMS gateway's client reference
    /// (and Idempotency-Key header), the spool file name.
    public var idempotencyKey: String { "outbox-\(outboxID)" }
}

public enum DeliveryResult: Sendable, Equatable {
    /// Accepted by the provider (its id for the message, when it gives one).
    case sent(providerRef: String?)
    /// The receiver already held this message under its idempotency key (a re-send after a
    /// worker was killed between a delivery and its record): nothing was sent again.
    case alreadyDelivered(providerRef: String?)
    /// Worth trying again later: provider busy, or misconfigured on our side.
    case temporaryFailure(String)
    /// Worth trying again later, and the provider itself looks down: no connection, no answer
    /// in time, or a 5xx. Consecutive ones make an outage (`OutageRecorder`).
    case unreachable(String)
    /// Will never succeed as is: the provider refused this message or this recipient.
    case permanentFailure(String)
}

/// Delivers one message synchronously. Instances belong to one worker thread.
public protocol Transport: AnyObject {
    func deliver(_ message: RenderedMessage) -> DeliveryResult

    /// True when delivering a message again (same idempotency key) can never give the receiver
    /// a second copy. The worker then records a whole batch of outcomes in one statement;
    /// otherwise it records each outcome before the next delivery, so that a kill repeats at
    /// most the one message in hand.
    var deduplicatesByKey: Bool { get }

    /// Called before the outcomes of deliveries made since the last call are recorded: makes
    /// them durable (or visible) at the receiver. Throws when it cannot; those deliveries are
    /// then retried.
    func commitDeliveries() throws

    /// What a message accepted by this transport is, for the person: `delivered` when nothing
    /// further will come (the spool) or the receiving server took it (SMTP; a bounce may still
    /// follow), `sending` when the provider's receipt is still to come (the SMS gateway).
    var acceptedStatus: DeliveryStatus { get }
}

extension Transport {
    public var deduplicatesByKey: Bool { false }
    public func commitDeliveries() throws {}
    public var acceptedStatus: DeliveryStatus { .delivered }
}
