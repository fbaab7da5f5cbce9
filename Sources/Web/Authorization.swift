import Domain
import HTTP

/// Applies a route's `access` rule. Returns the answer for a refused visitor, or nil to go on.
enum Authorization {
    static func check(_ access: Route.Access, _ ctx: RequestContext) -> Response? {
        switch access {
        case .anyone, .documentOwner:
            return nil
        case .providerCallback:
            return ReceiptRoutes.isAuthorized(ctx) ? nil : ReceiptRoutes.unauthorized()
        case .testOnly:
            return ctx.app.config.environment == .test ? nil : ctx.errorPage(404)
        case .anyStaff:
            return ctx.staff == nil ? askToLogIn(ctx) : nil
        case .applicant:
            guard ctx.applicant != nil else { return askToLogIn(ctx, at: "/usager/connexion") }
            // A closed space still readable: this route would change something (or is not a reading one).
            return ctx.applicantReadOnlyUntil == nil ? nil : readOnlyRefusal(ctx)
        case .applicantReadOnly:
            return ctx.applicant == nil ? askToLogIn(ctx, at: "/usager/connexion") : nil
        case .anefAccount:
            return ctx.anefAccount == nil ? askToLogIn(ctx, at: "/anef/connexion") : nil
        case .activation:
            return ctx.activatingApplicantId == nil ? askToLogIn(ctx, at: "/usager/activation") : nil
        case .staff(let roles):
            guard let staff = ctx.staff else { return askToLogIn(ctx) }
            if roles.contains(staff.role) { return nil }
            ctx.logger.warning(
                "staff \(staff.id) (\(staff.role.rawValue)) refused \(ctx.request.method.rawValue) \(ctx.request.loggablePath)")
            return ctx.errorPage(403)
        }
    }

    /// The clear page for the owner of a read-only space: what they can still do; nothing changed.
    private static func readOnlyRefusal(_ ctx: RequestContext) -> Response {
        ctx.page(
            "usager/read-only", title: "usager.read_only.title",
            ["until": ctx.applicantReadOnlyUntil.map { VaultText.day($0, ctx) } ?? ""], status: 403)
    }

    /// A logged-out visitor on a GET is sent to the login page; anything else is refused.
    private static func askToLogIn(_ ctx: RequestContext, at loginPath: String = "/connexion") -> Response {
        guard ctx.request.method == .get else { return ctx.errorPage(403) }
        return .redirect(to: loginPath + "?next=" + FormData.percentEncode(ctx.request.path), status: 303)
    }
}
