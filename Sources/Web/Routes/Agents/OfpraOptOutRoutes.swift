import Domain
import Foundation
import HTTP
import I18n

/// OFPRA decides on the signed opt-out forms OFII sent. Acceptance deposits the COURRIER_POST
/// letter (the opt-out takes effect then); a refusal says why, to the person and their SPADA.
enum OfpraOptOutRoutes {
    static func register(_ routes: inout Routes) {
        routes.staff("/agents/ofpra/renonciations") { g in
            g.get("", queue)
            g.get("/:id", show)
            g.get("/:id/formulaire", form)
            g.post("/:id/acceptation", accept)
            g.post("/:id/refus", refuse)
        }
    }

    static let maxRefusal = 2000

    static func queue(_ ctx: StaffContext) throws -> Response {
        let items = try PaperOptOuts.awaitingDecision(db: ctx.db)
        for item in items { try Audit.record(ctx, "optout_queue_view", applicant: item.optOut.applicantId) }
        return ctx.page(
            "agents/ofpra-optouts", title: "optout.ofpra.queue_title",
            [
                "items": items.map { item -> [String: Any] in
                    [
                        "id": item.optOut.id, "name": item.personName, "agdref": item.agdref ?? "", "office": item.officeName,
                        "signed": item.optOut.signedOn.map { OptOutText.day($0, ctx.base) } ?? "",
                        "forwarded": item.optOut.forwardedAt.map { DisplayFormat.dateTime($0, ctx.language) } ?? "",
                    ]
                }
            ])
    }

    /// A request OFII forwarded. One still with OFII cannot be looked at or decided yet (409).
    static func item(_ ctx: StaffContext, _ id: Int64) throws -> PaperOptOuts.Item {
        guard let item = try PaperOptOuts.item(id: id, db: ctx.db)
        else { throw HTTPError.notFound }
        guard item.optOut.forwardedAt != nil else { throw HTTPError(409, "the signed form has not been forwarded yet") }
        return item
    }

    static func refusalForm() -> FormView {
        FormView([.init(name: "refusal_reason", labelKey: "optout.ofpra.refusal_reason", hintKey: "optout.ofpra.refusal_reason_hint")])
    }

    static func show(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let item = try item(ctx, id)
        try Audit.record(ctx, "optout_view", applicant: item.optOut.applicantId)
        return try render(ctx, item, refusalForm())
    }

    static func render(_ ctx: StaffContext, _ item: PaperOptOuts.Item, _ refusal: FormView, status: Int = 200) throws -> Response {
        let o = item.optOut
        guard let person = try Applicants.find(id: o.applicantId, db: ctx.db) else { throw HTTPError.notFound }
        let address = try PostalDispatches.address(applicant: person.id, db: ctx.db)
        var data = refusal.context(ctx)
        data.merge([
            "id": o.id, "name": item.personName, "birth": item.birthDate, "agdref": item.agdref ?? "",
            "ofpraNumber": item.ofpraNumber ?? "", "hasOfpraNumber": item.ofpraNumber != nil, "office": item.officeName,
            "from": item.requestedFrom,
            "reason": OptOutText.reason(o, ctx.base), "state": OptOutText.state(o, ctx.base), "steps": OptOutText.steps(o, ctx.base),
            "refused": o.decision == .refused, "refusalReason": o.refusalReason ?? "",
            "fingerprint": (o.signedFormSha256 ?? []).map { String(format: "%02x", $0) }.joined(),
            "hasAddress": address != nil,
            "address": address.map { ([$0.name] + OptOutText.addressLines($0, ctx.base)).joined(separator: ", ") } ?? "",
            "undecided": o.isOpen, "canAccept": o.isOpen && hasOpenSpace(person),
            "noSpace": o.isOpen && !hasOpenSpace(person),
        ]) { _, new in new }
        return ctx.page("agents/ofpra-optout", title: "optout.ofpra.detail_title", data, status: status)
    }

    /// The letter goes into the space: there must be an open one.
    static func hasOpenSpace(_ p: Applicant) -> Bool {
        p.isInScope && p.spaceAvailableAt != nil && p.closedAt == nil
    }

    /// The scanned form, served as the PDF it was checked to be; never cached.
    static func form(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let item = try item(ctx, id)
        guard let bytes = try PaperOptOuts.signedForm(id: item.optOut.id, db: ctx.db) else { throw HTTPError.notFound }
        try Audit.record(ctx, "optout_form_view", applicant: item.optOut.applicantId)
        return PDFResponse.make(bytes, filename: "renonciation-\(item.optOut.id).pdf", download: false)
    }

    static func accept(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let item = try item(ctx, id)
        let o = item.optOut
        guard o.isOpen else { return .redirect(to: "/agents/ofpra/renonciations/\(o.id)?notice=optout_already_decided") }
        let staff = ctx.staff
        guard let person = try Applicants.find(id: o.applicantId, db: ctx.db) else { throw HTTPError.notFound }
        guard hasOpenSpace(person) else { throw HTTPError(409, "no open space to deposit the letter in") }
        let letter = try CourrierPostLetter.render(
            for: person, optOut: o,
            address: try PostalDispatches.address(applicant: person.id, db: ctx.db),
            catalogue: ctx.app.catalogues[.french])
        let outcome = try ctx.db.transaction { tx -> DocumentDeposit.Outcome? in
            guard let outcome = try PaperMode.accept(optOut: o.id, for: person, letter: letter, by: staff.id, db: tx) else { return nil }
            try Audit.record(ctx, "optout_accept", applicant: person.id)
            return outcome
        }
        guard let outcome else { return .redirect(to: "/agents/ofpra/renonciations/\(o.id)?notice=optout_already_decided") }
        ctx.logger.info(
            "opt-out \(o.id) accepted by staff \(staff.id): document \(outcome.document.id), applicant \(person.id) in paper mode")
        return .redirect(to: "/agents/ofpra/renonciations?notice=optout_accepted")
    }

    static func refuse(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let item = try item(ctx, id)
        let o = item.optOut
        guard o.isOpen else { return .redirect(to: "/agents/ofpra/renonciations/\(o.id)?notice=optout_already_decided") }
        let staff = ctx.staff
        var f = refusalForm()
        f.read(try ctx.form())
        let reason = f.values["refusal_reason"] ?? ""
        if reason.count > maxRefusal { f.fail("refusal_reason", "form.too_long") }
        guard f.isValid else { return try render(ctx, item, f, status: 422) }
        let done = try ctx.db.transaction { tx -> Bool in
            guard try PaperOptOuts.refuse(id: o.id, reason: reason, by: staff.id, db: tx) else { return false }
            try Audit.record(ctx, "optout_refuse", applicant: o.applicantId)
            return true
        }
        guard done else { return .redirect(to: "/agents/ofpra/renonciations/\(o.id)?notice=optout_already_decided") }
        return .redirect(to: "/agents/ofpra/renonciations?notice=optout_refused")
    }
}
