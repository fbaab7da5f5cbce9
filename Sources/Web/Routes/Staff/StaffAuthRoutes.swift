import Domain
import Foundation
import HTTP
import Security

/// Staff (professionals and agents) log in with e-mail and password.
enum StaffAuthRoutes {
    static func register(_ routes: inout Routes) {
        routes.add(.get, "/connexion", showLogin)
        routes.add(.post, "/connexion", submitLogin)
        routes.add(.get, "/connexion/deverrouiller", showUnlock)
        routes.add(.post, "/connexion/deverrouiller", submitUnlock)
        routes.add(.post, "/deconnexion", logout)
        routes.staff { g in g.get("/espace", staffHome) }
    }

    static func loginForm() -> FormView {
        FormView([
            .init(name: "email", labelKey: "staff.login.email", type: "email", autocomplete: "email"),
            .init(
                name: "password", labelKey: "staff.login.password", type: "password",
                autocomplete: "current-password", keepValue: false),
        ])
    }

    static func showLogin(_ ctx: RequestContext) throws -> Response {
        if ctx.staff != nil { return .redirect(to: "/espace") }
        return render(loginForm(), ctx)
    }

    static func submitLogin(_ ctx: RequestContext) throws -> Response {
        var form = loginForm()
        let submitted = try ctx.form()
        form.read(submitted)
        guard form.isValid else { return render(form, ctx, status: 422) }
        switch try StaffCredentials(ctx: ctx).check(email: form.values["email"] ?? "", password: submitted["password"] ?? "") {
        case .throttled(let seconds):
            return throttled(form, ctx, seconds)
        case .failure:
            ctx.logger.notice("staff login failed")
            form.fail("email", "staff.login.failed")
            return render(form, ctx, status: 422)
        case .success(let account):
            try ctx.db.transaction { tx in
                try StaffAccounts.recordSuccess(id: account.id, db: tx)
                try AuthEvents.record(
                    "login_succeeded", staff: account.id, by: .staff(account.id),
                    address: ctx.request.remoteAddress, db: tx)
            }
            try ctx.signIn(.staff, id: account.id)
            ctx.logger.info("staff \(account.id) logged in")
            return .redirect(to: safeNext(submitted["next"]) ?? "/espace")
        }
    }

    // MARK: unlock with the code e-mailed at the lock

    static func unlockForm() -> FormView {
        FormView([
            .init(name: "email", labelKey: "staff.login.email", type: "email", autocomplete: "email"),
            .init(
                name: "code", labelKey: "staff.unlock.code", autocomplete: "off", hintKey: "staff.unlock.code_hint",
                keepValue: false),
        ])
    }

    static func showUnlock(_ ctx: RequestContext) throws -> Response {
        ctx.page("staff/unlock", title: "staff.unlock.title", unlockForm().context(ctx))
    }

    /// The same answer for a wrong code, an unknown address or an account without a code.
    static func submitUnlock(_ ctx: RequestContext) throws -> Response {
        var form = unlockForm()
        let submitted = try ctx.form()
        form.read(submitted)
        guard form.isValid else { return ctx.page("staff/unlock", title: "staff.unlock.title", form.context(ctx), status: 422) }
        let address = ctx.request.remoteAddress
        if case .wait(let seconds) = try AddressThrottle.decision(scope: "staff-unlock", address: address, db: ctx.db) {
            return ctx.throttledPage("staff/unlock", title: "staff.unlock.title", form, field: "email", seconds: seconds)
        }
        guard try StaffCredentials(ctx: ctx).unlock(email: form.values["email"] ?? "", code: submitted["code"] ?? "") else {
            try AddressThrottle.recordFailure(scope: "staff-unlock", address: address, db: ctx.db)
            form.fail("code", "staff.unlock.failed")
            return ctx.page("staff/unlock", title: "staff.unlock.title", form.context(ctx), status: 422)
        }
        return .redirect(to: "/connexion?notice=unlocked")
    }

    static func logout(_ ctx: RequestContext) throws -> Response {
        try ctx.signOut()
        return .redirect(to: "/?notice=logged_out")
    }

    /// The tools each role has, in the order people use them.
    static func menu(for role: Role) -> [(href: String, key: String)] {
        switch role {
        case .administrator:
            [
                ("/admin/personnel", "admin.personnel.title"), ("/admin/messages", "admin.messages.title"),
                ("/admin/journal", "admin.journal.title"),
            ]
        case .spadaStaff:
            [
                ("/pro/suivi", "pro.follow.title"), ("/pro/inscriptions/nouvelle", "pro.enrol.title"),
                ("/pro/inscriptions", "pro.enrol.list_title"), ("/pro/demandes-titre", "pro.anef.title"),
            ]
        case .gudaAgent: [("/agents/guda", "guda.queue_title")]
        case .ofpraAgent:
            [
                ("/agents/ofpra/personnes", "ofpra.search_title"), ("/agents/ofpra/espaces", "ofpra.spaces_title"),
                ("/agents/ofpra/renonciations", "optout.ofpra.queue_title"), ("/agents/ofpra/courrier", "postal.title"),
            ]
        case .cadaStaff, .hudaStaff: [("/pro/suivi", "pro.follow.title"), ("/pro/demandes-titre", "pro.anef.title")]
        case .ofiiAgent: [("/agents/ofii/renonciations", "optout.ofii.queue_title")]
        case .prefectureInstructor: [("/agents/prefecture", "prefecture.queue.title")]
        }
    }

    static func staffHome(_ ctx: StaffContext) throws -> Response {
        let links = menu(for: ctx.staff.role).map { ["href": $0.href, "label": ctx.text($0.key)] }
        return ctx.page("staff/home", title: "staff.home.title", ["menu": links])
    }

    static func throttled(_ form: FormView, _ ctx: RequestContext, _ seconds: Int) -> Response {
        var f = form
        f.fail("email", "usager.throttled")
        var r = render(f, ctx, status: 429, wait: ctx.waitMessage(seconds: seconds))
        r.setHeader(.retryAfter, String(seconds))
        return r
    }

    static func render(_ form: FormView, _ ctx: RequestContext, status: Int = 200, wait: String? = nil) -> Response {
        var data = form.context(ctx)
        if let next = safeNext(ctx.request.query["next"] ?? (try? ctx.form())?["next"]) { data["next"] = next }
        if let wait { data["wait"] = wait }
        return ctx.page("staff/login", title: "staff.login.title", data, status: status)
    }

    /// Only a path of this site may follow login (no open redirect): "/" then a character that
    /// is neither "/" nor "\\" (both make browsers leave the site), and no control character or
    /// backslash anywhere (browsers drop tabs and newlines: "/\t/evil.example" is "//evil.example").
    static func safeNext(_ value: String?) -> String? {
        guard let v = value else { return nil }
        let scalars = Array(v.unicodeScalars)
        guard scalars.count >= 2, scalars[0] == "/", scalars[1] != "/" else { return nil }
        let refused: Set<Unicode.GeneralCategory> = [.control, .format, .lineSeparator, .paragraphSeparator]
        guard !scalars.contains(where: { $0 == "\\" || refused.contains($0.properties.generalCategory) }) else { return nil }
        // It becomes a Location header, which refuses (500) what HTTP cannot carry: a trailing space.
        return HTTPField.isValidValue(v) ? v : nil
    }
}
