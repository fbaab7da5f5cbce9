import Domain
import Foundation
import Postgres

/// `ClosedSpaceAccess` for a stored person: their decisions read from the vault, the days from
/// the configuration, now from the legal clock.
enum ClosedSpaces {
    static func access(_ person: Applicant, _ ctx: RequestContext) throws -> ClosedSpaceAccess {
        guard let closedAt = person.closedAt else { return .open }
        // A space OFPRA never opened holds nothing its owner ever read: nothing to keep open.
        guard person.spaceAvailableAt != nil else { return .ended }
        let documents = try Documents.forApplicant(person.id, db: ctx.db).map {
            (kind: $0.kind, depositedAt: $0.depositedAt, firstConsultedAt: $0.firstConsultedAt)
        }
        return ClosedSpaceAccess.decide(
            closedAt: closedAt, lastDecisionNotifiedAt: ClosedSpaceAccess.lastDecisionNotification(of: documents, now: ctx.now),
            days: ctx.app.config.closedAccessDays, now: ctx.now)
    }

    /// The last readable day when the space is closed but still readable, else nil.
    static func readOnlyUntil(_ person: Applicant, _ ctx: RequestContext) throws -> CivilDate? {
        if case .readOnly(let until) = try access(person, ctx) { return until }
        return nil
    }
}
