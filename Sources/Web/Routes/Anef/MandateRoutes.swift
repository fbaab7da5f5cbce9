import Domain
import Foundation
import HTTP

/// The person lets an accompanying structure follow their request, for a time they choose, and
/// can take it back; the structure then sees the state, the dates, what is expected and the
/// attestation's expiry, never the documents. Both acts are lines of the shared history.
enum MandateRoutes {
    static let durations = [3, 6, 12]

    static func register(_ routes: inout Routes) {
        routes.anef("/anef/mandats") { g in
            g.post("", grant)
            g.post("/:id/retrait", revoke)
        }
        routes.staff("/pro") { g in g.get("/demandes-titre", followed) }
    }

    static func grant(_ ctx: AnefContext) throws -> Response {
        guard let r = try AnefRequests.find(account: ctx.account.id, db: ctx.db) else { return .redirect(to: "/anef/demande") }
        let form = try ctx.form()
        guard let id = form["structure"].flatMap(Int64.init),
            let structure = try Mandates.structures(db: ctx.db).first(where: { $0.id == id }),
            let months = form["months"].flatMap(Int.init), durations.contains(months)
        else { return .redirect(to: "/anef?notice=anef_mandate_invalid#structures") }
        let until = ParisCalendar.civilDate(of: Date()).adding(months: months)
        try ctx.db.transaction { tx in
            try Mandates.grant(account: ctx.account.id, structure: structure.id, until: until, db: tx)
            try AnefRequests.event(r.id, "mandate_granted", actor: "person", detail: structure.name, db: tx)
        }
        return .redirect(to: "/anef?notice=anef_mandate_granted#structures")
    }

    static func revoke(_ ctx: AnefContext, _ id: Int64) throws -> Response {
        guard let r = try AnefRequests.find(account: ctx.account.id, db: ctx.db) else { throw HTTPError.notFound }
        let revoked = try ctx.db.transaction { tx -> Bool in
            guard let name = try Mandates.revoke(id: id, account: ctx.account.id, db: tx) else { return false }
            try AnefRequests.event(r.id, "mandate_revoked", actor: "person", detail: name, db: tx)
            return true
        }
        guard revoked else { throw HTTPError.notFound }
        return .redirect(to: "/anef?notice=anef_mandate_revoked#structures")
    }

    /// The structure's list: only people who consented, only what the consent covers.
    static func followed(_ ctx: StaffContext) throws -> Response {
        guard let structure = ctx.staff.structureId else { throw HTTPError.notFound }
        let today = ParisCalendar.civilDate(of: Date())
        let rows = try Mandates.followed(structure: structure, db: ctx.db).map { f -> [String: Any] in
            [
                "name": f.name, "number": f.number, "state": ctx.text("anef.states.\(f.state.rawValue)"),
                "filed": f.filedAt.map { DisplayFormat.dateTime($0, ctx.language) } ?? "",
                "ask": f.askDue.map { VaultText.day($0, ctx) } ?? "", "until": f.attestationUntil.map { VaultText.day($0, ctx) } ?? "",
                "lapsing": f.attestationUntil.map { today.days(until: $0) <= RenewalPolicy.incidentWithinDays } ?? false,
                "blocked": f.renewalBlocked, "mandate": VaultText.day(f.mandateUntil, ctx),
            ]
        }
        try Audit.record(ctx, "view_anef_followed", detail: String(structure))
        return ctx.page("pro/anef-followed", title: "pro.anef.title", ["rows": rows])
    }
}
