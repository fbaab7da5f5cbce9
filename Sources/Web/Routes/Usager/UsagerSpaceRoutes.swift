import Domain
import Foundation
import HTTP
import I18n
import Outbox
import Postgres
import Security

/// The applicant's own pages once logged in: the space home, contact details (each new one
/// confirmed by a code before use) and the history of what happened on the account.
enum UsagerSpaceRoutes {
    static func register(_ routes: inout Routes) {
        routes.applicant("/usager") { g in
            g.get("/espace", home)
            g.get("/coordonnees", contacts)
            g.post("/coordonnees/telephone") { try requestCode($0, channel: .sms) }
            g.post("/coordonnees/email") { try requestCode($0, channel: .email) }
            g.post("/coordonnees/langue", saveLanguage)
            g.get("/coordonnees/verifier/:id", showVerify)
            g.post("/coordonnees/verifier/:id", submitVerify)
            g.get("/compte", account)
        }
    }

    static func home(_ ctx: ApplicantContext) throws -> Response {
        let a = ctx.applicant
        // Once OFPRA granted a status: how to request the residence permit (no copy of the
        // decision is asked for: the ANEF side reads OFPRA's record).
        var extra: [String: Any] = [:]
        // A closed space still readable: the banner says since when, until when, and what is left.
        if let until = ctx.applicantReadOnlyUntil, let closedAt = a.closedAt {
            let closed = VaultText.day(ParisCalendar.civilDate(of: closedAt), ctx)
            extra["readOnly"] = [
                "dates": ctx.text("usager.read_only.banner_dates", ["closed": closed, "until": VaultText.day(until, ctx)])
            ]
        }
        if let p = try Protections.find(applicantId: a.id, db: ctx.db) {
            extra["protection"] = [
                "kind": ctx.text("anef.protection_kinds.\(p.kind.rawValue)"), "online": p.kind.filesOnline, "ofpraNumber": p.ofpraNumber,
            ]
        }
        return ctx.page(
            "usager/home", title: "usager.home.title", extra,
            over: ApplicantSpacePage(
                name: a.fullName,
                agdref: a.agdref ?? "",
                lastLogin: a.lastLoginAt.map { DisplayFormat.dateTime($0, ctx.language) } ?? "",
                noContacts: a.verifiedPhone == nil && a.verifiedEmail == nil,
                documents: try UsagerDocumentRoutes.list(a, ctx.base)))
    }

    // MARK: contacts

    static func contactForms(_ ctx: ApplicantContext, phone: FormView? = nil, email: FormView? = nil) throws -> [String: Any] {
        let a = ctx.applicant
        let phoneForm =
            phone
            ?? FormView([
                .init(
                    name: "phone", labelKey: "usager.contacts.new_phone", type: "tel",
                    autocomplete: "tel", hintKey: "pro.enrol.phone_hint")
            ])
        let emailForm =
            email
            ?? FormView([
                .init(
                    name: "email", labelKey: "usager.contacts.new_email", type: "email",
                    autocomplete: "email")
            ])
        var data: [String: Any] = [
            "phone": a.verifiedPhone.flatMap(PhoneNumber.init)?.e164 ?? "",
            "email": a.verifiedEmail ?? "",
            "phoneForm": phoneForm.context(ctx),
            "emailForm": emailForm.context(ctx),
            "afterLogin": ctx.request.query["apres"] != nil,
        ]
        // The language of every SMS, e-mail and reminder: the account's, not the page's.
        let stored = Language.orFrench(a.language)
        data["messageLanguage"] = ["code": stored.code, "dir": stored.dir, "name": stored.nativeName]
        data["messageLanguages"] = Language.all.map { ["code": $0.code, "dir": $0.dir, "name": $0.nativeName, "selected": $0 == stored] }
        if let summary = phoneForm.context(ctx)["errorSummary"] ?? emailForm.context(ctx)["errorSummary"] {
            data["errorSummary"] = summary
        }
        return data
    }

    static func contacts(_ ctx: ApplicantContext) throws -> Response {
        ctx.page("usager/contacts", title: "usager.contacts.title", try contactForms(ctx))
    }

    /// Sends a code to the new phone or address; the value is used only once the code comes back.
    static func requestCode(_ ctx: ApplicantContext, channel: Channel) throws -> Response {
        let a = ctx.applicant
        let name = channel == .sms ? "phone" : "email"
        var form = FormView([
            .init(
                name: name, labelKey: channel == .sms ? "usager.contacts.new_phone" : "usager.contacts.new_email",
                type: channel == .sms ? "tel" : "email")
        ])
        form.read(try ctx.form())
        var target: String?
        if form.isValid {
            let raw = form.values[name]!
            if channel == .sms {
                if let p = PhoneNumber(raw) {
                    if p.canReceiveSMS { target = p.e164 } else { form.fail(name, "form.phone_not_mobile") }
                } else {
                    form.fail(name, "form.invalid_phone")
                }
            } else {
                if let e = EmailAddress(raw) { target = e.value } else { form.fail(name, "form.invalid_email") }
            }
        }
        if form.isValid, try ContactVerifications.sentInLastHour(applicant: a.id, db: ctx.db) >= ContactVerifications.maxPerHour {
            form.fail(name, "usager.contacts.too_many_codes")
        }
        guard form.isValid, let target else {
            let data = channel == .sms ? try contactForms(ctx, phone: form) : try contactForms(ctx, email: form)
            return ctx.page("usager/contacts", title: "usager.contacts.title", data, status: 422)
        }
        let code = VerificationCode.generate(using: SodiumRandom(), now: Date())
        let id = try ctx.db.transaction { tx in
            let id = try ContactVerifications.create(
                applicant: a.id, channel: channel.rawValue, target: target, code: code,
                secret: ctx.app.config.secret, db: tx)
            let language = ApplicantMessages.language(of: a)
            try Outbox.enqueue(
                OutboxMessage(
                    channel: channel, recipient: target, template: "contact_code", language: language,
                    params: ["code": code.digits], subjectRef: "applicant:\(a.id)"), in: tx)
            return id
        }
        return .redirect(to: "/usager/coordonnees/verifier/\(id)")
    }

    static func pending(_ ctx: ApplicantContext, _ id: Int64) throws -> ContactVerifications.Pending {
        guard let p = try ContactVerifications.find(id: id, applicant: ctx.applicant.id, db: ctx.db) else {
            throw HTTPError.notFound
        }
        return p
    }

    static func verifyForm() -> FormView {
        FormView([
            .init(
                name: "code", labelKey: "usager.contacts.code", autocomplete: "one-time-code",
                hintKey: "usager.contacts.code_hint", keepValue: false)
        ])
    }

    static func renderVerify(_ ctx: ApplicantContext, _ p: ContactVerifications.Pending, _ form: FormView, status: Int = 200) -> Response {
        var data = form.context(ctx)
        data["id"] = p.id
        data["target"] = p.target
        return ctx.page("usager/verify", title: "usager.contacts.verify_title", data, status: status)
    }

    static func showVerify(_ ctx: ApplicantContext, _ id: Int64) throws -> Response {
        renderVerify(ctx, try pending(ctx, id), verifyForm())
    }

    static func submitVerify(_ ctx: ApplicantContext, _ id: Int64) throws -> Response {
        let a = ctx.applicant
        let p = try pending(ctx, id)
        var form = verifyForm()
        form.read(try ctx.form())
        guard form.isValid else { return renderVerify(ctx, p, form, status: 422) }
        let typed = form.values["code"]!.compactMap { $0.wholeNumberValue.map(String.init) }.joined()
        if p.code.usedAt != nil || Date() >= p.code.expiresAt || p.attempts >= ContactVerifications.maxAttempts {
            form.fail("code", "usager.contacts.code_expired")
            return renderVerify(ctx, p, form, status: 422)
        }
        let matches = Security.Digest.constantTimeEqual(ContactVerifications.hash(typed, secret: ctx.app.config.secret), p.codeHash)
        guard matches else {
            try ContactVerifications.countAttempt(id: p.id, db: ctx.db)
            form.fail("code", "usager.contacts.code_wrong")
            return renderVerify(ctx, p, form, status: 422)
        }
        try ctx.db.transaction { tx in
            guard try ContactVerifications.consume(id: p.id, db: tx) else { return }
            if p.channel == Channel.sms.rawValue {
                try Applicants.setPhone(id: a.id, p.target, db: tx)
            } else {
                try Applicants.setEmail(id: a.id, p.target, db: tx)
            }
            try AuthEvents.record(
                "contact_changed", applicant: a.id, by: .applicant(a.id), address: ctx.request.remoteAddress,
                detail: p.channel, db: tx)
        }
        return .redirect(to: "/usager/coordonnees?notice=contact_updated")
    }

    /// Stores the language messages are written in. A POST with its CSRF token, never the
    /// switcher's link: a link from elsewhere must not be able to make someone's letters
    /// arrive in a language they cannot read.
    static func saveLanguage(_ ctx: ApplicantContext) throws -> Response {
        let a = ctx.applicant
        guard let chosen = try ctx.form()["language"].flatMap(Language.named) else {
            // Only a tampered form gets here (the select lists the registry): said, not ignored.
            var data = try contactForms(ctx)
            data["languageError"] = ctx.text("form.choose")
            return ctx.page("usager/contacts", title: "usager.contacts.title", data, status: 422)
        }
        try ctx.db.transaction { tx in
            try Applicants.setLanguage(id: a.id, chosen.code, db: tx)
            try AuthEvents.record(
                "language_changed", applicant: a.id, by: .applicant(a.id), address: ctx.request.remoteAddress,
                detail: chosen.code, db: tx)
        }
        return .redirect(to: "/usager/coordonnees?notice=language_saved")
    }

    // MARK: history

    static func account(_ ctx: ApplicantContext) throws -> Response {
        let a = ctx.applicant
        let events = try AuthEvents.forApplicant(a.id, db: ctx.db).map { e -> [String: Any] in
            [
                "what": ctx.text("history.\(e.event)"), "who": ctx.text("history.actor.\(e.actorKind)"),
                "when": DisplayFormat.dateTime(e.at, ctx.language),
            ]
        }
        // "Who accessed my file": structures and roles, not the staff members' names.
        let accesses = try Audit.forApplicant(a.id, db: ctx.db).map { e -> [String: Any] in
            [
                "when": DisplayFormat.dateTime(e.at, ctx.language), "role": ctx.text("roles.\(e.role)"),
                "structure": e.structureName ?? "", "action": ctx.text("audit.actions.\(e.action)"),
            ]
        }
        return ctx.page(
            "usager/account", title: "usager.account.title",
            [
                "events": events, "agdref": a.agdref ?? "", "ofpraNumber": a.ofpraNumber ?? "", "name": a.fullName,
                "accesses": accesses,
                "optoutStatus": try OptOutRoutes.applicantStatus(ctx.base, a) as Any,
            ])
    }
}
