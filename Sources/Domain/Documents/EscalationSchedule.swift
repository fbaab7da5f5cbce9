/// What is done, and when, so that an unopened document is never deemed notified behind a
/// person's back: the one place the schedule is written (the worker's job follows it, the
/// timeline shows what it did, the tests walk it with a moved clock).
///
/// Days are Paris civil days after the deposit day (day 0). Everything happens before day 15,
/// when the document is deemed notified (`DocumentNotification.deemedAfterDays`).
public enum EscalationSchedule {
    public enum Step: String, CaseIterable, Sendable {
        /// The first message, on the person's first verified channel (at deposit).
        case firstMessage = "first_message"
        /// A failed message sent once more on its own channel (a phone that was off).
        case retry = "message_retried"
        /// The person's other verified channel.
        case otherChannel = "other_channel"
        /// The accompanying structure: an e-mail to its functional address and a dashboard flag.
        case structureAlert = "structure_alerted"
        /// The structure again, shortly before the document is deemed notified.
        case structureReminder = "structure_alerted_again"
    }

    /// The day each step is due when nothing went wrong (the document simply stays unopened).
    public static let plan: [(day: Int, step: Step)] = [
        (0, .firstMessage),
        (3, .otherChannel),
        (7, .structureAlert),
        (12, .structureReminder),
    ]

    public static func day(of step: Step) -> Int? { plan.first { $0.step == step }?.day }

    /// How the messages sent so far for the document fared.
    public struct Delivery: Sendable, Equatable {
        /// Channels whose latest message failed (refused, bounced, undeliverable or given up).
        public var failedChannels: Set<String>
        /// Of those, the failures that may pass (phone off, mailbox full): worth one more try.
        public var temporarilyFailedChannels: Set<String>
        /// Channels already used for this document, whatever came of it.
        public var usedChannels: Set<String>
        /// The person's verified channels, in order of preference.
        public var personChannels: [String]

        public init(
            failedChannels: Set<String>, temporarilyFailedChannels: Set<String>, usedChannels: Set<String>, personChannels: [String]
        ) {
            self.failedChannels = failedChannels
            self.temporarilyFailedChannels = temporarilyFailedChannels
            self.usedChannels = usedChannels
            self.personChannels = personChannels
        }

        /// No verified channel, or every one failed: nobody can reach the person but their structure.
        public var noChannelLeft: Bool { personChannels.allSatisfy { failedChannels.contains($0) } }

        /// Nobody left to reach, once a temporary failure has had its retry: the structure at once.
        public func unreachable(done: Set<Step>) -> Bool {
            noChannelLeft && (temporarilyFailedChannels.isEmpty || done.contains(.retry))
        }
    }

    /// What is due on `day` (days since deposit) for an unopened, not yet notified document,
    /// given the steps already taken. A failure moves the next step forward: the other channel
    /// at once, and the structure at once when no channel of the person is left.
    public static func due(day: Int, delivery: Delivery, done: Set<Step>) -> [Step] {
        guard day < DocumentNotification.deemedAfterDays else { return [] }
        var steps = [Step]()
        if !done.contains(.retry), !delivery.temporarilyFailedChannels.isEmpty { steps.append(.retry) }
        let otherChannelDue = day >= 3 || !delivery.failedChannels.isEmpty
        if !done.contains(.otherChannel), otherChannelDue,
            delivery.personChannels.contains(where: { !delivery.usedChannels.contains($0) })
        {
            steps.append(.otherChannel)
        }
        if !done.contains(.structureAlert), day >= 7 || delivery.unreachable(done: done) { steps.append(.structureAlert) }
        // A reminder follows an alert made on an earlier run (a job that missed days alerts once).
        if !done.contains(.structureReminder), day >= 12, done.contains(.structureAlert) { steps.append(.structureReminder) }
        return steps
    }
}
