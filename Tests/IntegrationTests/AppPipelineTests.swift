import Domain
import Foundation
import I18n
import Postgres
import Security
import XCTest

@testable import HTTP
@testable import Web

/// The request pipeline (session, CSRF, cookies, errors) against the real database,
/// without nginx: what a browser would get back for a given request.
final class AppPipelineTests: XCTestCase {
    var app: App!
    var handler: AppHandler!
    var db: PGConnection!

    override func setUpWithError() throws {
        db = try TestDatabase.connect()
        let config = Config(
            databaseURL: TestDatabase.conninfo!, socketPath: "/dev/null", threads: 1,
            root: TestDatabase.root, secret: Array(repeating: 3, count: 32), environment: .test,
            spoolDirectory: NSTemporaryDirectory(), maxBodyBytes: 1 << 20)
        app = try App(config: config)
        handler = app.makeHandler()
        try StaffAccounts.upsert(
            email: EmailAddress("pipeline@test.invalid")!, displayName: "Pipeline Tester",
            role: .ofpraAgent, password: "pipeline-password-1", hasher: .fastForTests, db: db)
    }

    /// XCTest keeps every test instance until the end: release the connections now.
    override func tearDown() {
        db?.close()
        handler = nil
        app = nil
        db = nil
    }

    func get(_ path: String, cookies: [String: String] = [:], secure: Bool = false, query: String = "") throws -> Response {
        handler.handle(
            Request(
                method: .get, path: path, query: try FormData.parseURLEncoded(query),
                cookies: cookies, isSecure: secure))
    }

    func post(_ path: String, _ body: String, cookies: [String: String], secure: Bool = false) -> Response {
        handler.handle(
            Request(
                method: .post, path: path,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                cookies: cookies, body: Array(body.utf8), isSecure: secure))
    }

    func html(_ r: Response) -> String { String(decoding: r.body, as: UTF8.self) }

    /// A catalogue message as it appears in the HTML (Mustache escapes quotes and apostrophes).
    func escaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "'", with: "&#39;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "<", with: "&lt;")
    }

    func cookie(_ r: Response, _ name: String) -> Cookie? { r.cookies.last { $0.name == name } }

    /// Logs in through the form the way a browser does; returns the session cookie value.
    func logIn(secure: Bool = false) throws -> (String, String) {
        let names = CookieNames(secure: secure)
        let page = try get("/connexion", secure: secure)
        let csrfCookie = try XCTUnwrap(cookie(page, names.csrf)).value
        let token = app.csrf.token(bindingTo: csrfCookie)
        let r = post(
            "/connexion", "_csrf=\(token)&email=pipeline%40test.invalid&password=pipeline-password-1",
            cookies: [names.csrf: csrfCookie], secure: secure)
        XCTAssertEqual(r.status, 303, html(r))
        return (try XCTUnwrap(cookie(r, names.session)).value, csrfCookie)
    }

    func testPostWithoutCSRFTokenIsRefusedWithATranslatedPage() throws {
        let r = post("/connexion", "email=a%40b.c&password=x", cookies: ["csrf": SecureRandom.token(), "lang": "en"])
        XCTAssertEqual(r.status, 403)
        XCTAssertTrue(html(r).contains(escaped(app.catalogues[.english].text("errors.403.title"))))
    }

    func testUnknownPathIsATranslatedNotFoundPage() throws {
        let r = try get("/nowhere", query: "lang=ar")
        XCTAssertEqual(r.status, 404)
        XCTAssertTrue(html(r).contains("dir=\"rtl\""))
        XCTAssertTrue(html(r).contains(escaped(app.catalogues[.arabic].text("errors.404.title"))))
    }

    func testLoginRotatesTheSessionAndSetsSafeCookies() throws {
        let (first, _) = try logIn()
        let (second, _) = try logIn()
        XCTAssertNotEqual(first, second)
        let home = try get("/espace", cookies: ["session": second])
        XCTAssertEqual(home.status, 200)
        XCTAssertTrue(html(home).contains("Pipeline Tester"))
        XCTAssertEqual(home.header("Cache-Control"), "no-store")
    }

    func testOverTLSCookiesUseTheHostPrefixAndSecure() throws {
        let (token, _) = try logIn(secure: true)
        let r = try get("/espace", cookies: ["__Host-session": token], secure: true)
        XCTAssertEqual(r.status, 200)
        let page = try get("/connexion", secure: true)
        let c = try XCTUnwrap(cookie(page, "__Host-csrf"))
        XCTAssertTrue(c.secure && c.httpOnly)
        XCTAssertTrue(c.headerValue.contains("Path=/"))
        XCTAssertFalse(c.headerValue.contains("Domain"))
    }

    func testSessionStoredOnlyAsAHash() throws {
        let (token, _) = try logIn()
        let raw = try db.query("SELECT count(*) AS c FROM sessions WHERE token_hash = $1", [PGBytes(Array(token.utf8))])
        XCTAssertEqual(try raw.first?.get("c", as: Int.self), 0)
        let hashed = try db.query("SELECT count(*) AS c FROM sessions WHERE token_hash = $1", [PGBytes(Digest.sha256(token))])
        XCTAssertEqual(try hashed.first?.get("c", as: Int.self), 1)
    }

    func testIdleSessionExpires() throws {
        let (token, _) = try logIn()
        try db.query(
            "UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE token_hash = $1",
            [PGBytes(Digest.sha256(token))])
        let r = try get("/espace", cookies: ["session": token])
        XCTAssertEqual(r.status, 303)
        XCTAssertEqual(r.header("Location"), "/connexion?next=/espace")
    }

    func testAbsoluteSessionLifetimeEnds() throws {
        let (token, _) = try logIn()
        try db.query(
            "UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1",
            [PGBytes(Digest.sha256(token))])
        XCTAssertEqual(try get("/espace", cookies: ["session": token]).status, 303)
    }

    func testLogoutEndsTheSession() throws {
        let (token, _) = try logIn()
        let r = post("/deconnexion", "_csrf=\(app.csrf.token(bindingTo: token))", cookies: ["session": token])
        XCTAssertEqual(r.status, 303)
        XCTAssertEqual(try get("/espace", cookies: ["session": token]).status, 303)
    }

    func testWrongPasswordAndUnknownEmailGiveTheSameAnswer() throws {
        let csrfCookie = app.csrf.issueCookie()  // a cookie the server issued (forged ones are replaced)
        let token = app.csrf.token(bindingTo: csrfCookie)
        let wrong = post(
            "/connexion", "_csrf=\(token)&email=pipeline%40test.invalid&password=nope-nope-nope",
            cookies: ["csrf": csrfCookie])
        let unknown = post(
            "/connexion", "_csrf=\(token)&email=nobody%40test.invalid&password=nope-nope-nope",
            cookies: ["csrf": csrfCookie])
        XCTAssertEqual(wrong.status, 422)
        XCTAssertEqual(unknown.status, 422)
        let message = escaped(app.catalogues[.french].text("staff.login.failed"))
        XCTAssertTrue(html(wrong).contains(message))
        XCTAssertTrue(html(unknown).contains(message))
        XCTAssertNil(cookie(wrong, "session"))
    }

    func testLoginRedirectsOnlyToLocalPaths() {
        XCTAssertEqual(StaffAuthRoutes.safeNext("/espace"), "/espace")
        XCTAssertNil(StaffAuthRoutes.safeNext("//evil.example"))
        XCTAssertNil(StaffAuthRoutes.safeNext("https://evil.example"))
        XCTAssertNil(StaffAuthRoutes.safeNext("/\\evil.example"))
        // A Location header refuses a trailing space (a 500): such a `next` is ignored instead.
        XCTAssertNil(StaffAuthRoutes.safeNext("/espace "))
        XCTAssertNil(StaffAuthRoutes.safeNext("/espace\t"))
    }

    func testBodyErrorsFoundBeforeRoutingAreRenderedPages() {
        let r = handler.handleError(.payloadTooLarge, for: Request(method: .post, path: "/connexion", cookies: ["lang": "en"]))
        XCTAssertEqual(r.status, 413)
        XCTAssertTrue(html(r).contains(escaped(app.catalogues[.english].text("errors.413.title"))))
    }

    func testMalformedFormIsA400NotA500() {
        let r = post("/connexion", "_csrf=%ZZ", cookies: ["csrf": SecureRandom.token()])
        XCTAssertEqual(r.status, 400)
    }

    func testDatabaseOutageIsA503Page() throws {
        let config = Config(
            databaseURL: "host=/nonexistent port=1 dbname=x connect_timeout=1", socketPath: "/dev/null",
            threads: 1, root: TestDatabase.root, secret: Array(repeating: 3, count: 32),
            environment: .test, spoolDirectory: NSTemporaryDirectory(), maxBodyBytes: 1 << 20)
        let down = try App(config: config).makeHandler()
        let r = down.handle(Request(method: .get, path: "/healthz"))
        XCTAssertEqual(r.status, 503)
        XCTAssertEqual(r.header("Retry-After"), "30")
        XCTAssertTrue(html(r).contains(escaped(app.catalogues[.french].text("errors.503.title"))))
        // Pages that need no database still work.
        XCTAssertEqual(down.handle(Request(method: .get, path: "/")).status, 200)
    }
}
