import Foundation
import HTTP
import I18n
import Logging
import Postgres

/// The per-thread request pipeline: language → route → session → CSRF → access → handler,
/// then the headers every answer carries. Every failure ends as a translated page.
public final class AppHandler: RequestHandler {
    let app: App
    let db: PGConnection

    init(app: App, db: PGConnection) {
        self.app = app
        self.db = db
    }

    public func handle(_ request: Request) -> Response {
        let ctx = RequestContext(request: request, app: app, db: db, language: chooseLanguage(request))
        var response: Response
        do {
            response = try route(ctx)
        } catch let error as HTTPError {
            if error.status >= 500 { ctx.logger.error("\(error.status): \(error.reason)") }
            response = ctx.errorPage(error.status)
        } catch let error as PGError where error.isUnstorableText {
            // The HTTP layer refuses NULs and invalid UTF-8 first; this is the belt to its braces.
            ctx.logger.warning("refused text: \(error.message)")
            response = ctx.errorPage(400)
        } catch let error as PGError where error.isConnectionFailure {
            ctx.logger.error("database unavailable: \(error.message)")
            response = ctx.errorPage(503)
            response.setHeader(.retryAfter, "30")
        } catch {
            ctx.logger.error("unhandled error: \(error)")
            response = ctx.errorPage(500)
        }
        return finish(response, ctx)
    }

    public func handleError(_ error: HTTPError, for request: Request) -> Response {
        let ctx = RequestContext(request: request, app: app, db: db, language: chooseLanguage(request))
        return finish(ctx.errorPage(error.status), ctx)
    }

    private func route(_ ctx: RequestContext) throws -> Response {
        let route: Route
        switch app.routes.match(method: ctx.request.method, path: ctx.request.path) {
        case .notFound:
            throw HTTPError.notFound
        case .methodNotAllowed(let allowed):
            var r = ctx.errorPage(405)
            r.setHeader(.allow, allowed.map(\.rawValue).joined(separator: ", "))
            return r
        case .found(let r, let params):
            route = r
            ctx.request.pathParameters = params
        }
        try loadSession(ctx)
        // A provider's callback has no browser, hence no CSRF token: its bearer token stands in.
        if !ctx.request.isSafeMethod, route.access != .providerCallback {
            let submitted = try ctx.form()[CSRF.fieldName]
            guard app.csrf.isValid(submitted, bindingTo: ctx.csrfBinding) else {
                throw HTTPError(403, "missing or invalid CSRF token")
            }
        }
        if let denied = Authorization.check(route.access, ctx) { return denied }
        return try route.handler(ctx)
    }

    /// Reads the session cookie; an expired or unknown token is simply dropped.
    private func loadSession(_ ctx: RequestContext) throws {
        guard let token = ctx.request.cookies[ctx.cookieNames.session], !token.isEmpty else { return }
        if let session = try app.sessions.find(token: token, db: db) {
            ctx.session = session
            ctx.csrfBinding = session.token
            switch session.subject {
            case .staff: ctx.staff = try StaffAccounts.find(id: session.subjectId, db: db)
            // Only an open space makes a logged-in applicant (belt and braces for every way in),
            // or a closed one still readable, marked so: `.applicant` routes then refuse it.
            case .applicant:
                if let person = try Applicants.find(id: session.subjectId, db: db), person.spaceAvailableAt != nil {
                    switch try ClosedSpaces.access(person, ctx) {
                    case .open: ctx.applicant = person
                    case .readOnly(let until): (ctx.applicant, ctx.applicantReadOnlyUntil) = (person, until)
                    case .ended: break
                    }
                }
            case .activation: ctx.activatingApplicantId = session.subjectId
            // Only a finished sign-up (both contacts proven) makes a logged-in ANEF account.
            case .anef: ctx.anefAccount = try AnefAccounts.find(id: session.subjectId, db: db).flatMap { $0.isOpen ? $0 : nil }
            }
        } else {
            ctx.pendingCookies.append(.expired(ctx.cookieNames.session, secure: ctx.request.isSecure))
        }
    }

    /// `?lang=` (remembered in a cookie), then the cookie, then Accept-Language, then French.
    private func chooseLanguage(_ request: Request) -> Language {
        if let code = request.query["lang"], let lang = Language.named(code) { return lang }
        if let code = request.cookies["lang"], let lang = Language.named(code) { return lang }
        return Language.negotiate(acceptLanguage: request.header(.acceptLanguage) ?? "") ?? .french
    }

    /// Headers and cookies every dynamic answer carries.
    func finish(_ response: Response, _ ctx: RequestContext) -> Response {
        var r = response
        if let refusal = r.refusal {
            // A header the handler built from bad text: said loudly, never sent altered.
            ctx.logger.error("500: \(refusal) (\(ctx.request.method.rawValue) \(ctx.request.loggablePath))")
            r = ctx.errorPage(500)
        }
        r.cookies.append(contentsOf: ctx.pendingCookies)
        if let fresh = ctx.newCSRFCookie {
            // First visit: the pre-login binding the page's tokens were made with.
            r.cookies.append(Cookie(name: ctx.cookieNames.csrf, value: fresh, secure: ctx.request.isSecure))
        }
        if let code = ctx.request.query["lang"], let chosen = Language.named(code) {
            // A session cookie: on a shared kiosk the next person starts from their own
            // browser's language, not the last reader's.
            var c = Cookie(name: ctx.cookieNames.language, value: chosen.code, secure: ctx.request.isSecure)
            c.httpOnly = true
            r.cookies.append(c)
        }
        r.defaultHeader(
            .contentSecurityPolicy,
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'")
        r.defaultHeader(.xContentTypeOptions, "nosniff")
        r.defaultHeader(.referrerPolicy, "no-referrer")
        r.defaultHeader(.xFrameOptions, "DENY")
        r.defaultHeader(.permissionsPolicy, "camera=(), microphone=(), geolocation=()")
        // Pages may show personal data and are read on shared kiosks: never cached.
        r.defaultHeader(.cacheControl, "no-store")
        r.defaultHeader(.contentLanguage, ctx.language.code)
        r.defaultHeader(.vary, "Cookie, Accept-Language")
        return r
    }
}

extension HTTPField.Name {
    // Security headers swift-http-types does not name.
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let permissionsPolicy = HTTPField.Name("Permissions-Policy")!
}
