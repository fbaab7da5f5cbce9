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

    /// The deadlines a document starts, in plain words: the legal last day as THE deadline
    /// (weekday and date), why it is later than the count when it was postponed, the advice to
    /// act earlier as advice, and a suspended appeal as suspended. Never the decision's content.
    static func deadlines(_ d: DocumentRecord, overseas: Bool, now: Date, _ ctx: RequestContext) -> [[String: Any]] {
        guard let notifiedOn = d.notification(now: now).notifiedOn else { return [] }
        let today = ParisCalendar.civilDate(of: now)
        return Deadlines.for(
            kind: d.kind, notifiedOn: notifiedOn, overseas: overseas, today: today,
            legalAidRequestedOn: d.legalAidRequestedOn
        ).map { dl in
            let asked = dl.legalAidRequestedOn.map { day($0, ctx) } ?? ""
            var until = day(dl.lastDay, ctx)
            let left: String
            var note = ""
            var noteHelp = ""
            switch dl.state {
            case .running: left = ctx.text("documents.deadline.days_left", count: dl.daysLeft)
            case .lastDay: left = ctx.text("documents.deadline.last_day")
            case .passed: left = ctx.text("documents.deadline.passed")
            case .suspended:
                until = ctx.text("documents.deadline.suspended_label")
                left = ""
                note = ctx.text(
                    overseas ? "documents.deadline.suspended_overseas" : "documents.deadline.suspended", ["date": asked])
                noteHelp = ctx.text("documents.deadline.suspended_help")
            case .met:
                left = ctx.text("documents.deadline.met_label")
                note = ctx.text("documents.deadline.met", ["date": asked])
            }
            // Declared after the legal-aid time limit: the appeal keeps running, and we say why.
            if dl.kind == .cndaAppeal, !asked.isEmpty, !dl.legalAidRequestedInTime {
                note = ctx.text("documents.deadline.declared_late", ["date": asked])
            }
            let stopped = dl.state == .suspended || dl.state == .met
            return [
                "title": ctx.text("documents.deadline.\(dl.kind.rawValue).title"),
                // "Until this date" no longer holds once stopped: the note says what happens instead.
                "explain": stopped ? "" : ctx.text("documents.deadline.\(dl.kind.rawValue).explain"),
                "until": until, "left": left,
                "postponed": stopped ? "" : postponement(dl, ctx),
                "advice": dl.isRunning ? advice(dl, today: today, ctx) : "",
                "note": note, "noteHelp": noteHelp,
                "urgent": dl.state == .lastDay || dl.state == .passed || (dl.state == .running && dl.daysLeft <= 5),
                "passed": dl.state == .passed,
            ]
        }
    }

    /// "26 December is a Saturday: the time limit runs to Monday 28 December."
    static func postponement(_ dl: Deadline, _ ctx: RequestContext) -> String {
        guard let reason = dl.postponement else { return "" }
        let values = [
            "nominal": DisplayFormat.dayMonthYear(ParisCalendar.startOfDay(dl.nominalLastDay), ctx.language),
            "until": day(dl.lastDay, ctx),
        ]
        switch reason {
        case .saturday: return ctx.text("documents.deadline.postponed_saturday", values)
        case .sunday: return ctx.text("documents.deadline.postponed_sunday", values)
        case .holiday(let h):
            return ctx.text(
                "documents.deadline.postponed_holiday",
                values.merging(["holiday": ctx.text("documents.deadline.holidays.\(h.rawValue)")]) { $1 })
        }
    }

    /// Advice, worded as advice: a week before the legal last day, or today in the last week.
    static func advice(_ dl: Deadline, today: CivilDate, _ ctx: RequestContext) -> String {
        dl.adviseBy <= today
            ? ctx.text("documents.deadline.advice_today")
            : ctx.text("documents.deadline.advice", ["date": day(dl.adviseBy, ctx)])
    }

    static func interview(_ i: InterviewAppointment, _ ctx: RequestContext) -> [String: Any] {
        let today = ParisCalendar.civilDate(of: ctx.now)
        return [
            "day": day(i.date, ctx), "time": i.time.hhmm, "place": i.place, "address": i.address,
            "interpreter": i.interpreterLanguage.flatMap { SpokenLanguages.find($0)?.name } ?? "",
            "daysLeft": i.daysLeft(today: today) >= 0
                ? ctx.text("documents.deadline.days_left", count: i.daysLeft(today: today)) : "",
        ]
    }
}
