import Domain
import Foundation
import HTTP
import Security

/// Staff (professionals and agents) log in with e-mail and password.
enum StaffAuthRoutes {
    static func register(_ routes: inout Routes) {
        routes.add("GET", "/connexion", Route(.anyone, showLogin))
        routes.add("POST", "/connexion", Route(.anyone, submitLogin))
        routes.add("POST", "/deconnexion", Route(.anyone, logout))
        routes.add("GET", "/espace", Route(.anyStaff, staffHome))
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
        let submitted = try ctx.request.form()
        form.read(submitted)
        guard form.isValid else { return render(form, ctx, status: 422) }
        let email = form.values["email"] ?? ""
        let password = submitted["password"] ?? ""
        let found = try StaffAccounts.credentials(email: email, db: ctx.db)
        // Unknown e-mails verify against a decoy hash: same time, same message.
        let ok = PasswordHasher.verify(password, hash: found?.1 ?? PasswordHasher.decoyHash) && found != nil
        guard ok, let account = found?.0 else {
            ctx.logger.notice("staff login failed")
            form.fail("email", "staff.login.failed")
            return render(form, ctx, status: 422)
        }
        try ctx.signIn(.staff, id: account.id)
        ctx.logger.info("staff \(account.id) logged in")
        return .redirect(to: safeNext(submitted["next"]) ?? "/espace")
    }

    static func logout(_ ctx: RequestContext) throws -> Response {
        try ctx.signOut()
        return .redirect(to: "/?notice=logged_out")
    }

    static func staffHome(_ ctx: RequestContext) throws -> Response {
        ctx.page("staff/home", title: "staff.home.title")
    }

    static func render(_ form: FormView, _ ctx: RequestContext, status: Int = 200) -> Response {
        var data = form.context(ctx)
        if let next = safeNext(ctx.request.query["next"] ?? (try? ctx.request.form())?["next"]) { data["next"] = next }
        return ctx.page("staff/login", title: "staff.login.title", data, status: status)
    }

    /// Only a local path may follow login: never another site (open redirect).
    static func safeNext(_ value: String?) -> String? {
        guard let v = value, v.hasPrefix("/"), !v.hasPrefix("//"), !v.contains("\\"), !v.contains("\n") else { return nil }
        return v
    }
}
