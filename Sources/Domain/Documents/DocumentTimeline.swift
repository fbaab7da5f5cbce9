import Foundation

/// The legal history of one deposited document (after Italy's SEND "legal facts"): what
/// happened and when, as the person, their structure and OFPRA may all need to prove it —
/// deposit, every message and how it fared, the first opening, the deemed notification,
/// reminders, structure alerts, and platform outages in that window (they matter for time
/// limits). Never the document's content; staff see the same dated facts.
public struct TimelineEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case deposited
        /// A message about the document (deposit, reminder, retry), with its delivery status.
        case message
        case firstOpened = "first_opened"
        case deemedNotified = "deemed_notified"
        /// Still to come: the day the document will be deemed notified if unopened.
        case willBeDeemed = "will_be_deemed"
        case messageRetried = "message_retried"
        case otherChannel = "other_channel"
        case noChannelLeft = "no_channel_left"
        case structureAlerted = "structure_alerted"
        case structureAlertedAgain = "structure_alerted_again"
        case deadlineReminder = "deadline_reminder"
        /// The database or a message provider unreachable for a while.
        case outage
    }

    public let kind: Kind
    public let at: Date
    /// Message events: the channel (sms, email) and the delivery status (`DeliveryStatus` raw value).
    public let channel: String?
    public let status: String?
    /// Deadline reminders: which time limit and how many days before; outages: the component.
    public let detail: [String: String]
    /// Outages: when it ended (nil while it lasts).
    public let endedAt: Date?

    public init(
        kind: Kind, at: Date, channel: String? = nil, status: String? = nil, detail: [String: String] = [:], endedAt: Date? = nil
    ) {
        self.kind = kind
        self.at = at
        self.channel = channel
        self.status = status
        self.detail = detail
        self.endedAt = endedAt
    }
}

public enum DocumentTimeline {
    /// The document's own facts (deposit, opening, deemed notification) merged with the others,
    /// in time order (a future deemed notification last).
    public static func build(depositedAt: Date, firstConsultedAt: Date?, now: Date, others: [TimelineEvent]) -> [TimelineEvent] {
        var events = [TimelineEvent(kind: .deposited, at: depositedAt)]
        switch DocumentNotification.notifiedAt(depositedAt: depositedAt, firstConsultedAt: firstConsultedAt, now: now) {
        case .notified(let at, .consulted): events.append(TimelineEvent(kind: .firstOpened, at: at))
        case .notified(let at, .deemed): events.append(TimelineEvent(kind: .deemedNotified, at: at))
        case .pending(let at): events.append(TimelineEvent(kind: .willBeDeemed, at: at))
        }
        // A person who opens it after the deemed notification still opened it: worth showing.
        if let opened = firstConsultedAt, !events.contains(where: { $0.kind == .firstOpened }) {
            events.append(TimelineEvent(kind: .firstOpened, at: opened))
        }
        events += others
        return events.enumerated().sorted { a, b in
            if (a.element.kind == .willBeDeemed) != (b.element.kind == .willBeDeemed) { return b.element.kind == .willBeDeemed }
            return a.element.at != b.element.at ? a.element.at < b.element.at : a.offset < b.offset
        }.map(\.element)
    }
}
