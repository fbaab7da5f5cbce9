import Domain
import Foundation
import HTTP

/// "I asked for legal aid on …": the person's own declaration on a notified negative decision.
/// Made in time, it shows the CNDA appeal time limit as suspended (loi du 10 septembre 2018).
/// It is a statement, not a proof, so the person may correct it; each change is in their history.
enum UsagerLegalAidRoutes {
    static let field = "requested_on"

    static func register(_ routes: inout Routes) {
        // `.documentOwner`: `UsagerDocumentRoutes.owned` refuses (and records) everyone else.
        routes.add(.post, "/usager/documents/:id" + suffix, declare)
    }

    static func form() -> FormView {
        FormView([
            .init(name: field, labelKey: "documents.legal_aid.date", type: "date", hintKey: "documents.legal_aid.hint")
        ])
    }

    /// The document page's form, for a negative decision once notified; nil otherwise.
    static func section(_ d: DocumentRecord, form: FormView? = nil, _ ctx: RequestContext) -> [String: Any]? {
        guard d.kind.isNegativeDecision, d.notification(now: ctx.now).notifiedOn != nil else { return nil }
        var shown = form ?? Self.form()
        if form == nil, let declared = d.legalAidRequestedOn { shown.values[field] = declared.iso }
        var data = shown.context(ctx)
        data["action"] = "/usager/documents/\(d.publicId.uuidString.lowercased())" + suffix
        data["declared"] =
            d.legalAidRequestedOn.map { ctx.text("documents.legal_aid.declared", ["date": VaultText.day($0, ctx)]) } ?? ""
        data["submit"] = ctx.text(d.legalAidRequestedOn == nil ? "documents.legal_aid.submit" : "documents.legal_aid.correct")
        return data
    }

    static let suffix = "/aide-juridictionnelle"

    /// Logged out meanwhile (an expired session): the login, then back to the document page.
    static func declare(_ ctx: RequestContext) throws -> Response {
        do {
            return try save(ctx)
        } catch is UsagerDocumentRoutes.LoggedOut {
            return .redirect(to: ApplicantReturn.loginPath(returningTo: String(ctx.request.path.dropLast(suffix.count))))
        }
    }

    static func save(_ ctx: RequestContext) throws -> Response {
        let (d, me) = try UsagerDocumentRoutes.owned(ctx)
        guard d.kind.isNegativeDecision else { throw HTTPError.notFound }
        var form = form()
        form.read(try ctx.form())
        let today = ParisCalendar.civilDate(of: ctx.now)
        let notifiedOn = d.notification(now: ctx.now).notifiedOn
        var day: CivilDate?
        if form.isValid {
            day = CivilDate(typed: form.values[field] ?? "")
            if let asked = day {
                // A date input's value must be ISO, whatever digits or order were typed.
                form.values[field] = asked.iso
                if asked > today {
                    form.fail(field, "documents.legal_aid.future")
                } else if notifiedOn.map({ asked < $0 }) ?? true {
                    // Legal aid for this appeal can only be asked once the decision is notified.
                    form.fail(field, "documents.legal_aid.before_notification")
                }
            } else {
                // Not a date a date input can show back (browsers send ISO; this came from elsewhere).
                form.values[field] = nil
                form.fail(field, "documents.legal_aid.invalid_date")
            }
        }
        guard form.isValid, let day else {
            return try UsagerDocumentRoutes.show(ctx, legalAid: form, status: 422)
        }
        let event = d.legalAidRequestedOn == nil ? "legal_aid_declared" : "legal_aid_corrected"
        try ctx.db.transaction { tx in
            guard try Documents.setLegalAidRequestedOn(day, documentId: d.id, applicantId: me.id, db: tx) else {
                throw HTTPError.notFound
            }
            // What was said, and what it replaced: the person's statement is the only evidence here.
            let detail = [day.iso, d.legalAidRequestedOn.map { "was \($0.iso)" }].compactMap { $0 }.joined(separator: " ")
            try AuthEvents.record(
                event, applicant: me.id, by: .applicant(me.id), address: ctx.request.remoteAddress,
                detail: "\(d.kind.rawValue) \(detail)", db: tx)
        }
        return .redirect(to: "/usager/documents/\(d.publicId.uuidString.lowercased())#delais")
    }
}
