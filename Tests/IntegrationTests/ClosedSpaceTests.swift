import Domain
import Foundation
import Postgres
import Security
import XCTest

@testable import HTTP
@testable import Web

/// After OFPRA closes a space: read-only for a while (documents, receipts, deadlines), then
/// the closed page; and a document reached logged out leads to the login and back.
final class ClosedSpaceTests: IntegrationTestCase {
    let password = "une phrase assez longue"
    let pdf = Array("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".utf8)

    func fr(_ key: String, _ args: [String: String] = [:]) -> String { escapedHTML(app.catalogues[.french].text(key, args)) }

    /// An open, activated space with one document of `kind`.
    func person(with kind: DocumentKind = .decisionRejection) throws -> (Applicant, DocumentRecord) {
        let (person, _) = try Fixtures.applicant(db)
        try Applicants.setPassword(id: person.id, hash: PasswordHasher.fastForTests.hash(password), db: db)
        let doc = try DocumentDeposit.deposit(kind, pdf: pdf, interview: nil, for: person, by: nil, db: db).document
        return (person, doc)
    }

    func close(_ person: Applicant) throws {
        XCTAssertTrue(try Applicants.close(id: person.id, reason: "final_decision", by: Fixtures.staff(db, .ofpraAgent).id, db: db))
    }

    func logIn(_ b: Browser, _ person: Applicant, retour: String? = nil) throws -> Response {
        try b.get("/usager/connexion")
        var form = ["identifier": person.agdref!, "password": password]
        if let retour { form["retour"] = retour }
        return b.post("/usager/connexion", form)
    }

    func count(_ sql: String, _ params: [PGEncodable?]) throws -> Int { try db.query(sql, params).first!.get("n") }

    func path(_ d: DocumentRecord) -> String { "/usager/documents/\(d.publicId.uuidString.lowercased())" }

    func testAClosedSpaceWithADecisionStaysReadable() throws {
        let (person, doc) = try person()
        try close(person)
        let b = Browser(app: app)
        XCTAssertEqual(try logIn(b, person).location, "/usager/espace")

        let home = try b.get("/usager/espace")
        XCTAssertEqual(home.status, 200)
        XCTAssertTrue(home.html.contains(fr("usager.read_only.banner_title")), home.html)
        XCTAssertTrue(home.html.contains(path(doc)))
        XCTAssertFalse(home.html.contains(#"href="/usager/coordonnees""#), "no way to a page that changes something")

        XCTAssertEqual(try b.get(path(doc)).status, 200)
        let file = try b.get(path(doc) + "/pdf")
        XCTAssertEqual(file.status, 200)
        XCTAssertEqual(file.header("Content-Type"), "application/pdf")
        XCTAssertEqual(Array(file.body.prefix(4)), Array("%PDF".utf8))
        // Still the person's own consultation: it notifies the decision.
        XCTAssertNotNil(try Documents.find(publicId: doc.publicId, db: db)?.firstConsultedAt)
        XCTAssertEqual(try b.get(path(doc) + "/accuse").status, 200)
        let receipt = try b.get(path(doc) + "/accuse?format=pdf")
        XCTAssertEqual(receipt.status, 200)
        XCTAssertEqual(Array(receipt.body.prefix(4)), Array("%PDF".utf8))

        // Nothing else works, with a clear page, and nothing changes.
        let outbox = try count("SELECT count(*)::int AS n FROM outbox_messages", [])
        for (target, form) in [
            ("/usager/coordonnees/email", ["email": "new@example.org"]),
            ("/usager/coordonnees/telephone", ["phone": "+33622222222"]),
            ("/usager/coordonnees/langue", ["language": "en"]),
        ] {
            let r = b.post(target, form)
            XCTAssertEqual(r.status, 403, target)
            XCTAssertTrue(r.html.contains(fr("usager.read_only.title")), target)
        }
        XCTAssertEqual(try b.get("/usager/coordonnees").status, 403)
        XCTAssertEqual(try b.get("/usager/compte").status, 403)
        XCTAssertEqual(try count("SELECT count(*)::int AS n FROM contact_verifications WHERE applicant_id = $1", [person.id]), 0)
        XCTAssertEqual(try count("SELECT count(*)::int AS n FROM outbox_messages", []), outbox)
        XCTAssertEqual(try Applicants.find(id: person.id, db: db)?.language, "fr")
        // Logging out still works.
        XCTAssertEqual(b.post("/deconnexion", [:]).status, 303)
        XCTAssertEqual(try b.get("/usager/espace").status, 303)
    }

    func testAfterThePeriodTheClosedPageOnlyAfterTheRightPassword() throws {
        let (person, doc) = try person()
        try close(person)
        // Closed and notified long ago: the 90 days are over.
        try db.query("UPDATE applicants SET closed_at = now() - interval '200 days' WHERE id = $1", [person.id])
        try db.query(
            "UPDATE documents SET deposited_at = now() - interval '220 days', first_consulted_at = now() - interval '219 days' WHERE id = $1",
            [doc.id])
        let right = try logIn(Browser(app: app), person)
        XCTAssertEqual(right.status, 403)
        XCTAssertTrue(right.html.contains(fr("usager.closed.title")))
        // A wrong password on this account answers as on any account: no hint it is closed.
        func strip(_ html: String) -> String { html.replacingOccurrences(of: #"value="[^"]*""#, with: "", options: .regularExpression) }
        let wrong = Browser(app: app)
        try wrong.get("/usager/connexion")
        let closedWrong = wrong.post("/usager/connexion", ["identifier": person.agdref!, "password": "pas le bon mot"])
        let unknown = Browser(app: app)
        try unknown.get("/usager/connexion")
        let unknownWrong = unknown.post("/usager/connexion", ["identifier": Fixtures.agdref(), "password": "pas le bon mot"])
        XCTAssertEqual(closedWrong.status, 422)
        XCTAssertEqual(unknownWrong.status, 422)
        XCTAssertEqual(strip(closedWrong.html), strip(unknownWrong.html))
        // A session made before the end (or forged) makes nobody logged in.
        let old = Browser(app: app)
        old.cookies["session"] = try app.sessions.start(subject: .applicant, id: person.id, replacing: nil, db: db).token
        XCTAssertEqual(try old.get("/usager/espace").status, 303)
        XCTAssertEqual(try old.get(path(doc) + "/pdf").status, 303)
    }

    func testTheDaysRunFromTheLaterOfClosureAndTheLastDecision() throws {
        let (person, doc) = try person()
        try close(person)
        // Closed 100 days ago, but the decision was notified 10 days ago: still readable.
        try db.query("UPDATE applicants SET closed_at = now() - interval '100 days' WHERE id = $1", [person.id])
        try db.query(
            "UPDATE documents SET deposited_at = now() - interval '11 days', first_consulted_at = now() - interval '10 days' WHERE id = $1",
            [doc.id])
        XCTAssertEqual(try logIn(Browser(app: app), person).location, "/usager/espace")
    }

    func testReturnPathsOnlyLeadWithinTheSpace() throws {
        let id = UUID().uuidString.lowercased()
        let good = [
            "/usager/documents/\(id)", "/usager/documents/\(id)/pdf", "/usager/documents/\(id)/accuse?format=pdf", "/usager/espace",
        ]
        for path in good { XCTAssertEqual(ApplicantReturn.validated(path), path) }
        let hostile = [
            "", "/", "//evil.example/usager/", "https://evil.example/usager/x", "/usager", "/usager//evil.example",
            "/usager/\\evil.example", "\\/usager/x", "/usager/%2F%2Fevil.example", "/usager/../admin/personnel",
            "/usager/x\t/y", "/usager/x\r\nSet-Cookie: a=b", "/usager/x\u{0}", "/usager/é", "/usager/x y",
            "/admin/personnel", "javascript:alert(1)//usager/", "/usager/" + String(repeating: "a", count: 300),
            " /usager/espace", "/usager/espace#x", "/usager/x\"onmouseover=1",
        ]
        for path in hostile { XCTAssertNil(ApplicantReturn.validated(path), path) }
        XCTAssertEqual(ApplicantReturn.loginPath(returningTo: "//evil.example"), "/usager/connexion")

        // Through the login: a good return is followed, a hostile one leads to the space home.
        let (person, doc) = try person(with: .convocationCancellation)
        XCTAssertEqual(try logIn(Browser(app: app), person, retour: path(doc)).location, path(doc))
        for evil in ["//evil.example", "https://evil.example/", "/usager/\\evil.example", "/usager/../connexion"] {
            XCTAssertEqual(try logIn(Browser(app: app), person, retour: evil).location, "/usager/espace", evil)
        }
        // Without any return, the usual landing (the contacts check).
        XCTAssertEqual(try logIn(Browser(app: app), person).location, "/usager/coordonnees?apres=connexion")
    }

    func testADocumentReachedLoggedOutLeadsToTheLoginAndBack() throws {
        let (person, doc) = try person(with: .convocationCancellation)
        let b = Browser(app: app)
        _ = try logIn(b, person)
        XCTAssertEqual(b.post("/deconnexion", [:]).status, 303)
        for suffix in ["", "/pdf", "/accuse"] {
            let r = try b.get(path(doc) + suffix)
            XCTAssertEqual(r.status, 303, suffix)
            XCTAssertEqual(r.location, "/usager/connexion?retour=" + FormData.percentEncode(path(doc) + suffix), suffix)
        }
        // Still recorded as a refused attempt (bounded for anonymous visitors).
        XCTAssertGreaterThan(try count("SELECT count(*)::int AS n FROM document_access_refusals WHERE document_id = $1", [doc.id]), 0)
        // The login page carries the way back; once logged in, the person lands on the document.
        let login = try b.get("/usager/connexion?retour=" + FormData.percentEncode(path(doc)))
        XCTAssertTrue(login.html.contains(#"name="retour" value="\#(path(doc))""#), login.html)
        let r = b.post("/usager/connexion", ["identifier": person.agdref!, "password": password, "retour": path(doc)])
        XCTAssertEqual(r.location, path(doc))
        XCTAssertEqual(try b.get(path(doc)).status, 200)

        // An expired (unknown) session cookie: the same way to the login, not "the form has expired".
        let expired = Browser(app: app)
        expired.cookies["session"] = "expired-token-0123456789"
        let e = try expired.get(path(doc) + "/pdf")
        XCTAssertEqual(e.status, 303)
        XCTAssertTrue(e.location?.hasPrefix("/usager/connexion?retour=") ?? false)
        // Unknown documents answer the same, so a probe learns nothing.
        XCTAssertEqual(try Browser(app: app).get("/usager/documents/\(UUID().uuidString.lowercased())").status, 303)
        // Staff and another applicant keep their answers.
        let other = Browser(app: app)
        other.cookies["session"] = try app.sessions.start(subject: .applicant, id: try Fixtures.applicant(db).0.id, replacing: nil, db: db)
            .token
        XCTAssertEqual(try other.get(path(doc)).status, 404)
    }
}

final class ClosedAccessConfigTests: XCTestCase {
    func testTheDaysArePositiveWholeNumbersAndNinetyByDefault() throws {
        let base = ["ASYLUM_SECRET": String(repeating: "ab", count: 32)]
        XCTAssertEqual(try Config.fromEnvironment(base).closedAccessDays, 90)
        XCTAssertEqual(try Config.fromEnvironment(base.merging(["ASYLUM_CLOSED_ACCESS_DAYS": "31"]) { $1 }).closedAccessDays, 31)
        for bad in ["0", "-5", "abc", "", "9.5"] {
            XCTAssertThrowsError(try Config.fromEnvironment(base.merging(["ASYLUM_CLOSED_ACCESS_DAYS": bad]) { $1 }), bad)
        }
    }
}
