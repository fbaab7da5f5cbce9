import Domain
import Foundation
import HTTP

/// OFPRA's mail room: letters deposited for people in paper mode, with the address to post them
/// to (their SPADA domiciliation), as a printable list; staff mark each one posted.
enum PostalRoutes {
    static func register(_ routes: inout Routes) {
        routes.staff("/agents/ofpra/courrier") { g in
            g.get("", list)
            g.post("/:id/poste", markPosted)
        }
    }

    static func list(_ ctx: StaffContext) throws -> Response {
        let pending = try PostalDispatches.pending(db: ctx.db)
        for d in pending { try Audit.record(ctx, "postal_list_view", applicant: d.applicantId) }
        return ctx.page(
            "agents/ofpra-postal", title: "postal.title",
            [
                "count": ctx.text("postal.count", ["n": String(pending.count)]),
                "printed": DisplayFormat.dateTime(Date(), ctx.language),
                "items": pending.map { d -> [String: Any] in
                    [
                        "id": d.id, "name": d.recipient.name, "lines": OptOutText.addressLines(d.recipient, ctx.base),
                        "identifier": d.ofpraNumber ?? d.agdref ?? "", "kind": ctx.text("documents.kinds.\(d.kind.rawValue)"),
                        "deposited": DisplayFormat.dateTime(d.depositedAt, ctx.language),
                    ]
                },
            ])
    }

    static func markPosted(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let staff = ctx.staff
        guard let dispatch = try PostalDispatches.find(id: id, db: ctx.db) else { throw HTTPError.notFound }
        let marked = try ctx.db.transaction { tx -> Bool in
            guard try PostalDispatches.markPosted(id: id, by: staff.id, db: tx) else { return false }
            try Audit.record(ctx, "postal_posted", applicant: dispatch.applicantId, detail: String(id))
            return true
        }
        return .redirect(to: "/agents/ofpra/courrier?notice=\(marked ? "postal_posted" : "postal_already_posted")")
    }
}
