import Domain
import Foundation
import HTTP
import Outbox

/// Step 1: SPADA staff enrol a person for a digital account at the kiosk.
enum EnrolmentRoutes {
    static func register(_ routes: inout Routes) {
        routes.staff("/pro/inscriptions") { g in
            g.get("", list)
            g.get("/nouvelle", showForm)
            g.post("/nouvelle", submit)
        }
    }

    static func form(_ ctx: StaffContext) -> FormView {
        FormView([
            .init(name: "surname", labelKey: "pro.enrol.surname", autocomplete: "off", hintKey: "pro.enrol.names_hint"),
            .init(name: "given_names", labelKey: "pro.enrol.given_names", autocomplete: "off"),
            .init(name: "birth_date", labelKey: "pro.enrol.birth_date", type: "date", hintKey: "pro.enrol.date_hint"),
            .init(name: "nationality", labelKey: "pro.enrol.nationality"),
            .init(
                name: "language", labelKey: "pro.enrol.language",
                options: SpokenLanguages.all.map { ($0.code, $0.name) }),
            .init(name: "phone", labelKey: "pro.enrol.phone", type: "tel", hintKey: "pro.enrol.phone_hint", required: false),
            .init(name: "email", labelKey: "pro.enrol.email", type: "email", required: false),
        ])
    }

    static func list(_ ctx: StaffContext) throws -> Response {
        let rows = try ctx.db.query(
            """
            SELECT id, surname, given_names, enrolled_at, agdref, eligibility, space_available_at, activated_at
            FROM applicants WHERE spada_id = $1 ORDER BY enrolled_at DESC LIMIT 200
            """, [ctx.staff.structureId ?? -1]
        ).rows
        let people = try rows.map { r -> [String: Any] in
            let state: String
            if try r.optional("activated_at", as: Date.self) != nil {
                state = "activated"
            } else if try r.optional("space_available_at", as: Date.self) != nil {
                state = "space_open"
            } else if let e = try r.optional("eligibility", as: String.self) {
                state = e == Applicants.inScope ? "registered" : "out_of_scope"
            } else {
                state = "enrolled"
            }
            return [
                "name": "\(try r.get("given_names", as: String.self)) \(try r.get("surname", as: String.self).uppercased())",
                "enrolled": DisplayFormat.dateTime(try r.get("enrolled_at"), ctx.language),
                "state": ctx.text("pro.enrol.states.\(state)"),
            ]
        }
        return ctx.page("pro/enrolments", title: "pro.enrol.list_title", ["people": people, "hasPeople": !people.isEmpty])
    }

    static func showForm(_ ctx: StaffContext) throws -> Response {
        var f = form(ctx)
        f.values["language"] = "fr"
        return ctx.page("pro/enrol", title: "pro.enrol.title", f.context(ctx))
    }

    static func submit(_ ctx: StaffContext) throws -> Response {
        guard let spadaId = ctx.staff.structureId else { throw HTTPError(403, "SPADA staff without a structure") }
        var f = form(ctx)
        f.read(try ctx.form())
        let v = f.values
        let birth = v["birth_date"].flatMap(CivilDate.init(typed:))
        if !(v["birth_date"] ?? "").isEmpty {
            if let birth, birth <= ParisCalendar.civilDate(of: Date()), birth.year >= 1900 {
            } else {
                f.fail("birth_date", "pro.enrol.invalid_date")
            }
        }
        if SpokenLanguages.find(v["language"] ?? "") == nil { f.fail("language", "form.choose") }
        var phone: String?
        if let raw = v["phone"], !raw.isEmpty {
            // A code is sent to it: it must receive SMS (as for the person's own contacts).
            if let p = PhoneNumber(raw) {
                if p.canReceiveSMS { phone = p.e164 } else { f.fail("phone", "form.phone_not_mobile") }
            } else {
                f.fail("phone", "form.invalid_phone")
            }
        }
        var email: String?
        if let raw = v["email"], !raw.isEmpty {
            if let e = EmailAddress(raw) { email = e.value } else { f.fail("email", "form.invalid_email") }
        }
        for name in ["surname", "given_names", "nationality"] where (v[name]?.count ?? 0) > 200 {
            f.fail(name, "form.too_long")
        }
        guard f.isValid, let birth else {
            return ctx.page("pro/enrol", title: "pro.enrol.title", f.context(ctx), status: 422)
        }
        // Typed contacts are not stored yet: a code goes to each, and only the code read back by
        // the person (here or later in their space) makes it a contact that receives notices.
        let applicant = try ctx.db.transaction { tx in
            let a = try Applicants.enrol(
                .init(
                    surname: v["surname"]!, givenNames: v["given_names"]!, birthDate: birth.iso, nationality: v["nationality"]!,
                    language: v["language"]!, phone: nil, email: nil, spadaId: spadaId), by: ctx.staff.id, db: tx)
            if let phone {
                try ContactVerifications.send(applicant: a, channel: .sms, target: phone, secret: ctx.app.config.secret, db: tx)
            }
            if let email {
                try ContactVerifications.send(applicant: a, channel: .email, target: email, secret: ctx.app.config.secret, db: tx)
            }
            try Audit.record(ctx, "enrol", applicant: a.id)
            return a
        }
        ctx.logger.info("applicant \(applicant.id) enrolled by staff \(ctx.staff.id)")
        if phone != nil || email != nil { return .redirect(to: "/pro/inscriptions/\(applicant.id)/coordonnees") }
        return .redirect(to: "/pro/inscriptions?notice=enrolled")
    }
}
