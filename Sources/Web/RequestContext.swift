import Domain
import Foundation
import HTTP
import I18n
import Logging
import Postgres
import Security

/// Everything a handler needs for one request: the request, the database connection of this
/// thread, the visitor's language, session and CSRF token, and helpers to answer.
public final class RequestContext {
    public internal(set) var request: Request
    public let app: App
    public let db: PGConnection
    public let language: Language
    public let catalogue: Catalogue
    public let cookieNames: CookieNames
    public var session: Session?
    public var staff: StaffAccount?
    /// The logged-in applicant (session subject `applicant`).
    public var applicant: Applicant?
    /// Set when that applicant's space is closed but still readable (`ClosedSpaceAccess`):
    /// the last day they may read it. Only `.applicantReadOnly` routes let them through.
    public var applicantReadOnlyUntil: CivilDate?
    /// The logged-in ANEF account (session subject `anef`, sign-up finished).
    public var anefAccount: AnefAccount?
    /// The applicant who proved their key and must choose a password (subject `activation`).
    public var activatingApplicantId: Int64?
    /// Cookies to add to whatever response the handler returns.
    var pendingCookies: [Cookie] = []
    /// What the CSRF token is bound to: the session token, else the pre-login cookie.
    var csrfBinding: String
    /// Set when the browser had no pre-login CSRF cookie yet: sent with the response.
    let newCSRFCookie: String?
    /// Now for legal rules (notification, deadlines): read once, so one page tells one time.
    /// The test clock moves it in the test environment; sessions and throttles keep real time.
    public let now: Date

    init(request: Request, app: App, db: PGConnection, language: Language) {
        self.request = request
        self.app = app
        self.db = db
        self.language = language
        catalogue = app.catalogues[language]
        cookieNames = CookieNames(secure: request.isSecure)
        now = app.config.legalClock.now()
        // Only a cookie we issued (signed) is adopted; anything else is replaced.
        if let existing = request.cookies[cookieNames.csrf], app.csrf.isIssued(existing) {
            csrfBinding = existing
            newCSRFCookie = nil
        } else {
            csrfBinding = app.csrf.issueCookie()
            newCSRFCookie = csrfBinding
        }
    }

    private var parsedForm: FormData?
    private var parsedParts: [MultipartPart]?

    /// The submitted form, parsed once per request (the CSRF check and the handler share it).
    public func form() throws -> FormData {
        if let parsedForm { return parsedForm }
        let form: FormData
        if request.contentType.lowercased().hasPrefix("multipart/form-data") {
            form = try MultipartParser.fields(of: try multipart())
        } else {
            form = try request.form()
        }
        parsedForm = form
        return form
    }

    /// The parts of a multipart body, parsed once per request.
    public func multipart() throws -> [MultipartPart] {
        if let parsedParts { return parsedParts }
        let parts = try request.multipart()
        parsedParts = parts
        return parts
    }

    /// The multipart parts when the body is multipart, else none (a form whose file is optional
    /// may come url-encoded from a script or an old browser).
    public func optionalParts() throws -> [MultipartPart] {
        request.contentType.lowercased().hasPrefix("multipart/form-data") ? try multipart() : []
    }

    public var logger: Logger {
        var l = app.logger
        l[metadataKey: "request_id"] = .string(request.requestId)
        return l
    }

    public func text(_ key: String, _ args: [String: String] = [:]) -> String {
        catalogue.text(key, args)
    }

    /// The form of `key` for `count` (CLDR plural categories of the page's language).
    public func text(_ key: String, count: Int, _ args: [String: String] = [:]) -> String {
        catalogue.text(key, count: count, args)
    }

    /// "Wait N minutes" for a throttled form, rounded up to whole minutes.
    func waitMessage(seconds: Int) -> String {
        text("usager.wait", count: max(1, (seconds + 59) / 60))
    }

    /// A throttled form, the same for every credential form: the message next to `field`,
    /// "wait N minutes", 429 with Retry-After.
    func throttledPage(_ template: String, title: String, _ form: FormView, field: String, seconds: Int) -> Response {
        var f = form
        f.fail(field, "usager.throttled")
        var data = f.context(self)
        data["wait"] = waitMessage(seconds: seconds)
        var r = page(template, title: title, data, status: 429)
        r.setHeader(.retryAfter, String(seconds))
        return r
    }

    public var csrfToken: String { app.csrf.token(bindingTo: csrfBinding) }

    // MARK: sessions

    /// Logs a subject in on this browser with a fresh session token.
    public func signIn(_ subject: Session.Subject, id: Int64) throws {
        let session = try app.sessions.start(subject: subject, id: id, replacing: session?.token, db: db)
        self.session = session
        csrfBinding = session.token
        pendingCookies.append(Cookie(name: cookieNames.session, value: session.token, secure: request.isSecure))
    }

    public func signOut() throws {
        if let s = session { try app.sessions.end(token: s.token, db: db) }
        session = nil
        staff = nil
        applicant = nil
        activatingApplicantId = nil
        anefAccount = nil
        pendingCookies.append(.expired(cookieNames.session, secure: request.isSecure))
    }

    // MARK: answering

    /// Renders a page inside the layout. `data` holds the page's own values.
    public func page(_ template: String, title titleKey: String, _ data: [String: Any] = [:], status: Int = 200) -> Response {
        let context = data.mapValues(PageValues.normalized).merging(frame(title: titleKey)) { $1 }
        return .html(app.views.render(template, context, language: language), status: status)
    }

    /// Renders a page whose values are a typed model (the applicant space).
    func page(_ template: String, title titleKey: String, _ model: some PageModel, status: Int = 200) -> Response {
        page(template, title: titleKey, [:], over: model, status: status)
    }

    /// Renders a typed model with page-specific values over it (a person's page: the person's
    /// row as the dashboard shows it, plus that page's forms); `data` wins on a shared name.
    func page(_ template: String, title titleKey: String, _ data: [String: Any], over model: some PageModel, status: Int = 200) -> Response
    {
        let frame = data.mapValues(PageValues.normalized).merging(frame(title: titleKey)) { $1 }
        return .html(app.views.render(template, PageContext(frame: frame, model: model), language: language), status: status)
    }

    /// The layout's values: the same names for every page.
    private func frame(title titleKey: String) -> [String: Any] {
        var context: [String: Any] = [:]
        context["title"] = text(titleKey)
        // `lang` and the switcher's entries are compiled into the templates (ViewLibrary); the
        // switcher keeps the page's other query parameters (a login's `next`, a search).
        context["switcherHref"] =
            switcherPath + "?"
            + request.query.pairs.filter { $0.name != "lang" }
            .map { FormData.percentEncode($0.name) + "=" + FormData.percentEncode($0.value) + "&" }.joined()
        context["csrf"] = csrfToken
        context["csrfField"] = CSRF.fieldName
        if let staff {
            context["user"] = ["displayName": staff.displayName, "role": text("roles.\(staff.role.rawValue)")]
        } else if let applicant {
            context["user"] = ["displayName": applicant.fullName, "role": text("roles.applicant")]
        } else if let anefAccount {
            context["user"] = ["displayName": anefAccount.fullName, "role": text("roles.anef")]
        }
        if let notice = request.query["notice"], catalogue.flat["notices.\(notice)"] != nil {
            context["notice"] = text("notices.\(notice)")
        }
        return context
    }

    /// Where the language switcher leads: this page for a GET. A POST's answer (a form with
    /// errors, a refusal) links to the nearest path a GET shows, this one or a parent
    /// (`…/telephone` → `/usager/coordonnees`), else home, never to a 405. Not the Referer:
    /// our Referrer-Policy is no-referrer, so browsers do not send one.
    var switcherPath: String {
        if request.isSafeMethod { return request.linkPath }
        var segments = request.path.split(separator: "/")
        while !segments.isEmpty {
            let candidate = "/" + segments.joined(separator: "/")
            // Encoded like `linkPath`: a segment such as `\evil.example` must stay a path here.
            if case .found = app.routes.match(method: .get, path: candidate) {
                return "/" + FormData.percentEncode(candidate).drop { $0 == "/" }
            }
            segments.removeLast()
        }
        return "/"
    }

    /// The translated error page for `status`.
    public func errorPage(_ status: Int) -> Response {
        let known = [400, 403, 404, 405, 413, 429, 500, 503]
        let key = known.contains(status) ? status : (status >= 500 ? 500 : 400)
        return page(
            "error", title: "errors.\(key).title",
            [
                "status": status,
                "heading": text("errors.\(key).title"),
                "body": text("errors.\(key).body"),
            ], status: status)
    }
}
