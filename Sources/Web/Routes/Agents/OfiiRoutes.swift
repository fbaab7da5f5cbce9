import Domain
import Foundation
import HTTP
import PDFValidation

/// The OFII territorial office: requests addressed to it, the convocation date, then the signed
/// form (date + scan), which reaches OFPRA as soon as it is recorded. An agent only ever sees
/// the requests of their own office.
enum OfiiRoutes {
    static func register(_ routes: inout Routes) {
        routes.staff("/agents/ofii/renonciations") { g in
            g.get("", queue)
            g.get("/:id", show)
            g.post("/:id/convocation", convoke)
            g.post("/:id/formulaire", signedForm)
        }
    }

    static func office(_ ctx: StaffContext) throws -> Int64 {
        guard let id = ctx.staff.structureId else { throw HTTPError(403, "OFII agent without an office") }
        return id
    }

    static func queue(_ ctx: StaffContext) throws -> Response {
        let office = try office(ctx)
        let waiting = try PaperOptOuts.awaitingOffice(office, db: ctx.db)
        let recent = try PaperOptOuts.recentlyForwarded(office: office, db: ctx.db)
        for item in waiting + recent { try Audit.record(ctx, "optout_queue_view", applicant: item.optOut.applicantId) }
        return ctx.page(
            "agents/ofii-optouts", title: "optout.ofii.queue_title",
            [
                "waiting": waiting.map { row($0, ctx) }, "recent": recent.map { row($0, ctx) },
            ])
    }

    static func row(_ item: PaperOptOuts.Item, _ ctx: StaffContext) -> [String: Any] {
        let o = item.optOut
        return [
            "id": o.id, "name": item.personName, "agdref": item.agdref ?? "", "from": item.requestedFrom,
            "requested": DisplayFormat.dateTime(o.requestedAt, ctx.language), "state": OptOutText.state(o, ctx.base),
            "convoked": o.convokedOn.map { OptOutText.day($0, ctx.base) } ?? "",
            "forwarded": o.forwardedAt.map { DisplayFormat.dateTime($0, ctx.language) } ?? "",
        ]
    }

    /// The request, only if it is addressed to the agent's office (else 404: nothing to learn).
    static func item(_ ctx: StaffContext, _ id: Int64) throws -> PaperOptOuts.Item {
        let office = try office(ctx)
        guard let item = try PaperOptOuts.item(id: id, db: ctx.db),
            item.optOut.ofiiOfficeId == office
        else { throw HTTPError.notFound }
        return item
    }

    static func convocationForm() -> FormView {
        FormView([.init(name: "convoked_on", labelKey: "optout.ofii.convoked_on", type: "date", hintKey: "optout.ofii.convoked_on_hint")])
    }

    static func signedFormForm() -> FormView {
        FormView([
            .init(name: "signed_on", labelKey: "optout.ofii.signed_on", type: "date", hintKey: "pro.enrol.date_hint"),
            // Not read as text: PDFValidator says whether it is missing, too large or not a safe PDF.
            .init(
                name: "form_file", labelKey: "optout.ofii.form_file", type: "file", hintKey: "optout.ofii.form_file_hint",
                keepValue: false, required: false),
        ])
    }

    static func show(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let item = try item(ctx, id)
        try Audit.record(ctx, "optout_view", applicant: item.optOut.applicantId)
        var convocation = convocationForm()
        convocation.values["convoked_on"] = item.optOut.convokedOn?.iso
        return try render(ctx, item, convocation: convocation, signed: signedFormForm())
    }

    static func render(
        _ ctx: StaffContext, _ item: PaperOptOuts.Item, convocation: FormView, signed: FormView,
        status: Int = 200
    ) throws -> Response {
        let o = item.optOut
        let person = try Applicants.find(id: o.applicantId, db: ctx.db)
        // Only one of the two forms is ever submitted: its errors, or none (false stops the lookup).
        let errors: Any = convocation.context(ctx)["errorSummary"] ?? signed.context(ctx)["errorSummary"] ?? false
        var data: [String: Any] = [
            "id": o.id, "name": item.personName, "birth": item.birthDate, "agdref": item.agdref ?? "",
            "phone": person?.verifiedPhone ?? "", "hasPhone": person?.verifiedPhone != nil, "from": item.requestedFrom,
            "reason": OptOutText.reason(o, ctx.base),
            "state": OptOutText.state(o, ctx.base), "steps": OptOutText.steps(o, ctx.base), "errorSummary": errors,
        ]
        if o.forwardedAt == nil && o.isOpen {
            data["convocation"] = convocation.context(ctx)
            if o.convokedOn != nil { data["signed"] = signed.context(ctx) }
        }
        return ctx.page("agents/ofii-optout", title: "optout.ofii.detail_title", data, status: status)
    }

    static func convoke(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let item = try item(ctx, id)
        let o = item.optOut
        guard o.forwardedAt == nil, o.isOpen else { throw HTTPError(409, "the form was already forwarded") }
        var f = convocationForm()
        f.read(try ctx.form())
        let day = f.values["convoked_on"].flatMap(CivilDate.init(typed:))
        if !(f.values["convoked_on"] ?? "").isEmpty, day == nil || day! < ParisCalendar.civilDate(of: o.requestedAt) {
            f.fail("convoked_on", "optout.ofii.convocation_invalid")
        }
        guard f.isValid, let day else { return try render(ctx, item, convocation: f, signed: signedFormForm(), status: 422) }
        let done = try ctx.db.transaction { tx -> Bool in
            guard try PaperOptOuts.recordConvocation(id: o.id, office: o.ofiiOfficeId, on: day, db: tx) else { return false }
            try Audit.record(ctx, "optout_convocation", applicant: o.applicantId, detail: day.iso)
            return true
        }
        guard done else { throw HTTPError(409, "the form was forwarded meanwhile") }
        return .redirect(to: "/agents/ofii/renonciations/\(o.id)?notice=optout_convoked")
    }

    static func signedForm(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let item = try item(ctx, id)
        let o = item.optOut
        guard o.isOpen, o.forwardedAt == nil, let convokedOn = o.convokedOn else {
            throw HTTPError(409, "no convocation recorded, or the form was already forwarded")
        }
        var f = signedFormForm()
        let parts = try ctx.multipart()
        f.read(try ctx.form())
        let day = f.values["signed_on"].flatMap(CivilDate.init(typed:))
        if !(f.values["signed_on"] ?? "").isEmpty, day == nil || day! < convokedOn || day! > ParisCalendar.civilDate(of: Date()) {
            f.fail("signed_on", "optout.ofii.signed_on_invalid")
        }
        // OFPRA opens this scan: it is checked like a deposit (structure read by qpdf, no active
        // content, attachments or decompression bomb), not only by its first and last bytes.
        let file = parts.first { $0.name == "form_file" && $0.filename != nil }
        if let problem = PDFValidator.problem(in: file?.body ?? []) {
            ctx.logger.notice("signed opt-out form \(o.id) refused: \(problem)")
            f.fail("form_file", DomainText.key(problem))
        }
        guard f.isValid, let day, let file else {
            var convocation = convocationForm()
            convocation.values["convoked_on"] = convokedOn.iso
            return try render(ctx, item, convocation: convocation, signed: f, status: 422)
        }
        let done = try ctx.db.transaction { tx -> Bool in
            guard try PaperOptOuts.recordSignedForm(id: o.id, office: o.ofiiOfficeId, signedOn: day, pdf: file.body, db: tx)
            else { return false }
            try Audit.record(ctx, "optout_signed_form", applicant: o.applicantId, detail: day.iso)
            return true
        }
        guard done else { throw HTTPError(409, "the request changed meanwhile") }
        ctx.logger.info("opt-out \(o.id) forwarded to OFPRA by staff \(ctx.staff.id)")
        return .redirect(to: "/agents/ofii/renonciations?notice=optout_forwarded")
    }
}
