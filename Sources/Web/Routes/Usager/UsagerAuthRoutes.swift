import Domain
import Foundation
import HTTP
import Postgres
import Security

/// The applicant's ways in: first activation with the key, login with the password,
/// a lost password (identifier + key) and a lost key (sent to the contacts on file).
enum UsagerAuthRoutes {
    static func register(_ routes: inout Routes) {
        routes.add(.get, "/usager/connexion", showLogin)
        routes.add(.post, "/usager/connexion", submitLogin)
        routes.add(.get, "/usager/activation", showActivation)
        routes.add(.post, "/usager/activation", submitActivation)
        routes.add(.get, "/usager/activation/mot-de-passe", showNewPassword)
        routes.add(.post, "/usager/activation/mot-de-passe", submitNewPassword)
        routes.add(.get, "/usager/mot-de-passe-oublie", showReset)
        routes.add(.post, "/usager/mot-de-passe-oublie", submitReset)
        routes.add(.get, "/usager/cle-perdue", showLostKey)
        routes.add(.post, "/usager/cle-perdue", submitLostKey)
    }

    static let identifierField = FormView.Field(
        name: "identifier", labelKey: "usager.identifier",
        autocomplete: "username", hintKey: "usager.identifier_hint")
    static let keyField = FormView.Field(
        name: "key", labelKey: "usager.key", autocomplete: "off", hintKey: "usager.key_hint",
        keepValue: false)
    static let newPasswordFields: [FormView.Field] = [
        .init(
            name: "password", labelKey: "usager.new_password", type: "password", autocomplete: "new-password",
            hintKey: "usager.password_rules", keepValue: false),
        .init(
            name: "confirmation", labelKey: "usager.confirm_password", type: "password", autocomplete: "new-password",
            keepValue: false),
    ]

    // MARK: login

    static func loginForm() -> FormView {
        FormView([
            identifierField,
            .init(
                name: "password", labelKey: "usager.password", type: "password",
                autocomplete: "current-password", keepValue: false),
        ])
    }

    /// Where to go back after login: `retour` (a document's page reached logged out), from the
    /// address or the form's hidden field. One that is not a safe path of the space leads to
    /// the space home instead.
    static func requestedReturn(_ ctx: RequestContext, _ submitted: FormData? = nil) -> String? {
        guard let asked = submitted?["retour"] ?? ctx.request.query["retour"] else { return nil }
        return ApplicantReturn.validated(asked) ?? "/usager/espace"
    }

    static func loginPage(_ ctx: RequestContext, _ form: FormView, back: String?, status: Int = 200) -> Response {
        var data = form.context(ctx)
        if let back { data["retour"] = back }
        return ctx.page("usager/login", title: "usager.login.title", data, status: status)
    }

    static func showLogin(_ ctx: RequestContext) throws -> Response {
        let back = requestedReturn(ctx)
        if ctx.applicant != nil { return .redirect(to: back ?? "/usager/espace") }
        return loginPage(ctx, loginForm(), back: back)
    }

    static func submitLogin(_ ctx: RequestContext) throws -> Response {
        var form = loginForm()
        let submitted = try ctx.form()
        form.read(submitted)
        let back = requestedReturn(ctx, submitted)
        guard form.isValid else { return loginPage(ctx, form, back: back, status: 422) }
        let checker = ApplicantCredentials(ctx: ctx, kind: .password)
        switch try checker.check(identifier: form.values["identifier"]!, secret: submitted["password"] ?? "") {
        case .success(let person):
            // Asked only once the password is right: a closed space still readable lets its
            // owner in (read-only); once that period is over, the closed page as before.
            let readOnly = try ClosedSpaces.readOnlyUntil(person, ctx)
            if readOnly == nil, let refusal = spaceRefusal(person, ctx) { return refusal }
            try ctx.db.transaction { tx in
                try Applicants.recordLogin(id: person.id, db: tx)
                try AuthEvents.record(
                    "login_succeeded", applicant: person.id, by: .applicant(person.id),
                    address: ctx.request.remoteAddress, db: tx)
            }
            try ctx.signIn(.applicant, id: person.id)
            if let back { return .redirect(to: back) }
            // At each login the person is invited to check their phone and e-mail (which a
            // read-only space cannot change: its home says what is left to do).
            return .redirect(to: readOnly == nil ? "/usager/coordonnees?apres=connexion" : "/usager/espace")
        case .failure:
            // A locked account gets the same answer: the page always explains how to get back in.
            form.fail("identifier", "usager.login.failed")
            return loginPage(ctx, form, back: back, status: 422)
        case .throttled(let seconds):
            return throttledPage(ctx, "usager/login", "usager.login.title", form, seconds)
        }
    }

    /// The clear page for a person whose space is closed, or not opened yet by OFPRA (step 3),
    /// whichever way they came in (login, activation, reset); nil when the space is open.
    static func spaceRefusal(_ person: Applicant, _ ctx: RequestContext) -> Response? {
        if person.closedAt != nil { return ctx.page("usager/closed", title: "usager.closed.title", status: 403) }
        guard let openedAt = person.spaceAvailableAt, openedAt <= Date() else {
            return NotYetOpenPage.response(person, ctx)
        }
        return nil
    }

    static func throttledPage(_ ctx: RequestContext, _ template: String, _ title: String, _ form: FormView, _ seconds: Int) -> Response {
        ctx.throttledPage(template, title: title, form, field: "identifier", seconds: seconds)
    }

    // MARK: activation

    static func activationForm() -> FormView { FormView([identifierField, keyField]) }

    static func showActivation(_ ctx: RequestContext) throws -> Response {
        ctx.page("usager/activation", title: "usager.activation.title", activationForm().context(ctx))
    }

    static func submitActivation(_ ctx: RequestContext) throws -> Response {
        var form = activationForm()
        let submitted = try ctx.form()
        form.read(submitted)
        guard form.isValid else {
            return ctx.page("usager/activation", title: "usager.activation.title", form.context(ctx), status: 422)
        }
        let checker = ApplicantCredentials(ctx: ctx, kind: .key)
        switch try checker.check(identifier: form.values["identifier"]!, secret: submitted["key"] ?? "") {
        case .success(let person):
            if let refusal = spaceRefusal(person, ctx) { return refusal }
            if person.activatedAt != nil {
                return ctx.page("usager/already-active", title: "usager.already.title", [:])
            }
            try ctx.signIn(.activation, id: person.id)
            return .redirect(to: "/usager/activation/mot-de-passe")
        case .failure:
            form.fail("identifier", "usager.activation.failed")
            return ctx.page("usager/activation", title: "usager.activation.title", form.context(ctx), status: 422)
        case .throttled(let seconds):
            return throttledPage(ctx, "usager/activation", "usager.activation.title", form, seconds)
        }
    }

    static func showNewPassword(_ ctx: RequestContext) throws -> Response {
        ctx.page("usager/new-password", title: "usager.new_password_title", FormView(newPasswordFields).context(ctx))
    }

    static func submitNewPassword(_ ctx: RequestContext) throws -> Response {
        guard let id = ctx.activatingApplicantId, let person = try Applicants.find(id: id, db: ctx.db) else {
            throw HTTPError.forbidden
        }
        // Activation happens once: the key that opened this step is used up by it.
        if person.activatedAt != nil { return ctx.page("usager/already-active", title: "usager.already.title", [:]) }
        var form = FormView(newPasswordFields)
        let submitted = try ctx.form()
        let password = submitted["password"] ?? ""
        validateNewPassword(&form, password, confirmation: submitted["confirmation"] ?? "", person: person, key: nil)
        // The key was typed on the previous page: compare with its stored hash instead.
        if form.isValid, try KeyIssuer.matches(password, applicant: person.id, secret: ctx.app.config.secret, db: ctx.db) {
            form.fail("password", DomainText.key(PasswordViolation.isConnectionKey))
        }
        guard form.isValid else {
            return ctx.page("usager/new-password", title: "usager.new_password_title", form.context(ctx), status: 422)
        }
        try ctx.db.transaction { tx in
            try Applicants.setPassword(id: person.id, hash: PasswordHasher.interactive.hash(password), db: tx)
            try KeyIssuer.consume(.usedForActivation, for: person.id, db: tx)
            try AuthEvents.record(
                "activated", applicant: person.id, by: .applicant(person.id),
                address: ctx.request.remoteAddress, db: tx)
        }
        try ctx.signIn(.applicant, id: person.id)
        return .redirect(to: "/usager/coordonnees?apres=activation")
    }

    /// The password rules, with the messages next to the field.
    static func validateNewPassword(
        _ form: inout FormView, _ password: String, confirmation: String,
        person: Applicant, key: ConnectionKey?
    ) {
        if password.isEmpty {
            form.fail("password", "form.required")
            return
        }
        let violations = PasswordPolicy.violations(
            of: password, agdref: person.agdref.flatMap(AGDREFNumber.init),
            connectionKey: key)
        if let first = violations.first { form.fail("password", DomainText.key(first)) }
        if password != confirmation { form.fail("confirmation", "usager.passwords_differ") }
    }

    // MARK: lost password

    static func resetForm() -> FormView { FormView([identifierField, keyField] + newPasswordFields) }

    static func showReset(_ ctx: RequestContext) throws -> Response {
        ctx.page("usager/reset", title: "usager.reset.title", resetForm().context(ctx))
    }

    static func submitReset(_ ctx: RequestContext) throws -> Response {
        var form = resetForm()
        let submitted = try ctx.form()
        form.read(submitted)
        let password = submitted["password"] ?? ""
        guard form.isValid else { return ctx.page("usager/reset", title: "usager.reset.title", form.context(ctx), status: 422) }
        let checker = ApplicantCredentials(ctx: ctx, kind: .key)
        switch try checker.check(identifier: form.values["identifier"]!, secret: submitted["key"] ?? "") {
        case .success(let person):
            // A reset must not open a space OFPRA has not opened (or has closed) either.
            if let refusal = spaceRefusal(person, ctx) { return refusal }
            validateNewPassword(
                &form, password, confirmation: submitted["confirmation"] ?? "", person: person,
                key: ConnectionKey.normalize(submitted["key"] ?? ""))
            guard form.isValid else {
                return ctx.page("usager/reset", title: "usager.reset.title", form.context(ctx), status: 422)
            }
            try ctx.db.transaction { tx in
                try Applicants.setPassword(id: person.id, hash: PasswordHasher.interactive.hash(password), db: tx)
                // Whoever was logged in with the old password is logged out everywhere.
                try ctx.app.sessions.endAll(subject: .applicant, id: person.id, db: tx)
                try KeyIssuer.consume(.usedForReset, for: person.id, db: tx)
                try ApplicantCredentials.liftThrottles(for: person, secret: ctx.app.config.secret, db: tx)
                try AuthEvents.record(
                    "password_reset", applicant: person.id, by: .applicant(person.id),
                    address: ctx.request.remoteAddress, db: tx)
            }
            return .redirect(to: "/usager/connexion?notice=password_changed")
        case .failure:
            form.fail("identifier", "usager.activation.failed")
            return ctx.page("usager/reset", title: "usager.reset.title", form.context(ctx), status: 422)
        case .throttled(let seconds):
            return throttledPage(ctx, "usager/reset", "usager.reset.title", form, seconds)
        }
    }

    // MARK: lost key

    static func showLostKey(_ ctx: RequestContext) throws -> Response {
        ctx.page("usager/lost-key", title: "usager.lost_key.title", FormView([identifierField]).context(ctx))
    }

    /// Always the same answer and the same work, whether or not the identifier exists or has
    /// contacts on file. The key sent is added beside the person's keys: a request by someone
    /// else takes nothing out of their hands.
    static func submitLostKey(_ ctx: RequestContext) throws -> Response {
        var form = FormView([identifierField])
        form.read(try ctx.form())
        guard form.isValid else {
            return ctx.page("usager/lost-key", title: "usager.lost_key.title", form.context(ctx), status: 422)
        }
        let address = ctx.request.remoteAddress
        if case .wait(let s) = try AddressThrottle.decision(scope: "key-resend", address: address, db: ctx.db) {
            return throttledPage(ctx, "usager/lost-key", "usager.lost_key.title", form, s)
        }
        let started = Date()
        let person = try ApplicantCredentials(ctx: ctx, kind: .key).find(form.values["identifier"]!)
        try ctx.db.transaction { tx in
            // Every request counts towards the address limit: this form sends messages.
            try AddressThrottle.recordFailure(scope: "key-resend", address: address, db: tx)
            guard let person, person.isInScope, person.closedAt == nil,
                person.verifiedPhone != nil || person.verifiedEmail != nil,
                try Applicants.keysSentToday(id: person.id, reason: "key_sent", db: tx) < lostKeyDailyLimit
            else { return }
            let key = try KeyIssuer.send(
                for: person, act: .sentOnRequest, event: "key_sent", by: .applicant(person.id),
                address: address, secret: ctx.app.config.secret, db: tx)
            try ApplicantMessages.send("key_reissued", to: person, params: ["key": key], db: tx)
        }
        // A known person costs a few more rows (key, event, messages): every answer takes at
        // least the same time, so a stopwatch cannot tell them apart either.
        let remaining = lostKeyAnswerFloor - Date().timeIntervalSince(started)
        if remaining > 0 { Thread.sleep(forTimeInterval: remaining) }
        return ctx.page("usager/lost-key-sent", title: "usager.lost_key.title")
    }

    /// Far above the rows' cost (a few ms); throttled answers skip it (they are alike anyway).
    static let lostKeyAnswerFloor: TimeInterval = 0.15

    /// Keys sent on request per person and day (each request also counts against the address).
    static let lostKeyDailyLimit = 3
}
