import Foundation

/// A message ready to leave: rendered content plus what a transport needs to file it.
public struct RenderedMessage: Sendable, Equatable {
    public let outboxID: Int64
    public let recipient: String
    public let language: String
    public let content: RenderedContent

    public init(outboxID: Int64, recipient: String, language: String, content: RenderedContent) {
        self.outboxID = outboxID
        self.recipient = recipient
        self.language = language
        self.content = content
    }
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
