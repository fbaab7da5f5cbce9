import Domain
import Foundation
import Logging
import Outbox
import Postgres
import Security
import XCTest

@testable import HTTP
@testable import Web

/// Drives the app's request pipeline like a browser: keeps cookies, fills CSRF tokens.
/// Each instance has its own client address, so throttles of one test do not leak into another.
final class Browser {
    let handler: AppHandler
    let app: App
    var cookies: [String: String] = [:]
    let address = "10.\(Int.random(in: 0...255)).\(Int.random(in: 0...255)).\(Int.random(in: 1...254))"

    init(app: App) {
        self.app = app
        handler = app.makeHandler()
    }

    @discardableResult
    func get(_ pathAndQuery: String) throws -> Response {
        let parts = pathAndQuery.split(separator: "?", maxSplits: 1).map(String.init)
        let r = handler.handle(
            Request(
                method: .get, path: parts[0],
                query: try FormData.parseURLEncoded(parts.count > 1 ? parts[1] : ""),
                cookies: cookies, remoteAddress: address))
        absorb(r)
        return r
    }

    @discardableResult
    func post(_ path: String, _ fields: [String: String]) -> Response {
        let csrf = app.csrf.token(bindingTo: cookies["session"] ?? cookies["csrf"] ?? "")
        var all = fields
        all["_csrf"] = csrf
        let body = all.map { "\(FormData.percentEncode($0.key))=\(FormData.percentEncode($0.value))" }.joined(separator: "&")
        let r = handler.handle(
            Request(
                method: .post, path: path, headers: [.contentType: "application/x-www-form-urlencoded"],
                cookies: cookies, body: Array(body.utf8), remoteAddress: address))
        absorb(r)
        return r
    }

    private func absorb(_ r: Response) {
        for c in r.cookies {
            if c.maxAge == 0 { cookies[c.name] = nil } else { cookies[c.name] = c.value }
        }
    }
}

extension Response {
    var html: String { String(decoding: body, as: UTF8.self) }
    var location: String? { header("Location") }
}

/// Mustache escapes quotes and apostrophes: compare catalogue text the way it appears in HTML.
func escapedHTML(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "'", with: "&#39;")
        .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "<", with: "&lt;")
}

/// Integration tests get the app and a database connection, and give the connection back
/// after each test (XCTest keeps every test instance until the end of the run).
class IntegrationTestCase: XCTestCase {
    var app: App!
    var db: PGConnection!

    override func setUpWithError() throws {
        (app, db) = try Fixtures.app()
    }

    override func tearDown() {
        db?.close()
        app = nil
        db = nil
    }
}

enum Fixtures {
    static func app(logger: Logger = Logger(label: "app")) throws -> (App, PGConnection) {
        let db = try TestDatabase.connect()
        let config = Config(
            databaseURL: TestDatabase.conninfo!, socketPath: "/dev/null", threads: 1,
            root: TestDatabase.root, secret: Array(repeating: 5, count: 32), environment: .test,
            spoolDirectory: NSTemporaryDirectory(), maxBodyBytes: 1 << 20)
        return (try App(config: config, logger: logger), db)
    }

    static func structure(_ db: PGConnection) throws -> Structure {
        try Structures.upsert(kind: .spada, name: "SPADA Test", city: "Rennes", gudaSite: "rennes", db: db)
    }

    /// The GUDA of SPADA Test's site (Rennes).
    static func guda(_ db: PGConnection) throws -> Structure {
        try Structures.upsert(kind: .guda, name: "GUDA Test", city: "Rennes", gudaSite: "rennes", db: db)
    }

    /// A fresh, unique AGDREF number.
    static func agdref() -> String { String(Int.random(in: 2_000_000_000...8_999_999_999)) }

    /// An applicant registered in scope; `open` decides whether OFPRA opened the space.
    static func applicant(
        _ db: PGConnection, open: Bool = true, phone: String? = "+33611111111",
        email: String? = nil
    ) throws -> (Applicant, key: String) {
        let spada = try structure(db)
        let enrolled = try Applicants.enrol(
            .init(
                surname: "Test", givenNames: "Person", birthDate: "1990-01-01",
                nationality: "x", language: "fr", phone: phone, email: email,
                spadaId: spada.id), by: nil, db: db)
        let registered = try Applicants.register(
            id: enrolled.id,
            .init(
                agdref: agdref(), gudaSite: "rennes", registeredOn: "2024-01-10", procedure: "normal", requalifiedOn: nil,
                unaccompaniedMinor: false, overseas: false, eligibility: Applicants.inScope), by: try staff(db, .gudaAgent).id, db: db)!
        if open { _ = try Applicants.openSpace(id: enrolled.id, ofpraNumber: nil, db: db) }
        let key = try KeyIssuer.issue(for: registered, event: "key_issued", by: .system, address: nil, db: db)
        return (try Applicants.find(id: enrolled.id, db: db)!, key)
    }

    static func staff(_ db: PGConnection, _ role: Role, structure: Int64? = nil) throws -> StaffAccount {
        let structureId = try structure ?? (role == .gudaAgent ? guda(db).id : role.isProfessional ? self.structure(db).id : nil)
        return try StaffAccounts.upsert(
            email: EmailAddress("\(role.rawValue)-fixture@test.invalid")!, displayName: "Fixture \(role.rawValue)",
            role: role, structureId: structureId, password: "fixture-password-1",
            hasher: .fastForTests, db: db)
    }

    static func logInStaff(_ browser: Browser, _ role: Role) throws {
        try browser.get("/connexion")
        let r = browser.post("/connexion", ["email": "\(role.rawValue)-fixture@test.invalid", "password": "fixture-password-1"])
        XCTAssertEqual(r.status, 303, r.html)
    }
}

/// What the worker delivered, read from its spool folder (ASYLUM_SPOOL_DIR of the running
/// stack), the way a person reads the SMS: secrets are stripped from the outbox row once sent.
enum Delivered {
    static func text(to recipient: String, matching pattern: String, timeout: TimeInterval = 20) throws -> String {
        guard let dir = ProcessInfo.processInfo.environment["ASYLUM_SPOOL_DIR"] else {
            throw MissingTestEnvironment(variable: "ASYLUM_SPOOL_DIR")
        }
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            for entry in SpoolReader(directory: dir).list(limit: 500) where entry.recipient == recipient {
                if let r = entry.text.range(of: pattern, options: .regularExpression) { return String(entry.text[r]) }
            }
            Thread.sleep(forTimeInterval: 0.2)
        } while Date() < deadline
        XCTFail("no message to \(recipient) matching \(pattern) within \(timeout) s")
        return ""
    }

    static let keyPattern = #"[0-9CDFHKMNPRTVWXY]{4}-[0-9CDFHKMNPRTVWXY]{4}-[0-9CDFHKMNPRTVWXY]{4}-[0-9CDFHKMNPRTVWXY]{4}"#
}
