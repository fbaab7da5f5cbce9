import Domain
import Foundation
import HTTP

/// The answer (409) to a person whose space OFPRA has not opened yet (step 3): what happens,
/// when to come back, whom to ask. Nothing tells the person when the space opens, and the
/// printed key stays valid until it is used, so "come back with the same key" is the advice.
enum NotYetOpenPage {
    /// OFPRA usually opens a space within a day of the GUDA registration (domain brief, step 3).
    static let usualDelay: TimeInterval = 24 * 3600

    static func response(_ person: Applicant, _ ctx: RequestContext, now: Date = Date()) -> Response {
        var data: [String: Any] = ["registered": "", "retry": ctx.text("usager.not_open.retry_later")]
        if let registered = person.registeredAt {
            data["registered"] = ctx.text("usager.not_open.registered", ["date": DisplayFormat.date(registered, ctx.language)])
            let expected = registered.addingTimeInterval(usualDelay)
            if expected > now {
                data["retry"] = ctx.text("usager.not_open.retry_after", ["when": DisplayFormat.dateTime(expected, ctx.language)])
            }
        }
        return ctx.page("usager/not-yet-open", title: "usager.not_open.title", data, status: 409)
    }
}
