import Domain
import Foundation

/// Words for the legal dates of a document, shared by the applicant's vault and agents' views.
enum VaultText {
    static func day(_ d: CivilDate, _ ctx: RequestContext) -> String {
        DisplayFormat.date(ParisCalendar.startOfDay(d), ctx.language)
    }

    static func notification(_ state: NotificationState, _ ctx: RequestContext) -> String {
        switch state {
        case .pending(let at):
            return ctx.text("documents.notification.pending", ["date": DisplayFormat.dateTime(at, ctx.language)])
        case .notified(let at, .consulted):
            return ctx.text("documents.notification.consulted", ["date": DisplayFormat.dateTime(at, ctx.language)])
        case .notified(let at, .deemed):
            return ctx.text("documents.notification.deemed", ["date": DisplayFormat.dateTime(at, ctx.language)])
        }
    }

    /// The deadlines a document starts, each with its last day and days left, in plain words.
    static func deadlines(_ d: DocumentRecord, overseas: Bool, now: Date, _ ctx: RequestContext) -> [[String: Any]] {
        guard let notifiedOn = d.notification(now: now).notifiedOn else { return [] }
        let today = ParisCalendar.civilDate(of: now)
        return Deadlines.for(kind: d.kind, notifiedOn: notifiedOn, overseas: overseas, today: today).map { dl in
            let left: String
            switch dl.state {
            case .running: left = ctx.text("documents.deadline.days_left", count: dl.daysLeft)
            case .lastDay: left = ctx.text("documents.deadline.last_day")
            case .passed: left = ctx.text("documents.deadline.passed")
            }
            return [
                "title": ctx.text("documents.deadline.\(dl.kind.rawValue).title"),
                "explain": ctx.text("documents.deadline.\(dl.kind.rawValue).explain"),
                "until": day(dl.lastDay, ctx), "left": left, "urgent": dl.state != .running || dl.daysLeft <= 5,
                "passed": dl.state == .passed,
            ]
        }
    }

    static func interview(_ i: InterviewAppointment, _ ctx: RequestContext) -> [String: Any] {
        let today = ParisCalendar.civilDate(of: Date())
        return [
            "day": day(i.date, ctx), "time": i.time.hhmm, "place": i.place, "address": i.address,
            "interpreter": i.interpreterLanguage.flatMap { SpokenLanguages.find($0)?.name } ?? "",
            "daysLeft": i.daysLeft(today: today) >= 0
                ? ctx.text("documents.deadline.days_left", count: i.daysLeft(today: today)) : "",
        ]
    }
}
