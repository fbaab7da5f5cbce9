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
    /// Worth trying again later: network trouble, provider busy or misconfigured on our side.
    case temporaryFailure(String)
    /// Will never succeed as is: the provider refused this message or this recipient.
    case permanentFailure(String)
}

/// Delivers one message synchronously. Instances belong to one worker thread.
public protocol Transport: AnyObject {
    func deliver(_ message: RenderedMessage) -> DeliveryResult
}
