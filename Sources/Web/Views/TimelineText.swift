import Domain
import Foundation
import Outbox

/// A document's timeline in words: one dated line per legal fact (the same facts for the
/// person, their structure and OFPRA; no content of the document in any of them).
enum TimelineText {
    static func rows(_ events: [TimelineEvent], _ ctx: RequestContext) -> [[String: Any]] {
        events.map { e in
            [
                "when": DisplayFormat.dateTime(e.at, ctx.language), "iso": e.at.formatted(.iso8601), "text": text(e, ctx),
                "failed": e.status.flatMap(DeliveryStatus.init(rawValue:))?.isFailure == true || e.kind == .noChannelLeft
                    || e.kind == .outage,
                "future": e.kind == .willBeDeemed,
            ]
        }
    }

    static func text(_ e: TimelineEvent, _ ctx: RequestContext) -> String {
        switch e.kind {
        case .message:
            return ctx.text(
                "timeline.message",
                [
                    "channel": ctx.text("outbox.channels.\(e.channel ?? Channel.sms.rawValue)"),
                    "status": ctx.text("delivery.status.\(e.status ?? DeliveryStatus.created.rawValue)"),
                ])
        case .deadlineReminder:
            let days = Int(e.detail["days_before"] ?? "") ?? 0
            return ctx.text(
                "timeline.deadline_reminder", count: days,
                ["deadline": ctx.text("documents.deadline.\(e.detail["deadline"] ?? Deadline.Kind.cndaAppeal.rawValue).title")])
        case .outage:
            let component = ctx.text("timeline.component.\(e.detail["component"] ?? "database")")
            if let end = e.endedAt {
                return ctx.text("timeline.outage_ended", ["component": component, "end": DisplayFormat.dateTime(end, ctx.language)])
            }
            return ctx.text("timeline.outage_ongoing", ["component": component])
        default:
            return ctx.text("timeline.\(e.kind.rawValue)")
        }
    }
}
