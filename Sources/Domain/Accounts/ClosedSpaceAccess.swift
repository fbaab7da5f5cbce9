import Foundation

/// What a person may still do in their space once OFPRA closed it. A closed space stays
/// readable (documents, receipts, deadlines) for a period counted from the later of the
/// closure and the last decision's notification: the decision is what an appeal needs, and
/// its deadlines run from its notification, which may come after the closure.
public enum ClosedSpaceAccess: Hashable, Sendable {
    /// Not closed: the space works in full.
    case open
    /// Closed, readable through this Paris civil day (inclusive); nothing can be changed.
    case readOnly(until: CivilDate)
    /// Closed and the period is over: no way in.
    case ended

    /// ASYLUM_CLOSED_ACCESS_DAYS when unset: well beyond the CNDA appeal month and the
    /// legal-aid fortnight, so a late appeal file can still be built from the decision itself.
    public static let defaultDays = 90

    /// `lastDecisionNotifiedAt` is the (possibly future) notification instant of the last
    /// decision, see `lastDecisionNotification`. Days are Paris civil days; `days` must be > 0.
    public static func decide(closedAt: Date?, lastDecisionNotifiedAt: Date?, days: Int, now: Date) -> ClosedSpaceAccess {
        guard let closedAt else { return .open }
        let from = max(closedAt, lastDecisionNotifiedAt ?? closedAt)
        let until = ParisCalendar.civilDate(of: from).adding(days: max(days, 1))
        return ParisCalendar.civilDate(of: now) <= until ? .readOnly(until: until) : .ended
    }

    /// The latest notification instant among decisions: the consultation or D+15, and for a
    /// decision not notified yet the instant it will be deemed notified (the latest it can be).
    public static func lastDecisionNotification(
        of documents: [(kind: DocumentKind, depositedAt: Date, firstConsultedAt: Date?)], now: Date
    ) -> Date? {
        documents.filter { $0.kind.category == .decision }.map { d -> Date in
            switch DocumentNotification.notifiedAt(depositedAt: d.depositedAt, firstConsultedAt: d.firstConsultedAt, now: now) {
            case .pending(let at), .notified(let at, _): at
            }
        }.max()
    }
}
