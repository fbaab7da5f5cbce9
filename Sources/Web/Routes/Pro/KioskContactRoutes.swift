import Domain
import Foundation
import HTTP
import Outbox

/// After enrolment at the kiosk: the codes sent to the phone and e-mail the professional typed.
/// The person reads each code out and the professional types it; a contact whose code never
/// comes back is not kept (the person can add it later in their space) and receives nothing.
enum KioskContactRoutes {
    static func register(_ routes: inout Routes) {
        routes.staff("/pro/inscriptions") { g in
            g.get("/:id/coordonnees", show)
            g.post("/:id/coordonnees", submit)
        }
    }

    static func codeForm() -> FormView {
        FormView([
            .init(
                name: "code", labelKey: "usager.contacts.code", autocomplete: "off",
                hintKey: "pro.verify.code_hint", keepValue: false)
        ])
    }

    static func render(
        _ ctx: StaffContext, _ person: Applicant, failed: (id: Int64, form: FormView)? = nil,
        status: Int = 200
    ) throws -> Response {
        let pending = try ContactVerifications.usable(applicant: person.id, db: ctx.db)
        var data: [String: Any] = [
            "name": person.fullName, "personId": person.id,
            "verified": [person.verifiedPhone.flatMap(PhoneNumber.init)?.e164, person.verifiedEmail].compactMap { $0 },
            "pending": pending.enumerated().map { index, p -> [String: Any] in
                let form = (failed?.id == p.id ? failed!.form : codeForm())
                var item = form.context(ctx)
                // One id per field on the page; the summary's link goes to the failed one.
                let first = failed.map { $0.id == p.id } ?? (index == 0)
                if !first, var fields = item["fields"] as? [String: Any], var code = fields["code"] as? [String: Any] {
                    code["id"] = "f-code-\(p.id)"
                    fields["code"] = code
                    item["fields"] = fields
                }
                item["errorSummary"] = false
                item["verification"] = p.id
                item["target"] = p.target
                item["channel"] = ctx.text("outbox.channels.\(p.channel)")
                return item
            },
            "hasPending": !pending.isEmpty,
        ]
        if let summary = failed?.form.context(ctx)["errorSummary"] { data["errorSummary"] = summary }
        return ctx.page("pro/enrol-verify", title: "pro.verify.title", data, status: status)
    }

    static func show(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let person = try OptOutRoutes.followedPerson(ctx, id)
        return try render(ctx, person)
    }

    static func submit(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let person = try OptOutRoutes.followedPerson(ctx, id)
        let submitted = try ctx.form()
        // The code must be one sent for this very person.
        guard let id = Int64(submitted["verification"] ?? ""),
            let p = try ContactVerifications.find(id: id, applicant: person.id, db: ctx.db)
        else { throw HTTPError.notFound }
        var form = codeForm()
        form.read(submitted)
        // The contact and its audit row commit together (a wrong code's attempt is kept too).
        if form.isValid,
            let problem = try ctx.db.transaction({ tx -> String? in
                if let problem = try ContactVerifications.confirm(
                    p, typed: form.values["code"]!, applicant: person.id, by: .staff(ctx.staff.id),
                    address: ctx.request.remoteAddress, secret: ctx.app.config.secret, db: tx)
                {
                    return problem
                }
                try Audit.record(ctx, "kiosk_contact_verified", applicant: person.id, detail: p.channel, db: tx)
                return nil
            })
        {
            form.fail("code", problem)
        }
        guard form.isValid else { return try render(ctx, person, failed: (p.id, form), status: 422) }
        let remaining = try ContactVerifications.usable(applicant: person.id, db: ctx.db)
        return .redirect(to: remaining.isEmpty ? "/pro/inscriptions?notice=enrolled" : "/pro/inscriptions/\(person.id)/coordonnees")
    }
}
