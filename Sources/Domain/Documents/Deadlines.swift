/// The time limits a notified document starts, counted in Paris civil days.
///
/// Counted from date to date (Code de procédure civile, art. 641): one month ends on the same day
/// number of the next month, clamped to the end of a shorter month; 15 days end on the
/// notification day + 15. A time limit whose last day is a Saturday, a Sunday or a public
/// holiday runs to the next working day (art. 642): that is the legal last day, shown as THE
/// deadline. The advice to act a week earlier is only advice, never a second deadline.
///
/// Asking for legal aid within its 15 days suspends the CNDA appeal time limit (loi du
/// 10 septembre 2018, CESEDA art. L532-1): a new month starts from the legal-aid office's answer,
/// which the portal does not know, so the appeal is then shown as suspended, not as running.
public enum Deadlines {
    public static let appealMonths = 1
    /// The "délai de distance" for people living overseas.
    public static let overseasAppealMonths = 2
    public static let legalAidDays = 15
    /// How long before the legal last day the portal advises acting, to be safe.
    public static let adviceDays = 7

    /// Deadlines for a negative decision, appeal first; none for other documents (a
    /// convocation carries its own date, see `InterviewAppointment`). `legalAidRequestedOn` is
    /// the person's own declaration of the day they asked for legal aid.
    public static func `for`(
        kind: DocumentKind, notifiedOn: CivilDate, overseas: Bool, today: CivilDate,
        legalAidRequestedOn: CivilDate? = nil
    ) -> [Deadline] {
        guard kind.isNegativeDecision else { return [] }
        let legalAidEnd = FrenchPublicHolidays.nextWorkingDay(onOrAfter: notifiedOn.adding(days: legalAidDays))
        let request = legalAidRequestedOn.map { (on: $0, inTime: $0 <= legalAidEnd) }
        let legalAid = Deadline(
            kind: .legalAidRequest, nominalLastDay: notifiedOn.adding(days: legalAidDays), today: today,
            legalAidRequest: request)
        let appeal = Deadline(
            kind: .cndaAppeal, nominalLastDay: notifiedOn.adding(months: overseas ? overseasAppealMonths : appealMonths),
            today: today, legalAidRequest: request)
        return [appeal, legalAid]
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
        /// The appeal time limit stopped: legal aid was asked in time.
        case suspended
        /// The legal-aid request the person told us they made in time.
        case met
    }

    /// Why the nominal last day was not a working day (a Saturday that is also a holiday
    /// reads as a Saturday: the weekday alone explains it).
    public enum Postponement: Hashable, Sendable {
        case saturday
        case sunday
        case holiday(PublicHoliday)
    }

    public let kind: Kind
    /// The day counted from date to date, before the weekend and holiday rule.
    public let nominalLastDay: CivilDate
    /// The last civil day on which the act is still on time (the legal one).
    public let lastDay: CivilDate
    /// Set when the nominal day was not a working day, so `lastDay` is later.
    public let postponement: Postponement?
    /// Advice: act by this day, `Deadlines.adviceDays` before `lastDay` but never before today
    /// (nor after `lastDay`).
    public let adviseBy: CivilDate
    /// 0 on the last day, negative once passed (kept when suspended, but meaningless then).
    public let daysLeft: Int
    /// The day the person told us they asked for legal aid, if they did.
    public let legalAidRequestedOn: CivilDate?
    /// Whether that request was in time (on or before the legal-aid last day).
    public let legalAidRequestedInTime: Bool

    /// `legalAidRequest`: the person's declaration and whether it falls within the legal-aid
    /// time limit of the same decision (`Deadlines.for` works it out).
    public init(
        kind: Kind, nominalLastDay: CivilDate, today: CivilDate,
        legalAidRequest: (on: CivilDate, inTime: Bool)? = nil
    ) {
        self.kind = kind
        self.nominalLastDay = nominalLastDay
        lastDay = FrenchPublicHolidays.nextWorkingDay(onOrAfter: nominalLastDay)
        postponement = Self.reason(nominalLastDay)
        adviseBy = max(lastDay.adding(days: -Deadlines.adviceDays), min(today, lastDay))
        daysLeft = today.days(until: lastDay)
        legalAidRequestedOn = legalAidRequest?.on
        legalAidRequestedInTime = legalAidRequest?.inTime ?? false
    }

    public var state: State {
        if legalAidRequestedInTime { return kind == .cndaAppeal ? .suspended : .met }
        return daysLeft > 0 ? .running : daysLeft == 0 ? .lastDay : .passed
    }

    /// Still counting down: the deadlines reminders are about.
    public var isRunning: Bool { state == .running || state == .lastDay }

    static func reason(_ day: CivilDate) -> Postponement? {
        switch day.weekday {
        case .saturday: return .saturday
        case .sunday: return .sunday
        default: return FrenchPublicHolidays.holiday(on: day).map { .holiday($0) }
        }
    }
}
