import Domain
import Foundation
import HTTP
import Postgres

/// The ANEF ways in: creating an account (a protected person, or a family member naming the
/// protected person's OFPRA number), proving the e-mail and phone by codes, logging in, and
/// choosing a new password with a code sent to the proven contacts.
enum AnefAccountRoutes {
    static func register(_ routes: inout Routes) {
        routes.add(.get, "/anef/creer-un-compte", showSignup)
        routes.add(.post, "/anef/creer-un-compte", submitSignup)
        routes.add(.get, "/anef/creer-un-compte/famille", showFamilySignup)
        routes.add(.post, "/anef/creer-un-compte/famille", submitFamilySignup)
        routes.add(.get, "/anef/creer-un-compte/codes", showCodes)
        routes.add(.post, "/anef/creer-un-compte/codes", submitCodes)
        routes.add(.post, "/anef/creer-un-compte/codes/renvoyer", resendCodes)
        routes.add(.get, "/anef/connexion", showLogin)
        routes.add(.post, "/anef/connexion", submitLogin)
        routes.add(.get, "/anef/mot-de-passe-oublie", showLostPassword)
        routes.add(.post, "/anef/mot-de-passe-oublie", submitLostPassword)
        routes.add(.post, "/anef/mot-de-passe-oublie/nouveau", submitNewPassword)
    }

    static let contactFields: [FormView.Field] = [
        .init(name: "email", labelKey: "anef.signup.email", type: "email", autocomplete: "email", hintKey: "anef.signup.email_hint"),
        .init(name: "phone", labelKey: "anef.signup.phone", type: "tel", autocomplete: "tel", hintKey: "anef.signup.phone_hint"),
        .init(
            name: "password", labelKey: "usager.new_password", type: "password", autocomplete: "new-password",
            hintKey: "usager.password_rules", keepValue: false),
        .init(name: "confirmation", labelKey: "usager.confirm_password", type: "password", autocomplete: "new-password", keepValue: false),
    ]

    static let identityFields: [FormView.Field] = [
        .init(name: "surnames", labelKey: "anef.signup.surnames", autocomplete: "family-name", hintKey: "anef.signup.names_hint"),
        .init(name: "given_names", labelKey: "anef.signup.given_names", autocomplete: "given-name", required: false),
        .init(name: "birth_date", labelKey: "anef.signup.birth_date", type: "date", autocomplete: "bday"),
    ]

    static func signupForm() -> FormView {
        FormView(
            [.init(name: "identifier", labelKey: "anef.signup.identifier", hintKey: "anef.signup.identifier_hint")]
                + identityFields + contactFields)
    }

    static func familyForm(_ ctx: RequestContext) -> FormView {
        FormView(
            [.init(name: "identifier", labelKey: "anef.family.own_number", hintKey: "anef.family.own_number_hint")]
                + identityFields
                + [
                    .init(name: "ofpra_number", labelKey: "anef.family.ofpra_number", hintKey: "anef.family.ofpra_number_hint"),
                    .init(
                        name: "relationship", labelKey: "anef.family.relationship",
                        options: [("", ctx.text("form.choose"))]
                            + FamilyRelationship.allCases.map { ($0.rawValue, ctx.text("anef.relationships.\($0.rawValue)")) }),
                ] + contactFields)
    }

    // MARK: sign-up

    static func showSignup(_ ctx: RequestContext) throws -> Response {
        if ctx.anefAccount != nil { return .redirect(to: "/anef") }
        return ctx.page("anef/signup", title: "anef.signup.title", signupForm().context(ctx))
    }

    static func showFamilySignup(_ ctx: RequestContext) throws -> Response {
        if ctx.anefAccount != nil { return .redirect(to: "/anef") }
        return ctx.page("anef/signup-family", title: "anef.family.title", familyForm(ctx).context(ctx))
    }

    /// What both sign-up forms check before looking anything up: formats, contacts, password.
    struct Typed {
        var surnames = "", givenNames = "", email = "", phone = "", password = ""
        var birthDate: CivilDate?
    }

    static func readCommon(_ form: inout FormView, _ submitted: FormData, identifier: ForeignerNumber?) -> Typed {
        var t = Typed()
        let v = form.values
        t.surnames = v["surnames"] ?? ""
        t.givenNames = v["given_names"] ?? ""
        for name in ["surnames", "given_names"] where (v[name]?.count ?? 0) > 200 { form.fail(name, "form.too_long") }
        t.birthDate = v["birth_date"].flatMap(CivilDate.init(typed:))
        if t.birthDate == nil, !(v["birth_date"] ?? "").isEmpty { form.fail("birth_date", "form.invalid_date") }
        if let e = EmailAddress(v["email"] ?? "") {
            t.email = e.value
        } else if !(v["email"] ?? "").isEmpty {
            form.fail("email", "form.invalid_email")
        }
        // Codes and the card's convocation come by SMS: a mobile number is required.
        if let p = PhoneNumber(v["phone"] ?? "") {
            if p.canReceiveSMS { t.phone = p.e164 } else { form.fail("phone", "form.phone_not_mobile") }
        } else if !(v["phone"] ?? "").isEmpty {
            form.fail("phone", "form.invalid_phone")
        }
        t.password = submitted["password"] ?? ""
        if !t.password.isEmpty {
            let violations = PasswordPolicy.violations(
                of: t.password, agdref: identifier.flatMap { AGDREFNumber($0.digits) }, connectionKey: nil)
            if let first = violations.first { form.fail("password", DomainText.key(first)) }
            if t.password != (submitted["confirmation"] ?? "") { form.fail("confirmation", "usager.passwords_differ") }
        }
        return t
    }

    static func submitSignup(_ ctx: RequestContext) throws -> Response {
        var form = signupForm()
        let submitted = try ctx.form()
        form.read(submitted)
        let identifier = ProtectionIdentifier.parse(form.values["identifier"] ?? "")
        if identifier == nil, !(form.values["identifier"] ?? "").isEmpty { form.fail("identifier", "anef.signup.identifier_invalid") }
        let foreigner: ForeignerNumber? = if case .foreigner(let n)? = identifier { n } else { nil }
        let t = readCommon(&form, submitted, identifier: foreigner)
        func again(_ status: Int = 422) -> Response {
            ctx.page("anef/signup", title: "anef.signup.title", form.context(ctx), status: status)
        }
        guard form.isValid, let identifier, let birthDate = t.birthDate else { return again() }

        let guardrail = SignupThrottle(ctx: ctx)
        if let seconds = try guardrail.wait(form.values["identifier"]!) {
            return ctx.throttledPage("anef/signup", title: "anef.signup.title", form, field: "identifier", seconds: seconds)
        }
        guard let protection = try identifier.find(in: DatabaseProtectionLookup(db: ctx.db)) else {
            try guardrail.fail(form.values["identifier"]!)
            return ctx.page("anef/not-found", title: "anef.not_found.title", ["family": false], status: 404)
        }
        let differences = IdentityMatch.differences(
            surnames: t.surnames, givenNames: t.givenNames, birthDate: birthDate, against: protection)
        if !differences.isEmpty {
            try guardrail.fail(form.values["identifier"]!)
            for field in differences { form.fail(field == .givenNames ? "given_names" : field.rawValue, DomainText.key(field)) }
            var data = form.context(ctx)
            data["mismatch"] = true
            return ctx.page("anef/signup", title: "anef.signup.title", data, status: 422)
        }
        // From here the person proved they know OFPRA's record: the answers may say more.
        if !protection.kind.filesOnline { return ctx.page("anef/stateless", title: "anef.stateless.title", status: 409) }
        if try AnefAccounts.openAccount(protectionId: protection.id, db: ctx.db) != nil {
            return ctx.page("anef/already", title: "anef.already.title", status: 409)
        }
        let account = AnefAccounts.NewAccount(
            role: .protected, protectionId: protection.id, relationship: nil, foreignerNumber: protection.foreignerNumber,
            surnames: protection.surnames, givenNames: protection.givenNames, birthDate: protection.birthDate.iso,
            email: t.email, phone: t.phone, passwordHash: SecretWork.hash(t.password), language: ctx.language.code)
        return try startVerification(ctx, account)
    }

    static func submitFamilySignup(_ ctx: RequestContext) throws -> Response {
        var form = familyForm(ctx)
        let submitted = try ctx.form()
        form.read(submitted)
        let own = ForeignerNumber(form.values["identifier"] ?? "")
        if own == nil, !(form.values["identifier"] ?? "").isEmpty { form.fail("identifier", "anef.family.own_number_invalid") }
        let ofpra = OFPRAFileNumber(form.values["ofpra_number"] ?? "")
        if ofpra == nil, !(form.values["ofpra_number"] ?? "").isEmpty { form.fail("ofpra_number", "anef.family.ofpra_number_invalid") }
        let relationship = FamilyRelationship(rawValue: form.values["relationship"] ?? "")
        if relationship == nil { form.fail("relationship", "form.choose") }
        let t = readCommon(&form, submitted, identifier: own)
        guard form.isValid, let own, let ofpra, let relationship, let birthDate = t.birthDate else {
            return ctx.page("anef/signup-family", title: "anef.family.title", form.context(ctx), status: 422)
        }
        let guardrail = SignupThrottle(ctx: ctx)
        if let seconds = try guardrail.wait(ofpra.value) {
            return ctx.throttledPage("anef/signup-family", title: "anef.family.title", form, field: "ofpra_number", seconds: seconds)
        }
        guard let protection = try DatabaseProtectionLookup(db: ctx.db).protection(ofpraNumber: ofpra.value) else {
            try guardrail.fail(ofpra.value)
            return ctx.page("anef/not-found", title: "anef.not_found.title", ["family": true], status: 404)
        }
        if !protection.kind.filesOnline { return ctx.page("anef/stateless", title: "anef.stateless.title", status: 409) }
        // The family member's own number must not be the protected person's (nor an open account's).
        if own.digits == protection.foreignerNumber {
            form.fail("identifier", "anef.family.same_number")
            return ctx.page("anef/signup-family", title: "anef.family.title", form.context(ctx), status: 422)
        }
        if try AnefAccounts.openAccount(foreignerNumber: own.digits, db: ctx.db) != nil {
            return ctx.page("anef/already", title: "anef.already.title", status: 409)
        }
        let account = AnefAccounts.NewAccount(
            role: .family, protectionId: protection.id, relationship: relationship, foreignerNumber: own.digits,
            surnames: t.surnames, givenNames: t.givenNames, birthDate: birthDate.iso, email: t.email, phone: t.phone,
            passwordHash: SecretWork.hash(t.password), language: ctx.language.code)
        return try startVerification(ctx, account)
    }

    /// Creates the pending account and sends both codes, in one transaction; the browser holds
    /// a session of the pending account, good only for the codes page.
    static func startVerification(_ ctx: RequestContext, _ account: AnefAccounts.NewAccount) throws -> Response {
        let created: Int64
        do {
            created = try ctx.db.transaction { tx in
                let id = try AnefAccounts.createPending(account, db: tx)
                try AnefMessages.sendCodes(
                    account: id, email: account.email, phone: account.phone, language: account.language, ctx: ctx, db: tx)
                try AnefAccounts.event("signup_started", account: id, address: ctx.request.remoteAddress, db: tx)
                return id
            }
        } catch let e as PGError where e.isUniqueViolation {
            // The foreigner number already belongs to an open account (someone else's sign-up
            // as a family member, say): the same page as an existing account, never a 500.
            return ctx.page("anef/already", title: "anef.already.title", status: 409)
        }
        try ctx.signIn(.anef, id: created)
        return .redirect(to: "/anef/creer-un-compte/codes")
    }

    // MARK: codes

    static func codesForm() -> FormView {
        FormView([
            // Not `required`: a contact already proven has no field; what is left is asked below.
            .init(
                name: "email_code", labelKey: "anef.codes.email_code", autocomplete: "one-time-code", hintKey: "anef.codes.email_hint",
                required: false),
            .init(
                name: "sms_code", labelKey: "anef.codes.sms_code", autocomplete: "one-time-code", hintKey: "anef.codes.sms_hint",
                required: false),
        ])
    }

    static func pending(_ ctx: RequestContext) throws -> AnefAccount? {
        guard let s = ctx.session, s.subject == .anef else { return nil }
        return try AnefAccounts.find(id: s.subjectId, db: ctx.db).flatMap { $0.isOpen ? nil : $0 }
    }

    static func codesPage(_ ctx: RequestContext, _ account: AnefAccount, _ form: FormView, status: Int = 200) -> Response {
        var data = form.context(ctx)
        data["emailDone"] = account.emailVerifiedAt != nil
        data["smsDone"] = account.phoneVerifiedAt != nil
        data["email"] = account.email
        data["phone"] = PhoneNumber(account.phone)?.masked ?? account.phone
        return ctx.page("anef/codes", title: "anef.codes.title", data, status: status)
    }

    static func showCodes(_ ctx: RequestContext) throws -> Response {
        if ctx.anefAccount != nil { return .redirect(to: "/anef") }
        guard let account = try pending(ctx) else { return .redirect(to: "/anef/creer-un-compte") }
        return codesPage(ctx, account, codesForm())
    }

    static func submitCodes(_ ctx: RequestContext) throws -> Response {
        guard let account = try pending(ctx) else { return .redirect(to: "/anef/creer-un-compte") }
        var form = codesForm()
        form.read(try ctx.form())
        let secret = ctx.app.config.secret
        let opened = try ctx.db.transaction { tx -> Bool in
            for (field, purpose, done) in [
                ("email_code", AnefCodes.Purpose.verifyEmail, account.emailVerifiedAt != nil),
                ("sms_code", .verifyPhone, account.phoneVerifiedAt != nil),
            ] where !done {
                let typed = form.values[field] ?? ""
                if typed.isEmpty { continue }
                switch try AnefCodes.check(typed, account: account.id, purpose: purpose, secret: secret, db: tx) {
                case .valid: try AnefAccounts.markVerified(id: account.id, channel: purpose, db: tx)
                case .wrong: form.fail(field, "usager.contacts.code_wrong")
                case .expired: form.fail(field, "usager.contacts.code_expired")
                }
            }
            guard try AnefAccounts.openIfVerified(id: account.id, db: tx) else { return false }
            try AnefAccounts.event("account_opened", account: account.id, address: ctx.request.remoteAddress, db: tx)
            return true
        }
        if opened {
            // A fresh token now that the account is real.
            try ctx.signIn(.anef, id: account.id)
            return .redirect(to: "/anef?notice=anef_account_opened")
        }
        guard let fresh = try AnefAccounts.find(id: account.id, db: ctx.db) else { return .redirect(to: "/anef/creer-un-compte") }
        // A field already proven is not an error; only what is left is asked again.
        var remaining = FormView(form.fields)
        for e in form.errors { remaining.fail(e.field, e.key) }
        if fresh.emailVerifiedAt == nil, (form.values["email_code"] ?? "").isEmpty { remaining.fail("email_code", "form.required") }
        if fresh.phoneVerifiedAt == nil, (form.values["sms_code"] ?? "").isEmpty { remaining.fail("sms_code", "form.required") }
        return codesPage(ctx, fresh, remaining, status: 422)
    }

    static let codesPerHour = 4

    static func resendCodes(_ ctx: RequestContext) throws -> Response {
        guard let account = try pending(ctx) else { return .redirect(to: "/anef/creer-un-compte") }
        let sent = try ctx.db.transaction { tx -> Bool in
            guard try AnefCodes.issuedInLastHour(account: account.id, purpose: .verifyEmail, db: tx) < codesPerHour else { return false }
            try AnefMessages.sendCodes(
                account: account.id, email: account.emailVerifiedAt == nil ? account.email : nil,
                phone: account.phoneVerifiedAt == nil ? account.phone : nil, language: account.language, ctx: ctx, db: tx)
            return true
        }
        return .redirect(to: "/anef/creer-un-compte/codes?notice=" + (sent ? "anef_codes_sent" : "anef_codes_limit"))
    }

    // MARK: login

    static func loginForm() -> FormView {
        FormView([
            .init(name: "identifier", labelKey: "anef.login.identifier", autocomplete: "username", hintKey: "anef.login.identifier_hint"),
            .init(name: "password", labelKey: "usager.password", type: "password", autocomplete: "current-password", keepValue: false),
        ])
    }

    static func showLogin(_ ctx: RequestContext) throws -> Response {
        if ctx.anefAccount != nil { return .redirect(to: "/anef") }
        return ctx.page("anef/login", title: "anef.login.title", loginForm().context(ctx))
    }

    static func submitLogin(_ ctx: RequestContext) throws -> Response {
        var form = loginForm()
        let submitted = try ctx.form()
        form.read(submitted)
        guard form.isValid else { return ctx.page("anef/login", title: "anef.login.title", form.context(ctx), status: 422) }
        switch try AnefCredentials(ctx: ctx).check(identifier: form.values["identifier"]!, password: submitted["password"] ?? "") {
        case .success(let account):
            try ctx.db.transaction { tx in
                try AnefAccounts.recordLogin(id: account.id, db: tx)
                try AnefAccounts.event("login_succeeded", account: account.id, address: ctx.request.remoteAddress, db: tx)
            }
            try ctx.signIn(.anef, id: account.id)
            return .redirect(to: "/anef")
        case .failure:
            form.fail("identifier", "anef.login.failed")
            return ctx.page("anef/login", title: "anef.login.title", form.context(ctx), status: 422)
        case .throttled(let seconds):
            return ctx.throttledPage("anef/login", title: "anef.login.title", form, field: "identifier", seconds: seconds)
        }
    }

    // MARK: lost password

    static func lostForm() -> FormView {
        FormView([
            .init(name: "identifier", labelKey: "anef.login.identifier", autocomplete: "username", hintKey: "anef.login.identifier_hint")
        ])
    }

    static func newPasswordForm() -> FormView {
        FormView(
            [
                .init(name: "identifier", labelKey: "anef.login.identifier", autocomplete: "username"),
                .init(name: "code", labelKey: "anef.reset.code", autocomplete: "one-time-code", hintKey: "anef.reset.code_hint"),
            ] + contactFields.suffix(2))
    }

    static func showLostPassword(_ ctx: RequestContext) throws -> Response {
        ctx.page("anef/lost-password", title: "anef.reset.title", lostForm().context(ctx))
    }

    /// Always the same answer and the same work, known identifier or not.
    static func submitLostPassword(_ ctx: RequestContext) throws -> Response {
        var form = lostForm()
        form.read(try ctx.form())
        guard form.isValid else { return ctx.page("anef/lost-password", title: "anef.reset.title", form.context(ctx), status: 422) }
        let address = ctx.request.remoteAddress
        if case .wait(let s) = try AddressThrottle.decision(scope: "anef-reset-send", address: address, db: ctx.db) {
            return ctx.throttledPage("anef/lost-password", title: "anef.reset.title", form, field: "identifier", seconds: s)
        }
        let started = Date()
        let identifier = AnefCredentials.normalise(form.values["identifier"]!)
        try ctx.db.transaction { tx in
            try AddressThrottle.recordFailure(scope: "anef-reset-send", address: address, db: tx)
            guard let account = try AnefAccounts.forLogin(identifier, db: tx),
                try AnefCodes.issuedInLastHour(account: account.id, purpose: .resetPassword, db: tx) < codesPerHour
            else { return }
            try AnefMessages.sendResetCode(account, ctx: ctx, db: tx)
            try AnefAccounts.event("reset_code_sent", account: account.id, address: address, db: tx)
        }
        let remaining = 0.15 - Date().timeIntervalSince(started)
        if remaining > 0 { Thread.sleep(forTimeInterval: remaining) }
        var next = newPasswordForm()
        next.values["identifier"] = form.values["identifier"]
        return ctx.page("anef/new-password", title: "anef.reset.title", next.context(ctx))
    }

    static func submitNewPassword(_ ctx: RequestContext) throws -> Response {
        var form = newPasswordForm()
        let submitted = try ctx.form()
        form.read(submitted)
        func again(_ status: Int = 422) -> Response {
            ctx.page("anef/new-password", title: "anef.reset.title", form.context(ctx), status: status)
        }
        guard form.isValid else { return again() }
        let password = submitted["password"] ?? ""
        let identifier = AnefCredentials.normalise(form.values["identifier"]!)
        let throttle = IdentifierThrottle(scope: "anef-reset", policy: .key, secret: ctx.app.config.secret)
        if case .wait(let s) = try throttle.decision(identifier, db: ctx.db) {
            return ctx.throttledPage("anef/new-password", title: "anef.reset.title", form, field: "code", seconds: s)
        }
        let account = try AnefAccounts.forLogin(identifier, db: ctx.db)
        let violations = PasswordPolicy.violations(of: password, agdref: AGDREFNumber(identifier), connectionKey: nil)
        if let first = violations.first { form.fail("password", DomainText.key(first)) }
        if password != (submitted["confirmation"] ?? "") { form.fail("confirmation", "usager.passwords_differ") }
        guard form.isValid else { return again() }
        let ok = try ctx.db.transaction { tx -> Bool in
            guard let account,
                try AnefCodes.check(
                    form.values["code"]!, account: account.id, purpose: .resetPassword, secret: ctx.app.config.secret, db: tx)
                    == .valid
            else {
                _ = try throttle.recordFailure(identifier, db: tx)
                return false
            }
            try AnefAccounts.setPassword(id: account.id, hash: SecretWork.hash(password), db: tx)
            try ctx.app.sessions.endAll(subject: .anef, id: account.id, db: tx)
            try AnefCredentials.throttle(ctx.app.config.secret).clear([identifier], db: tx)
            try throttle.clear([identifier], db: tx)
            try AnefAccounts.event("password_reset", account: account.id, address: ctx.request.remoteAddress, db: tx)
            return true
        }
        guard ok else {
            form.fail("code", "anef.reset.code_wrong")
            return again()
        }
        return .redirect(to: "/anef/connexion?notice=password_changed")
    }
}

/// Sign-up attempts that found nothing or did not match, per address and per typed number:
/// the form compares names with OFPRA's record, so guessing must stay slow.
struct SignupThrottle {
    let ctx: RequestContext
    var byNumber: IdentifierThrottle { IdentifierThrottle(scope: "anef-signup", policy: .key, secret: ctx.app.config.secret) }

    func wait(_ raw: String) throws -> Int? {
        if case .wait(let s) = try AddressThrottle.decision(scope: "anef-signup", address: ctx.request.remoteAddress, db: ctx.db) {
            return s
        }
        if case .wait(let s) = try byNumber.decision(AnefCredentials.normalise(raw), db: ctx.db) { return s }
        return nil
    }

    func fail(_ raw: String) throws {
        try ctx.db.transaction { tx in
            try AddressThrottle.recordFailure(scope: "anef-signup", address: ctx.request.remoteAddress, db: tx)
            _ = try byNumber.recordFailure(AnefCredentials.normalise(raw), db: tx)
        }
    }
}
