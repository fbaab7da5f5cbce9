import Domain
import Foundation

/// An opt-out request in words: its state, its reason and the date of each step reached,
/// the same for the SPADA, OFII, OFPRA and the person.
enum OptOutText {
    static func state(_ o: PaperOptOut, _ ctx: RequestContext) -> String {
        ctx.text("optout.states.\(o.step.rawValue)")
    }

    static func reason(_ o: PaperOptOut, _ ctx: RequestContext) -> String {
        let label = ctx.text("optout.reasons.\(o.reason.rawValue)")
        guard let detail = o.reasonDetail, !detail.isEmpty else { return label }
        return label + " – " + detail
    }

    static func day(_ d: CivilDate, _ ctx: RequestContext) -> String {
        DisplayFormat.date(ParisCalendar.startOfDay(d), ctx.language)
    }

    /// Steps reached, in order, each with its date.
    static func steps(_ o: PaperOptOut, _ ctx: RequestContext) -> [[String: Any]] {
        var out: [[String: Any]] = [
            ["label": ctx.text("optout.steps.requested"), "date": DisplayFormat.dateTime(o.requestedAt, ctx.language)]
        ]
        if let d = o.convokedOn { out.append(["label": ctx.text("optout.steps.convoked"), "date": day(d, ctx)]) }
        if let d = o.signedOn { out.append(["label": ctx.text("optout.steps.signed"), "date": day(d, ctx)]) }
        if let d = o.forwardedAt {
            out.append(["label": ctx.text("optout.steps.forwarded"), "date": DisplayFormat.dateTime(d, ctx.language)])
        }
        if let d = o.decidedAt, let decision = o.decision {
            out.append(["label": ctx.text("optout.steps.\(decision.rawValue)"), "date": DisplayFormat.dateTime(d, ctx.language)])
        }
        return out
    }

    /// A postal address as lines: "c/o" the structure, its street address, its city.
    static func addressLines(_ a: PostalAddress, _ ctx: RequestContext) -> [String] {
        [ctx.text("postal.care_of", ["structure": a.structureName]), a.address, a.city].filter { !$0.isEmpty }
    }
}
