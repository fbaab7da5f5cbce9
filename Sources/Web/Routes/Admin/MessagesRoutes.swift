import Foundation
import HTTP
import Outbox

/// What the outbox holds (counts, undelivered messages with a retry button) and, with the
/// spool transport, what would have been sent. Spooled messages hold keys and codes: their
/// viewer exists only with ASYLUM_DEMO_MESSAGES=1 (loopback only, see Config), for an administrator.
enum MessagesRoutes {
    static func register(_ routes: inout Routes, environment: Config.Environment) {
        routes.staff { g in
            g.get("/admin/messages", overview)
            g.post("/admin/messages/:id/retry", retry)
            if environment != .production {
                g.get("/demo/messages", demoSpool)
            }
        }
    }

    static func overview(_ ctx: StaffContext) throws -> Response {
        let counts = try Outbox.counts(ctx.db)
        let states = MessageState.allCases.map { ["name": ctx.text("outbox.states.\($0.rawValue)"), "count": counts[$0]] }
        let undelivered = try Outbox.undelivered(ctx.db, limit: 50).map { m -> [String: Any] in
            [
                "id": m.id, "channel": ctx.text("outbox.channels.\(m.channel.rawValue)"), "recipient": m.recipient,
                "template": m.template, "state": ctx.text("outbox.states.\(m.state.rawValue)"), "attempts": m.attempts,
                "delivery": ctx.text("delivery.status.\(m.deliveryStatus.rawValue)"),
                "error": m.lastError ?? "", "updated": DisplayFormat.dateTime(m.updatedAt, ctx.language),
            ]
        }
        return ctx.page(
            "admin/messages", title: "admin.messages.title",
            [
                "states": states, "undelivered": undelivered, "hasUndelivered": !undelivered.isEmpty,
                "demoMessages": ctx.app.config.demoMessages,
            ])
    }

    static func retry(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        switch try Outbox.retry(id: id, ctx.db) {
        case .notFound: throw HTTPError.notFound
        case .requeued: ctx.logger.info("outbox message \(id) requeued by staff \(ctx.staff.id)")
        case .notRetryable, .superseded: break
        }
        return .redirect(to: "/admin/messages?notice=message_requeued")
    }

    static func demoSpool(_ ctx: StaffContext) throws -> Response {
        guard ctx.app.config.demoMessages else { throw HTTPError.notFound }
        return ctx.page("demo/messages", title: "demo.messages.title", ["spool": spoolEntries(ctx, limit: 50)])
    }

    /// The newest spooled messages, for the administrator's demo page.
    static func spoolEntries(_ ctx: StaffContext, limit: Int) -> [[String: Any]] {
        SpoolReader(directory: ctx.app.config.spoolDirectory).list(limit: limit).map { e in
            [
                "channel": ctx.text("outbox.channels.\(e.channel.rawValue)"), "recipient": e.recipient,
                "subject": e.subject ?? "", "text": e.text, "date": DisplayFormat.dateTime(e.date, ctx.language),
            ]
        }
    }
}
