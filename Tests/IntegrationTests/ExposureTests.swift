import Domain
import Foundation
import Outbox
import Postgres
import Security
import XCTest

@testable import HTTP
@testable import Web

/// Issue 9, defect 4: keys, codes and contact details never reach a page open to the public,
/// and the demo message viewer is opt-in and for administrators only.
final class ExposureTests: IntegrationTestCase {
    /// The app as `make run` starts it: demo viewer on, reading the stack's real spool folder.
    func demoApp(demoMessages: Bool = true) throws -> App {
        var config = app.config
        config.demoMessages = demoMessages
        if let spool = ProcessInfo.processInfo.environment["ASYLUM_SPOOL_DIR"] { config.spoolDirectory = spool }
        return try App(config: config)
    }

    func session(_ b: Browser, _ subject: Session.Subject, _ id: Int64) throws {
        b.cookies["session"] = try b.app.sessions.start(subject: subject, id: id, replacing: nil, db: db).token
    }

    func testNoAnonymousPageShowsAKeyACodeOrSomeonesContactDetails() throws {
        let demo = try demoApp()
        let phone = "+3361\(Int.random(in: 1_000_000...9_999_999))"
        let (person, _) = try Fixtures.applicant(db, phone: phone)
        let document = try DocumentDeposit.deposit(
            .convocationCancellation, pdf: Array("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".utf8),
            interview: nil, for: person, by: nil, db: db
        ).document

        // An attacker asks for a new key; the applicant changes their phone and e-mail.
        let attacker = Browser(app: demo)
        try attacker.get("/usager/cle-perdue")
        let lostKeyAnswer = attacker.post("/usager/cle-perdue", ["identifier": person.agdref!])
        XCTAssertEqual(lostKeyAnswer.status, 200)
        let me = Browser(app: demo)
        try session(me, .applicant, person.id)
        let newPhone = "+3367\(Int.random(in: 1_000_000...9_999_999))"
        let newEmail = "exposure-\(Int.random(in: 1...999_999_999))@example.org"
        XCTAssertEqual(me.post("/usager/coordonnees/telephone", ["phone": newPhone]).status, 303)
        XCTAssertEqual(me.post("/usager/coordonnees/email", ["email": newEmail]).status, 303)

        // Wait until the worker delivered all three, as the demo viewer would show them.
        let key = try Delivered.text(to: phone, matching: Delivered.keyPattern)
        let smsCode = try Delivered.text(to: newPhone, matching: #"\b[0-9]{6}\b"#)
        let mailCode = try Delivered.text(to: newEmail, matching: #"\b[0-9]{6}\b"#)
        let secrets = [
            key, key.replacingOccurrences(of: "-", with: ""), smsCode, mailCode, phone, newPhone, newEmail,
            String(phone.dropFirst(3)), String(newPhone.dropFirst(3)),
        ]

        for secret in secrets {
            XCTAssertFalse(lostKeyAnswer.html.contains(secret), "the lost-key answer shows \(secret)")
        }

        // Every page of the matrix a logged-out visitor may GET (and the document URLs they probe).
        let visitor = Browser(app: demo)
        var fetched = 0
        for (method, pattern, route) in demo.routes.all where method == .get {
            guard route.access == .anyone || route.access == .documentOwner else { continue }
            let path = pattern.replacingOccurrences(of: ":id", with: document.publicId.uuidString.lowercased())
            for query in ["", "?lang=en", "?notice=logged_out"] {
                let r = try visitor.get(path + query)
                XCTAssertLessThan(r.status.code, 500, path)
                for secret in secrets {
                    XCTAssertFalse(r.html.contains(secret), "\(path)\(query) shows \(secret) to a logged-out visitor")
                }
                fetched += 1
            }
        }
        XCTAssertGreaterThan(fetched, 30, "the walk covered the public pages")
    }

    func testTheHomePageDoesNotReadTheSpoolFolder() throws {
        let spool = NSTemporaryDirectory() + "exposure-spool-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: spool) }
        var config = app.config
        config.spoolDirectory = spool
        config.demoMessages = true
        let demo = try App(config: config)
        // A spooled e-mail in the folder's own format (what the worker writes).
        let mail =
            "To: victim@example.org\r\nSubject: Votre clef\r\nDate: Wed, 02 Dec 2026 00:00:00 +0000\r\n\r\nClef: SECRET-MARKER-4242\r\n"
        try mail.write(toFile: spool + "/20261202T000000.000000Z-1.eml", atomically: true, encoding: .utf8)
        XCTAssertFalse(SpoolReader(directory: spool).list(limit: 5).isEmpty, "the fixture is a readable spool entry")
        let home = try Browser(app: demo).get("/")
        XCTAssertEqual(home.status, 200)
        XCTAssertFalse(home.html.contains("SECRET-MARKER-4242"))
        XCTAssertFalse(home.html.contains("victim@example.org"))
    }

    func testTheDemoViewerIsForALoggedInAdministratorAndOnlyWhenTurnedOn() throws {
        let demo = try demoApp()
        // Logged out: sent to the staff login, nothing shown.
        let anonymous = try Browser(app: demo).get("/demo/messages")
        XCTAssertEqual(anonymous.status, 303)
        XCTAssertTrue(anonymous.location?.hasPrefix("/connexion?") ?? false, anonymous.location ?? "")
        // Other staff: refused.
        let ofpra = Browser(app: demo)
        try session(ofpra, .staff, try Fixtures.staff(db, .ofpraAgent).id)
        XCTAssertEqual(try ofpra.get("/demo/messages").status, 403)
        let applicant = Browser(app: demo)
        try session(applicant, .applicant, try Fixtures.applicant(db).0.id)
        XCTAssertNotEqual(try applicant.get("/demo/messages").status, 200)
        // The administrator sees it.
        let admin = Browser(app: demo)
        try session(admin, .staff, try Fixtures.staff(db, .administrator).id)
        XCTAssertEqual(try admin.get("/demo/messages").status, 200)
        // Not turned on (the default): not found, even for the administrator.
        let off = Browser(app: try demoApp(demoMessages: false))
        try session(off, .staff, try Fixtures.staff(db, .administrator).id)
        XCTAssertEqual(try off.get("/demo/messages").status, 404)
    }
}
