import Domain
import Foundation
import HTTP

/// The person tells their SPADA they want OFPRA's letters by post; SPADA staff record it for an
/// OFII office. The form and the request's progress sit on the person's detail page (`panel`);
/// the person sees the same progress on their account page (`applicantStatus`).
enum OptOutRoutes {
    static func register(_ routes: inout Routes) {
        routes.staff("/pro/personnes") { g in
            g.post("/:id/renonciation", submit)
        }
    }

    static let maxDetail = 1000

    static func form(_ ctx: StaffContext, offices: [Structure]) -> FormView {
        FormView([
            .init(
                name: "optout_reason", labelKey: "optout.form.reason",
                options: [("", ctx.text("optout.form.choose"))]
                    + PaperOptOut.Reason.allCases.map { ($0.rawValue, ctx.text("optout.reasons.\($0.rawValue)")) }),
            .init(
                name: "optout_detail", labelKey: "optout.form.detail", autocomplete: "off",
                hintKey: "optout.form.detail_hint", required: false),
            .init(name: "optout_office", labelKey: "optout.form.office", options: offices.map { ($0.id.description, $0.name) }),
        ])
    }

    /// The data of `partials/optout-panel` (put it under the page's `optout` key). Staff of a
    /// structure that does not follow the person get a 404, as on the rest of the page.
    static func panel(_ ctx: StaffContext, _ person: Applicant) throws -> [String: Any] {
        try panel(ctx, person, form: nil)
    }

    static func panel(_ ctx: StaffContext, _ person: Applicant, form submitted: FormView?) throws -> [String: Any] {
        let staff = ctx.staff
        guard try FollowLinks.isFollowing(structure: staff.structureId, applicant: person.id, db: ctx.db)
        else { throw HTTPError.notFound }
        // Every section key is present (false when off): Mustache would otherwise look it up in the host page.
        var data: [String: Any] = [
            "personId": person.id, "request": false, "paperSince": false, "none": false,
            "unavailable": false, "noOffice": false, "form": false,
        ]
        let latest = try PaperOptOuts.latest(applicant: person.id, db: ctx.db)
        if let o = latest {
            // The reason may say the person is vulnerable: only the SPADA, which recorded it, sees it.
            // (Sections test booleans: this Mustache treats an empty string as true.)
            data["request"] = [
                "state": OptOutText.state(o, ctx.base), "showReason": staff.role == .spadaStaff,
                "reason": staff.role == .spadaStaff ? OptOutText.reason(o, ctx.base) : "",
                "steps": OptOutText.steps(o, ctx.base), "refused": o.step == .refused,
                "refusalReason": o.refusalReason ?? "",
            ]
        }
        if let since = person.paperModeSince {
            data["paperSince"] = ctx.text("optout.panel.paper_since", ["date": DisplayFormat.dateTime(since, ctx.language)])
            return data
        }
        if let blocked = unavailable(person) {
            data["unavailable"] = ctx.text(blocked)
            return data
        }
        if latest == nil { data["none"] = true }
        guard staff.role == .spadaStaff, latest?.isOpen != true else { return data }
        let offices = try ofiiOffices(ctx)
        guard !offices.isEmpty else {
            data["noOffice"] = true
            return data
        }
        var f = submitted ?? form(ctx, offices: offices)
        if submitted == nil { f.values["optout_office"] = try defaultOffice(ctx, offices)?.id.description }
        var formData = f.context(ctx)
        // Never fall through to the host page's own error summary.
        if formData["errorSummary"] == nil { formData["errorSummary"] = false }
        formData["action"] = "/pro/personnes/\(person.id)/renonciation"
        data["form"] = formData
        return data
    }

    /// Why no request can be made for this person now (a catalogue key), or nil.
    static func unavailable(_ p: Applicant) -> String? {
        if !p.isInScope { return "optout.panel.out_of_scope" }
        if p.closedAt != nil { return "optout.panel.closed" }
        if p.paperModeSince != nil { return "optout.panel.already_paper" }
        if p.spaceAvailableAt == nil { return "optout.panel.space_not_open" }
        return nil
    }

    static func ofiiOffices(_ ctx: StaffContext) throws -> [Structure] {
        try Structures.all(ctx.db).filter { $0.kind == .ofii }
    }

    /// The office in the SPADA's city, if there is one: the usual choice.
    static func defaultOffice(_ ctx: StaffContext, _ offices: [Structure]) throws -> Structure? {
        guard let id = ctx.staff.structureId, let own = try Structures.find(id: id, db: ctx.db) else { return offices.first }
        return offices.first { $0.city.lowercased() == own.city.lowercased() } ?? offices.first
    }

    /// The person if the staff member's structure follows them today; 404 otherwise (and noted).
    static func followedPerson(_ ctx: StaffContext, _ id: Int64) throws -> Applicant {
        guard let p = try Applicants.find(id: id, db: ctx.db),
            try FollowLinks.isFollowing(structure: ctx.staff.structureId, applicant: p.id, db: ctx.db)
        else {
            try Audit.record(ctx, "refused_person", applicant: nil, detail: ctx.request.path)
            throw HTTPError.notFound
        }
        return p
    }

    static func submit(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let person = try followedPerson(ctx, id)
        let staff = ctx.staff
        guard unavailable(person) == nil else { throw HTTPError(409, "no opt-out possible for this person") }
        let offices = try ofiiOffices(ctx)
        var f = form(ctx, offices: offices)
        f.read(try ctx.form())
        let reason = PaperOptOut.Reason(rawValue: f.values["optout_reason"] ?? "")
        if reason == nil { f.fail("optout_reason", "form.choose") }
        let detail = f.values["optout_detail"] ?? ""
        if reason == .other && detail.isEmpty { f.fail("optout_detail", "optout.form.detail_required") }
        if detail.count > maxDetail { f.fail("optout_detail", "form.too_long") }
        let office = offices.first { $0.id.description == f.values["optout_office"] }
        if office == nil { f.fail("optout_office", "form.choose") }
        guard f.isValid, let reason, let office else {
            try Audit.record(ctx, "view_optout", applicant: person.id)
            return ctx.page(
                "pro/optout-request", title: "optout.form.page_title",
                [
                    "name": person.fullName, "personId": person.id, "optout": try panel(ctx, person, form: f),
                ], status: 422)
        }
        let recorded = try ctx.db.transaction { tx -> Bool in
            guard
                try PaperOptOuts.request(
                    applicant: person.id, reason: reason, detail: detail.isEmpty ? nil : detail,
                    office: office.id, by: staff.id, db: tx) != nil
            else { return false }
            try Audit.record(ctx, "optout_request", applicant: person.id, detail: reason.rawValue)
            return true
        }
        ctx.logger.info("opt-out requested for applicant \(person.id) by staff \(staff.id)")
        return .redirect(to: "/pro/personnes/\(person.id)?notice=\(recorded ? "optout_requested" : "optout_already_open")")
    }

    /// The person's own view, in plain words: nil when they have no digital space to leave.
    static func applicantStatus(_ ctx: RequestContext, _ me: Applicant) throws -> [String: Any]? {
        guard me.isInScope, me.spaceAvailableAt != nil else { return nil }
        guard let o = try PaperOptOuts.latest(applicant: me.id, db: ctx.db) else {
            guard let since = me.paperModeSince else { return ["text": ctx.text("optout.status.none"), "steps": [], "refused": false] }
            return [
                "text": ctx.text("optout.status.accepted", ["date": DisplayFormat.date(since, ctx.language)]),
                "steps": [], "refused": false,
            ]
        }
        let text: String
        switch o.step {
        case .requested: text = ctx.text("optout.status.requested", ["date": DisplayFormat.date(o.requestedAt, ctx.language)])
        case .convoked: text = ctx.text("optout.status.convoked", ["date": o.convokedOn.map { OptOutText.day($0, ctx) } ?? ""])
        case .forwarded: text = ctx.text("optout.status.forwarded", ["date": o.signedOn.map { OptOutText.day($0, ctx) } ?? ""])
        case .accepted:
            text = ctx.text(
                "optout.status.accepted", ["date": DisplayFormat.date(me.paperModeSince ?? o.decidedAt ?? Date(), ctx.language)])
        case .refused: text = ctx.text("optout.status.refused", ["date": DisplayFormat.date(o.decidedAt ?? Date(), ctx.language)])
        }
        return [
            "text": text, "steps": OptOutText.steps(o, ctx), "refused": o.step == .refused,
            "refusalReason": o.refusalReason ?? "",
        ]
    }
}
