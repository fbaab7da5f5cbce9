import Domain
import Foundation
@testable import HTTP
import Postgres
import Security
@testable import Web
import XCTest

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
        let r = spada.post("/pro/inscriptions/nouvelle", ["surname": surname, "given_names": "Amina", "birth_date": "02/03/1995",
                                                          "nationality": "soudanaise", "language": "ar", "phone": "+33 6 99 88 77 66",
                                                          "email": ""])
        XCTAssertEqual(r.location, "/pro/inscriptions?notice=enrolled", r.html)
        return try XCTUnwrap(db.query("SELECT id FROM applicants WHERE surname = $1 ORDER BY id DESC", [surname]).first?.get("id"))
    }

    func testInScopeRegistrationPrintsANoticeWhoseKeyOpensTheSpace() throws {
        let id = try enrol(surname: "Registered\(Int.random(in: 0...1_000_000))")
        let guda = Browser(app: app)
        try Fixtures.logInStaff(guda, .gudaAgent)
        try guda.get("/agents/guda/personnes/\(id)")
        let agdref = Fixtures.agdref()
        let notice = guda.post("/agents/guda/personnes/\(id)", ["agdref": agdref, "site": "rennes", "registered_on": "2023-05-04",
                                                                "procedure": "normal"])
        XCTAssertEqual(notice.status, 200, notice.html)
        XCTAssertTrue(notice.html.contains(agdref))
        // Bilingual: French and the person's language (Arabic, right to left).
        XCTAssertTrue(notice.html.contains("lang=\"ar\" dir=\"rtl\""))
        let key = try XCTUnwrap(notice.html.range(of: #"[0-9CDFHKMNPRTVWXY]{4}-[0-9CDFHKMNPRTVWXY]{4}-[0-9CDFHKMNPRTVWXY]{4}-[0-9CDFHKMNPRTVWXY]{4}"#,
                                                  options: .regularExpression).map { String(notice.html[$0]) })
        let person = Browser(app: app)
        try person.get("/usager/activation")
        XCTAssertEqual(person.post("/usager/activation", ["identifier": agdref, "key": key]).status, 409, "space not open yet")
        let ofpra = Browser(app: app)
        try Fixtures.logInStaff(ofpra, .ofpraAgent)
        try ofpra.get("/agents/ofpra/espaces")
        XCTAssertEqual(ofpra.post("/agents/ofpra/espaces/\(id)", ["ofpra_number": ""]).location, "/agents/ofpra/espaces?notice=space_opened")
        XCTAssertEqual(person.post("/usager/activation", ["identifier": agdref, "key": key]).status, 303)
        // Printing again issues a new key; the one above stops working.
        let reprint = guda.post("/agents/guda/personnes/\(id)/notice", [:])
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
        try guda.get("/agents/guda/personnes/\(id)")
        let r = guda.post("/agents/guda/personnes/\(id)", ["agdref": Fixtures.agdref(), "site": "rennes", "registered_on": "2023-05-04",
                                                           "procedure": "normal", "minor": "1"])
        XCTAssertEqual(r.status, 200)
        XCTAssertTrue(r.html.contains(escapedHTML(app.catalogues[.french].text("eligibility.minor"))))
        let stored = try XCTUnwrap(Applicants.find(id: id, db: db))
        XCTAssertEqual(stored.eligibility, "eligibility.minor")
        XCTAssertNil(try Applicants.credentials(id: id, db: db).keyHash)
    }

    func testRegistrationFormKeepsValuesAndExplainsErrors() throws {
        let id = try enrol(surname: "Typo\(Int.random(in: 0...1_000_000))")
        let guda = Browser(app: app)
        try Fixtures.logInStaff(guda, .gudaAgent)
        try guda.get("/agents/guda/personnes/\(id)")
        let r = guda.post("/agents/guda/personnes/\(id)", ["agdref": "12345", "site": "rennes", "registered_on": "2099-01-01",
                                                           "procedure": "dublin_requalified_normal"])
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
}
