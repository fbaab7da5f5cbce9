import Domain
import Foundation
import I18n
import Postgres
import Security
import XCTest

@testable import HTTP
@testable import Web

/// From the SPADA kiosk to the printed notice, with the role checks on the way.
final class RegistrationTests: IntegrationTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        _ = try Fixtures.staff(db, .spadaStaff)
        _ = try Fixtures.staff(db, .gudaAgent)
        _ = try Fixtures.staff(db, .ofpraAgent)
    }

    func enrol(surname: String) throws -> Int64 {
        let spada = Browser(app: app)
        try Fixtures.logInStaff(spada, .spadaStaff)
        try spada.get("/pro/inscriptions/nouvelle")
        let r = spada.post(
            "/pro/inscriptions/nouvelle",
            [
                "surname": surname, "given_names": "Amina", "birth_date": "02/03/1995",
                "nationality": "soudanaise", "language": "ar", "phone": "",
                "email": "",
            ])
        XCTAssertEqual(r.location, "/pro/inscriptions?notice=enrolled", r.html)
        return try XCTUnwrap(db.query("SELECT id FROM applicants WHERE surname = $1 ORDER BY id DESC", [surname]).first?.get("id"))
    }

    func testInScopeRegistrationPrintsANoticeWhoseKeyOpensTheSpace() throws {
        let id = try enrol(surname: "Registered\(Int.random(in: 0...1_000_000))")
        let guda = Browser(app: app)
        try Fixtures.logInStaff(guda, .gudaAgent)
        let form = try guda.get("/agents/guda/personnes/\(id)")
        let agdref = Fixtures.agdref()
        let notice = guda.post(
            "/agents/guda/personnes/\(id)",
            [
                "agdref": agdref, "registered_on": "2023-05-04",
                "procedure": "normal", "print_token": Page.printToken(form.html) ?? "",
            ])
        XCTAssertEqual(notice.status, 200, notice.html)
        XCTAssertTrue(notice.html.contains(agdref))
        // Bilingual: French and the person's language (Arabic, right to left).
        XCTAssertTrue(notice.html.contains("lang=\"ar\" dir=\"rtl\""))
        let key = try XCTUnwrap(
            notice.html.range(
                of: #"[0-9CDFHKMNPRTVWXY]{4}-[0-9CDFHKMNPRTVWXY]{4}-[0-9CDFHKMNPRTVWXY]{4}-[0-9CDFHKMNPRTVWXY]{4}"#,
                options: .regularExpression
            ).map { String(notice.html[$0]) })
        let person = Browser(app: app)
        try person.get("/usager/activation")
        XCTAssertEqual(person.post("/usager/activation", ["identifier": agdref, "key": key]).status, 409, "space not open yet")
        let ofpra = Browser(app: app)
        try Fixtures.logInStaff(ofpra, .ofpraAgent)
        try ofpra.get("/agents/ofpra/espaces")
        XCTAssertEqual(
            ofpra.post("/agents/ofpra/espaces/\(id)", ["ofpra_number": ""]).location, "/agents/ofpra/espaces?notice=space_opened")
        XCTAssertEqual(person.post("/usager/activation", ["identifier": agdref, "key": key]).status, 303)
        // Printing again issues a new key; the one above stops working.
        let queue = try guda.get("/agents/guda")
        let token = try XCTUnwrap(Page.printToken(queue.html, for: "/agents/guda/personnes/\(id)/notice"))
        let reprint = guda.post("/agents/guda/personnes/\(id)/notice", ["print_token": token])
        XCTAssertEqual(reprint.status, 200)
        XCTAssertFalse(reprint.html.contains(key))
        let again = Browser(app: app)
        try again.get("/usager/activation")
        XCTAssertEqual(again.post("/usager/activation", ["identifier": agdref, "key": key]).status, 422)
    }

    func testOutOfScopeRegistrationGetsNoKeyAndTheAgentSeesWhy() throws {
        let id = try enrol(surname: "Minor\(Int.random(in: 0...1_000_000))")
        let guda = Browser(app: app)
        try Fixtures.logInStaff(guda, .gudaAgent)
        let form = try guda.get("/agents/guda/personnes/\(id)")
        let r = guda.post(
            "/agents/guda/personnes/\(id)",
            [
                "agdref": Fixtures.agdref(), "registered_on": "2023-05-04",
                "procedure": "normal", "minor": "1", "print_token": Page.printToken(form.html) ?? "",
            ])
        XCTAssertEqual(r.status, 200)
        XCTAssertTrue(r.html.contains(escapedHTML(app.catalogues[.french].text("eligibility.unaccompanied_minor"))))
        let stored = try XCTUnwrap(Applicants.find(id: id, db: db))
        XCTAssertEqual(stored.eligibility, "unaccompanied_minor")
        XCTAssertNil(try Applicants.credentials(id: id, db: db).keyHash)
    }

    func testRegistrationFormKeepsValuesAndExplainsErrors() throws {
        let id = try enrol(surname: "Typo\(Int.random(in: 0...1_000_000))")
        let guda = Browser(app: app)
        try Fixtures.logInStaff(guda, .gudaAgent)
        let form = try guda.get("/agents/guda/personnes/\(id)")
        let r = guda.post(
            "/agents/guda/personnes/\(id)",
            [
                "agdref": "12345", "registered_on": "2099-01-01",
                "procedure": "dublin_requalified_normal", "print_token": Page.printToken(form.html) ?? "",
            ])
        XCTAssertEqual(r.status, 422)
        XCTAssertTrue(r.html.contains("error-summary"))
        XCTAssertTrue(r.html.contains("value=\"12345\""), "typed values are kept")
        XCTAssertTrue(r.html.contains(escapedHTML(app.catalogues[.french].text("guda.agdref_invalid"))))
        XCTAssertTrue(r.html.contains(escapedHTML(app.catalogues[.french].text("guda.requalified_required"))))
    }

    func testRolesAreChecked() throws {
        let spada = Browser(app: app)
        try Fixtures.logInStaff(spada, .spadaStaff)
        XCTAssertEqual(try spada.get("/agents/guda").status, 403)
        XCTAssertEqual(try spada.get("/agents/ofpra/espaces").status, 403)
        XCTAssertEqual(try spada.get("/admin/personnel").status, 403)
        let anonymous = Browser(app: app)
        XCTAssertEqual(try anonymous.get("/pro/inscriptions/nouvelle").location, "/connexion?next=/pro/inscriptions/nouvelle")
        XCTAssertEqual(try anonymous.get("/usager/espace").location, "/usager/connexion?next=/usager/espace")
    }

    // MARK: a GUDA agent acts only on people of their own site (issue 9, defect 2)

    /// A GUDA agent of another site (Bordeaux), logged in.
    func otherSiteAgent() throws -> Browser {
        let bordeaux = try Structures.upsert(kind: .guda, name: "GUDA Bordeaux Test", city: "Bordeaux", gudaSite: "bordeaux", db: db)
        _ = try StaffAccounts.upsert(
            email: EmailAddress("guda-bordeaux@test.invalid")!, displayName: "GUDA Bordeaux", role: .gudaAgent,
            structureId: bordeaux.id, password: "fixture-password-1", hasher: .fastForTests, db: db)
        let b = Browser(app: app)
        try b.get("/connexion")
        XCTAssertEqual(b.post("/connexion", ["email": "guda-bordeaux@test.invalid", "password": "fixture-password-1"]).status, 303)
        return b
    }

    func testAnAgentOfAnotherSiteNeitherSeesNorRegistersAPersonEnrolledForRennes() throws {
        let surname = "Elsewhere\(Int.random(in: 0...1_000_000))"
        let id = try enrol(surname: surname)
        let bordeaux = try otherSiteAgent()
        XCTAssertFalse(try bordeaux.get("/agents/guda?q=\(surname)").html.contains(surname.uppercased()), "not in the other site's queue")
        XCTAssertEqual(try bordeaux.get("/agents/guda/personnes/\(id)").status, 404)
        let r = bordeaux.post(
            "/agents/guda/personnes/\(id)",
            [
                "agdref": Fixtures.agdref(), "site": "bordeaux",
                "registered_on": "2023-05-04", "procedure": "normal",
            ])
        XCTAssertEqual(r.status, 404)
        let stored = try XCTUnwrap(Applicants.find(id: id, db: db))
        XCTAssertNil(stored.agdref, "nothing registered")
        XCTAssertNil(try Applicants.credentials(id: id, db: db).keyHash, "no key minted")
        // The Rennes agent sees them in the queue.
        let rennes = Browser(app: app)
        try Fixtures.logInStaff(rennes, .gudaAgent)
        XCTAssertTrue(try rennes.get("/agents/guda?q=\(surname)").html.contains(surname.uppercased()))
    }

    func testTheSiteIsTheAgentsOwnWhateverTheFormSays() throws {
        let id = try enrol(surname: "Site\(Int.random(in: 0...1_000_000))")
        let guda = Browser(app: app)
        try Fixtures.logInStaff(guda, .gudaAgent)
        let form = try guda.get("/agents/guda/personnes/\(id)")
        XCTAssertFalse(form.html.contains("name=\"site\""), "no site to choose")
        let r = guda.post(
            "/agents/guda/personnes/\(id)",
            [
                "agdref": Fixtures.agdref(), "site": "mayotte", "registered_on": "2023-05-04",
                "procedure": "normal", "print_token": Page.printToken(form.html) ?? "",
            ])
        XCTAssertEqual(r.status, 200, r.html)
        XCTAssertEqual(try Applicants.find(id: id, db: db)?.gudaSite, "rennes")
    }

    func testAnAgentOfAnotherSiteCannotReprintAKey() throws {
        let (person, key) = try Fixtures.applicant(db)  // registered at Rennes, space open
        let before = try Applicants.credentials(id: person.id, db: db).keyHash
        let bordeaux = try otherSiteAgent()
        XCTAssertEqual(bordeaux.post("/agents/guda/personnes/\(person.id)/notice", [:]).status, 404)
        XCTAssertEqual(try Applicants.credentials(id: person.id, db: db).keyHash, before, "the key is unchanged")
        let b = Browser(app: app)
        try b.get("/usager/activation")
        XCTAssertEqual(
            b.post("/usager/activation", ["identifier": person.agdref!, "key": key]).status, 303, "the person's key still works")
    }

    func testNoNewKeyFromTheGudaOnceTheSpaceIsActivated() throws {
        let (person, _) = try Fixtures.applicant(db)
        try db.query(
            "UPDATE applicants SET activated_at = now(), registered_by = $2 WHERE id = $1",
            [person.id, try Fixtures.staff(db, .gudaAgent).id])
        let before = try Applicants.credentials(id: person.id, db: db)
        let guda = Browser(app: app)
        try Fixtures.logInStaff(guda, .gudaAgent)
        let queue = try guda.get("/agents/guda")
        XCTAssertNil(Page.printToken(queue.html, for: "/agents/guda/personnes/\(person.id)/notice"), "no reprint button")
        let r = guda.post("/agents/guda/personnes/\(person.id)/notice", ["print_token": "anything"])
        XCTAssertEqual(r.status, 409)
        XCTAssertNil(Page.key(r.html))
        XCTAssertTrue(r.html.contains(escapedHTML(app.catalogues[.french].text("guda.reprint_activated"))))
        let after = try Applicants.credentials(id: person.id, db: db)
        XCTAssertEqual(after.keyHash, before.keyHash)
        XCTAssertEqual(after.passwordHash, before.passwordHash)
    }

    // MARK: a reload never mints a second key (issue 9, defect 6)

    func testReloadingTheRegistrationNoticeShowsAlreadyPrintedAndKeepsTheKey() throws {
        let id = try enrol(surname: "Reload\(Int.random(in: 0...1_000_000))")
        let guda = Browser(app: app)
        try Fixtures.logInStaff(guda, .gudaAgent)
        let form = try guda.get("/agents/guda/personnes/\(id)")
        let fields = [
            "agdref": Fixtures.agdref(), "registered_on": "2023-05-04", "procedure": "normal",
            "print_token": Page.printToken(form.html) ?? "",
        ]
        let first = guda.post("/agents/guda/personnes/\(id)", fields)
        XCTAssertEqual(first.status, 200)
        XCTAssertNotNil(Page.key(first.html))
        let hash = try Applicants.credentials(id: id, db: db).keyHash
        let again = guda.post("/agents/guda/personnes/\(id)", fields)  // F5 re-posts the same form
        XCTAssertEqual(again.status, 409)
        XCTAssertNil(Page.key(again.html))
        XCTAssertTrue(again.html.contains(escapedHTML(app.catalogues[.french].text("print.already_printed"))))
        XCTAssertEqual(try Applicants.credentials(id: id, db: db).keyHash, hash)
    }

    func testReloadingTheReprintedNoticeDoesNotKillTheKeyJustPrinted() throws {
        let (person, _) = try Fixtures.applicant(db)
        try db.query("UPDATE applicants SET registered_by = $2 WHERE id = $1", [person.id, try Fixtures.staff(db, .gudaAgent).id])
        let guda = Browser(app: app)
        try Fixtures.logInStaff(guda, .gudaAgent)
        let token = try XCTUnwrap(Page.printToken(try guda.get("/agents/guda").html, for: "/agents/guda/personnes/\(person.id)/notice"))
        let printed = guda.post("/agents/guda/personnes/\(person.id)/notice", ["print_token": token])
        let key = try XCTUnwrap(Page.key(printed.html))
        let reload = guda.post("/agents/guda/personnes/\(person.id)/notice", ["print_token": token])
        XCTAssertEqual(reload.status, 409)
        XCTAssertNil(Page.key(reload.html))
        XCTAssertTrue(reload.html.contains(escapedHTML(app.catalogues[.french].text("print.already_printed"))))
        let b = Browser(app: app)
        try b.get("/usager/activation")
        XCTAssertEqual(b.post("/usager/activation", ["identifier": person.agdref!, "key": key]).status, 303, "the printed key still works")
    }
}
