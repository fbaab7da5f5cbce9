import Domain
import Foundation
import HTTP
import Security

/// Staff (professionals and agents) log in with e-mail and password.
enum StaffAuthRoutes {
    static func register(_ routes: inout Routes) {
        routes.add("GET", "/connexion", showLogin)
        routes.add("POST", "/connexion", submitLogin)
        routes.add("POST", "/deconnexion", logout)
        routes.add("GET", "/espace", staffHome)
    }

    static func loginForm() -> FormView {
        FormView([
            .init(name: "email", labelKey: "staff.login.email", type: "email", autocomplete: "username"),
            .init(name: "password", labelKey: "staff.login.password", type: "password",
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
        let email = form.values["email"] ?? ""
        let password = submitted["password"] ?? ""
        let address = ctx.request.remoteAddress
        if case .wait(let seconds) = try AddressThrottle.decision(scope: "staff-login", address: address, db: ctx.db) {
            return throttled(form, ctx, seconds)
        }
        let found = try StaffAccounts.credentials(email: email, db: ctx.db)
        if let found {
            switch ThrottlePolicy(delayFrom: 5, lockAt: 10, maximumDelay: 300, memory: 1e9).decision(consecutiveFailures: found.failedLogins, lastFailureAt: found.lastFailedAt, now: Date()) {
            case .wait(let seconds): return throttled(form, ctx, seconds)
            case .locked, .allowed: break
            }
        }
        // Unknown e-mails verify against a decoy hash: same time, same message. A locked
        // account gets the same answer too; an administrator unlocks it with a new password.
        let ok = SecretWork.verify(password, hash: found?.passwordHash ?? PasswordHasher.decoyHash)
            && found != nil && found?.lockedAt == nil
        guard ok, let account = found?.account else {
            try AddressThrottle.recordFailure(scope: "staff-login", address: address, db: ctx.db)
            if let found {
                try StaffAccounts.recordFailure(id: found.account.id, lockAt: ThrottlePolicy(delayFrom: 5, lockAt: 10, maximumDelay: 300, memory: 1e9).lockAt, db: ctx.db)
                try AuthEvents.record("login_failed", staff: found.account.id, by: .system, address: address, db: ctx.db)
            }
            ctx.logger.notice("staff login failed")
            form.fail("email", "staff.login.failed")
            return render(form, ctx, status: 422)
        }
        try StaffAccounts.recordSuccess(id: account.id, db: ctx.db)
        try AddressThrottle.reset(scope: "staff-login", address: address, db: ctx.db)
        try AuthEvents.record("login_succeeded", staff: account.id, by: .staff(account.id), address: address, db: ctx.db)
        try ctx.signIn(.staff, id: account.id)
        ctx.logger.info("staff \(account.id) logged in")
        return .redirect(to: safeNext(submitted["next"]) ?? "/espace")
    }

    static func logout(_ ctx: RequestContext) throws -> Response {
        try ctx.signOut()
        return .redirect(to: "/?notice=logged_out")
    }

    /// The tools each role has, in the order people use them.
    static func menu(for role: Role) -> [(href: String, key: String)] {
        switch role {
        case .administrator: [("/admin/personnel", "admin.personnel.title"), ("/admin/messages", "admin.messages.title"),
                              ("/admin/journal", "admin.journal.title")]
        case .spadaStaff: [("/pro/suivi", "pro.follow.title"), ("/pro/inscriptions/nouvelle", "pro.enrol.title"),
                           ("/pro/inscriptions", "pro.enrol.list_title")]
        case .gudaAgent: [("/agents/guda", "guda.queue_title")]
        case .ofpraAgent: [("/agents/ofpra/personnes", "ofpra.search_title"), ("/agents/ofpra/espaces", "ofpra.spaces_title"),
                           ("/agents/ofpra/renonciations", "optout.ofpra.queue_title"), ("/agents/ofpra/courrier", "postal.title")]
        case .cadaStaff, .hudaStaff: [("/pro/suivi", "pro.follow.title")]
        case .ofiiAgent: [("/agents/ofii/renonciations", "optout.ofii.queue_title")]
        case .prefectureInstructor: []
        }
    }

    static func staffHome(_ ctx: RequestContext) throws -> Response {
        let links = menu(for: ctx.staff!.role).map { ["href": $0.href, "label": ctx.text($0.key)] }
        return ctx.page("staff/home", title: "staff.home.title", ["menu": links])
    }

    static func throttled(_ form: FormView, _ ctx: RequestContext, _ seconds: Int) -> Response {
        var f = form
        f.fail("email", "usager.throttled")
        var r = render(f, ctx, status: 429, wait: ctx.waitMessage(seconds: seconds))
        r.setHeader("Retry-After", String(seconds))
        return r
    }

    static func render(_ form: FormView, _ ctx: RequestContext, status: Int = 200, wait: String? = nil) -> Response {
        var data = form.context(ctx)
        if let next = safeNext(ctx.request.query["next"] ?? (try? ctx.form())?["next"]) { data["next"] = next }
        if let wait { data["wait"] = wait }
        return ctx.page("staff/login", title: "staff.login.title", data, status: status)
    }

    /// Only a local path may follow login: never another site (open redirect).
    static func safeNext(_ value: String?) -> String? {
        guard let v = value, v.hasPrefix("/"), !v.hasPrefix("//"), !v.contains("\\"), !v.contains("\n") else { return nil }
        return v
    }
}
