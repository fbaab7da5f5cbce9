/// The time limits a notified document starts, counted in Paris civil days.
///
/// The last day shown is the earliest defensible reading of the law: one month (or 15 days)
/// from the notification day, same day number, clamped to the end of a shorter month.
/// Courts count these as "jours francs" and push a deadline that ends on a weekend or public
/// holiday to the next working day, so the legal end can be a little later, never earlier:
/// a person who follows the portal is never late. The portal does not know whether legal
/// aid was requested (which suspends the appeal deadline), so pages must say so in words.
public enum Deadlines {
    public static let appealMonths = 1
    /// The "délai de distance" for people living overseas.
    public static let overseasAppealMonths = 2
    public static let legalAidDays = 15

    /// Deadlines for a negative decision; none for other documents (a convocation carries
    /// its own date, see `InterviewAppointment`).
    public static func `for`(kind: DocumentKind, notifiedOn: CivilDate, overseas: Bool, today: CivilDate) -> [Deadline] {
        guard kind.isNegativeDecision else { return [] }
        let appealEnd = notifiedOn.adding(months: overseas ? overseasAppealMonths : appealMonths)
        return [
            Deadline(kind: .cndaAppeal, lastDay: appealEnd, today: today),
            Deadline(kind: .legalAidRequest, lastDay: notifiedOn.adding(days: legalAidDays), today: today),
        ]
    }
}

public struct Deadline: Hashable, Sendable {
    public enum Kind: String, Sendable {
        /// Appeal to the Cour nationale du droit d'asile.
        case cndaAppeal = "cnda_appeal"
        /// Request for legal aid (aide juridictionnelle) for that appeal.
        case legalAidRequest = "legal_aid_request"
    }

    public enum State: String, Sendable {
        case running
        case lastDay = "last_day"
        case passed
    }

    public let kind: Kind
    /// The last civil day on which the act is still on time.
    public let lastDay: CivilDate
    /// 0 on the last day, negative once passed.
    public let daysLeft: Int

    public init(kind: Kind, lastDay: CivilDate, today: CivilDate) {
        self.kind = kind
        self.lastDay = lastDay
        self.daysLeft = today.days(until: lastDay)
    }

    public var state: State {
        daysLeft > 0 ? .running : daysLeft == 0 ? .lastDay : .passed
    }
}
