import Domain
import Foundation
import I18n
import Postgres
import Security
import XCTest

@testable import HTTP
@testable import Web

/// What staff of accompaniment structures may see and do, record by record.
final class ProfessionalModuleTests: IntegrationTestCase {
    let pdf = Array("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".utf8)

    /// A SPADA of its own with a logged-in staff member, so tests never see each other's people.
    func structureWithStaff(_ kind: Structure.Kind, role: Role) throws -> (Structure, Browser) {
        let structure = try Structures.upsert(kind: kind, name: "\(kind.rawValue) \(UUID())", city: "Rennes", db: db)
        let email = "\(role.rawValue)-\(UUID().uuidString.prefix(8))@test.invalid"
        _ = try StaffAccounts.upsert(
            email: EmailAddress(email)!, displayName: "Staff \(kind.rawValue)", role: role,
            structureId: structure.id, password: "fixture-password-1", hasher: .fastForTests, db: db)
        let b = Browser(app: app)
        try b.get("/connexion")
        XCTAssertEqual(b.post("/connexion", ["email": email, "password": "fixture-password-1"]).status, 303)
        return (structure, b)
    }

    func followedApplicant(by spada: Structure, phone: String? = nil) throws -> (Applicant, String) {
        let (a, key) = try Fixtures.applicant(db, phone: phone)
        try db.query("UPDATE applicants SET spada_id = $2 WHERE id = $1", [a.id, spada.id])
        try FollowLinks.open(applicant: a.id, structure: spada.id, kind: .domiciliation, startedOn: "2024-01-01", by: nil, db: db)
        return (try Applicants.find(id: a.id, db: db)!, key)
    }

    func testStaffSeeOnlyPeopleTheirStructureFollowsWhileTheLinkLasts() throws {
        let (spadaA, staffA) = try structureWithStaff(.spada, role: .spadaStaff)
        let (_, staffB) = try structureWithStaff(.spada, role: .spadaStaff)
        let (person, _) = try followedApplicant(by: spadaA)
        XCTAssertTrue(try staffA.get("/pro/suivi").html.contains(person.agdref!))
        XCTAssertEqual(try staffA.get("/pro/personnes/\(person.id)").status, 200)
        XCTAssertFalse(try staffB.get("/pro/suivi").html.contains(person.agdref!))
        XCTAssertEqual(try staffB.get("/pro/personnes/\(person.id)").status, 404, "structure B does not follow this person")
        try FollowLinks.end(applicant: person.id, structure: spadaA.id, endedOn: "2024-06-01", db: db)
        XCTAssertEqual(try staffA.get("/pro/personnes/\(person.id)").status, 404, "the link ended")
    }

    func testTheDashboardShowsDatesButNeverDocumentsOrOutcomes() throws {
        let (spada, staff) = try structureWithStaff(.spada, role: .spadaStaff)
        let (person, _) = try followedApplicant(by: spada)
        let d = try DocumentDeposit.deposit(.decisionRejection, pdf: pdf, interview: nil, for: person, by: nil, db: db).document
        let response = try staff.get("/pro/personnes/\(person.id)")
        XCTAssertEqual(response.status, 200, response.html)
        let page = response.html
        XCTAssertTrue(page.contains(escapedHTML(app.catalogues[.french].text("pro.categories.decision"))))
        XCTAssertFalse(page.contains(escapedHTML(app.catalogues[.french].text("documents.kinds.decision_rejection"))), "no outcome")
        XCTAssertFalse(page.contains(d.publicId.uuidString.lowercased()), "no link to the document")
        let direct = try staff.get("/usager/documents/\(d.publicId.uuidString.lowercased())/pdf")
        XCTAssertEqual(direct.status, 403, "staff never reach a document, even by URL")
    }

    func testFlagsFilterThePeopleToCall() throws {
        let (spada, staff) = try structureWithStaff(.spada, role: .spadaStaff)
        let (quiet, _) = try followedApplicant(by: spada, phone: nil)
        let (reachable, _) = try followedApplicant(by: spada, phone: "+3365\(Int.random(in: 1_000_000...9_999_999))")
        let d = try DocumentDeposit.deposit(
            .convocation, pdf: pdf,
            interview: InterviewAppointment(
                date: CivilDate(year: 2030, month: 1, day: 15)!, time: TimeOfDay(hour: 9, minute: 30)!, place: "", address: "Fontenay",
                interpreterLanguage: nil), for: reachable, by: nil, db: db
        ).document
        try db.query("UPDATE documents SET deposited_at = now() - interval '11 days' WHERE id = $1", [d.id])
        let noContacts = try staff.get("/pro/suivi?signal=no_contacts").html
        XCTAssertTrue(noContacts.contains(quiet.agdref!))
        XCTAssertFalse(noContacts.contains(reachable.agdref!))
        let unread = try staff.get("/pro/suivi?signal=unread10").html
        XCTAssertTrue(unread.contains(reachable.agdref!))
        XCTAssertFalse(unread.contains(quiet.agdref!))
    }

    /// `count` people followed by `spada`, named "Pagination P01"...: quick rows, no keys.
    func manyFollowed(by spada: Structure, _ count: Int, phone: String?) throws -> [String] {
        try db.query(
            """
            WITH people AS (
                INSERT INTO applicants (surname, given_names, birth_date, nationality, language, spada_id, phone,
                                        phone_verified_at, agdref, guda_site, registered_on, procedure, eligibility, registered_at)
                SELECT 'Pagination', $3 || lpad(n::text, 2, '0'), date '1990-01-01', 'x', 'fr', $1, $4,
                       CASE WHEN $4::text IS NOT NULL THEN now() END,
                       (2000000000 + floor(random() * 6999999999))::bigint::text, 'rennes', date '2024-01-10', 'normal',
                       'in_scope', now()
                FROM generate_series(1, $2::int) AS n RETURNING id, agdref, given_names)
            , links AS (INSERT INTO follow_links (applicant_id, structure_id, kind, started_on)
                        SELECT id, $1, 'domiciliation', date '2024-01-01' FROM people)
            SELECT agdref FROM people ORDER BY given_names
            """, [spada.id, Int64(count), phone == nil ? "Q" : "P", phone]
        ).rows.map { try $0.get("agdref") }
    }

    func agdrefs(_ html: String, among all: [String]) -> Set<String> { Set(all.filter { html.contains($0) }) }

    func testTheDashboardShowsFiftyPeopleAPageAndKeepsTheFilterAndOrderAcrossPages() throws {
        let (spada, staff) = try structureWithStaff(.spada, role: .spadaStaff)
        let quiet = try manyFollowed(by: spada, 55, phone: nil)
        let reachable = try manyFollowed(by: spada, 3, phone: "+33650000000")
        let everyone = quiet + reachable
        let first = try staff.get("/pro/suivi").html
        XCTAssertEqual(first.components(separatedBy: "class=\"followed-person\"").count - 1, 50)
        XCTAssertTrue(first.contains("Personnes 1 à 50 sur 58"), "the range shown")
        XCTAssertTrue(first.contains("<nav class=\"pagination\" aria-label=\"Pages de la liste\">"))
        XCTAssertTrue(first.contains("<a href=\"/pro/suivi?page=2\" rel=\"next\">Page suivante</a>"))
        XCTAssertTrue(first.contains("<a href=\"/pro/suivi\" aria-current=\"page\">1</a>"))
        XCTAssertFalse(first.contains("rel=\"prev\""), "no previous page on the first")
        let second = try staff.get("/pro/suivi?page=2").html
        XCTAssertTrue(second.contains("Personnes 51 à 58 sur 58"))
        XCTAssertTrue(second.contains("<a href=\"/pro/suivi\" rel=\"prev\">Page précédente</a>"))
        XCTAssertFalse(second.contains("rel=\"next\""))
        let (p1, p2) = (agdrefs(first, among: everyone), agdrefs(second, among: everyone))
        XCTAssertTrue(p1.isDisjoint(with: p2), "nobody on two pages")
        XCTAssertEqual(p1.union(p2), Set(everyone), "everyone on one page or the other")
        XCTAssertEqual(p1, Set(reachable + quiet.prefix(47)), "name order: P01...P03, then Q01...Q47")

        // A filter and an order: the page links keep both, and page 2 holds the rest of the filtered people.
        let filtered = try staff.get("/pro/suivi?signal=no_contacts&tri=connexion").html
        XCTAssertTrue(filtered.contains("Personnes 1 à 50 sur 55"))
        XCTAssertTrue(filtered.contains("href=\"/pro/suivi?signal=no_contacts&amp;tri=connexion&amp;page=2\" rel=\"next\""))
        XCTAssertTrue(
            filtered.contains("href=\"/pro/suivi?signal=no_contacts&amp;tri=connexion\" aria-current=\"true\""),
            "the order links keep the filter, the current one marked")
        let rest = try staff.get("/pro/suivi?signal=no_contacts&tri=connexion&page=2").html
        let (f1, f2) = (agdrefs(filtered, among: everyone), agdrefs(rest, among: everyone))
        XCTAssertEqual(f1.count, 50)
        XCTAssertEqual(f2.count, 5)
        XCTAssertEqual(f1.union(f2), Set(quiet), "only the filtered people, all of them")

        // Out-of-range or garbled page numbers show a page, never an error.
        XCTAssertTrue(try staff.get("/pro/suivi?page=99").html.contains("Personnes 51 à 58 sur 58"))
        XCTAssertTrue(try staff.get("/pro/suivi?page=abc").html.contains("Personnes 1 à 50 sur 58"))
        XCTAssertTrue(try staff.get("/pro/suivi?page=-3").html.contains("Personnes 1 à 50 sur 58"))
    }

    /// The attestation as the person shows it, and the form's single-use token.
    func recoveryFields(_ staff: Browser, _ person: Applicant, surname: String? = nil) throws -> [String: String] {
        let page = try staff.get("/pro/personnes/\(person.id)")
        return [
            "att_surname": surname ?? person.surname, "att_birth_date": person.birthDate, "att_agdref": person.agdref!,
            "present": "1", "print_token": try XCTUnwrap(Page.printToken(page.html), "the recovery form"),
        ]
    }

    func testKeyRecoveryNeedsThePersonPresentAndReplacesTheKey() throws {
        let (spada, staff) = try structureWithStaff(.spada, role: .spadaStaff)
        let (person, oldKey) = try followedApplicant(by: spada, phone: nil)
        var fields = try recoveryFields(staff, person)
        fields["present"] = nil
        let notPresent = staff.post("/pro/personnes/\(person.id)/cle", fields)
        XCTAssertEqual(notPresent.status, 422)
        XCTAssertTrue(notPresent.html.contains(escapedHTML(app.catalogues[.french].text("pro.key.presence_required"))))
        XCTAssertNil(Page.key(notPresent.html))
        let notice = staff.post("/pro/personnes/\(person.id)/cle", try recoveryFields(staff, person))
        XCTAssertEqual(notice.status, 200)
        let newKey = try XCTUnwrap(Page.key(notice.html))
        let applicant = Browser(app: app)
        try applicant.get("/usager/activation")
        XCTAssertEqual(applicant.post("/usager/activation", ["identifier": person.agdref!, "key": oldKey]).status, 422)
        XCTAssertEqual(applicant.post("/usager/activation", ["identifier": person.agdref!, "key": newKey]).status, 303)
        // People with contact details get their key by SMS/e-mail, not from the structure.
        let (reachable, _) = try followedApplicant(by: spada, phone: "+3366\(Int.random(in: 1_000_000...9_999_999))")
        XCTAssertEqual(staff.post("/pro/personnes/\(reachable.id)/cle", ["present": "1"]).status, 409)
    }

    func testKeyRecoveryChecksTheAttestationNormalisingCaseSpacesAndAccents() throws {
        let (spada, staff) = try structureWithStaff(.spada, role: .spadaStaff)
        let (fixture, _) = try followedApplicant(by: spada, phone: nil)
        try db.query("UPDATE applicants SET surname = 'N''Diaye-Séné' WHERE id = $1", [fixture.id])
        let person = try XCTUnwrap(Applicants.find(id: fixture.id, db: db))
        let keyBefore = try Applicants.credentials(id: person.id, db: db).keyHash
        // A different surname, a wrong birth date, a wrong AGDREF: refused, no key.
        for (field, value) in [("att_surname", "Diallo"), ("att_birth_date", "1990-01-02"), ("att_agdref", "1234567890")] {
            var fields = try recoveryFields(staff, person)
            fields[field] = value
            let r = staff.post("/pro/personnes/\(person.id)/cle", fields)
            XCTAssertEqual(r.status, 422, field)
            XCTAssertNil(Page.key(r.html), field)
            XCTAssertTrue(r.html.contains(escapedHTML(app.catalogues[.french].text("pro.key.identity_mismatch"))), field)
        }
        XCTAssertEqual(try Applicants.credentials(id: person.id, db: db).keyHash, keyBefore)
        // As printed on the attestation: capitals, no accent, a space instead of the hyphen, spaced digits.
        var fields = try recoveryFields(staff, person, surname: "N DIAYE SENE")
        fields["att_agdref"] = person.agdref!.enumerated().map { $0.offset == 5 ? " \($0.element)" : String($0.element) }.joined()
        fields["att_birth_date"] = "01/01/1990"
        XCTAssertNotNil(Page.key(staff.post("/pro/personnes/\(person.id)/cle", fields).html))
    }

    func testOneRecoveryADayAndAReloadShowsAlreadyPrinted() throws {
        let (spada, staff) = try structureWithStaff(.spada, role: .spadaStaff)
        let (person, _) = try followedApplicant(by: spada, phone: nil)
        let fields = try recoveryFields(staff, person)
        let printed = staff.post("/pro/personnes/\(person.id)/cle", fields)
        let key = try XCTUnwrap(Page.key(printed.html))
        let hash = try Applicants.credentials(id: person.id, db: db).keyHash
        // F5 on the notice re-posts the same form: the key is not shown again, and stays valid.
        let reload = staff.post("/pro/personnes/\(person.id)/cle", fields)
        XCTAssertEqual(reload.status, 409)
        XCTAssertNil(Page.key(reload.html))
        XCTAssertTrue(reload.html.contains(escapedHTML(app.catalogues[.french].text("print.already_printed"))))
        XCTAssertEqual(try Applicants.credentials(id: person.id, db: db).keyHash, hash)
        // A fresh form the same day (another colleague, or the same one): refused.
        let (other, colleague) = try structureWithStaff(.spada, role: .spadaStaff)
        try FollowLinks.open(
            applicant: person.id, structure: other.id, kind: .domiciliation,
            startedOn: "2024-01-01", by: nil, db: db)
        let second = colleague.post("/pro/personnes/\(person.id)/cle", try recoveryFields(colleague, person))
        XCTAssertEqual(second.status, 429)
        XCTAssertNil(Page.key(second.html))
        XCTAssertEqual(try Applicants.credentials(id: person.id, db: db).keyHash, hash)
        let b = Browser(app: app)
        try b.get("/usager/activation")
        XCTAssertEqual(b.post("/usager/activation", ["identifier": person.agdref!, "key": key]).status, 303)
    }

    func testARecoveryIsInThePersonsHistoryAndOfprasViewAndSetsNoPassword() throws {
        let (spada, staff) = try structureWithStaff(.spada, role: .spadaStaff)
        let (person, _) = try followedApplicant(by: spada, phone: nil)
        try db.query("UPDATE applicants SET activated_at = now(), password_hash = 'x' WHERE id = $1", [person.id])
        let printed = staff.post("/pro/personnes/\(person.id)/cle", try recoveryFields(staff, person))
        XCTAssertNotNil(Page.key(printed.html))
        XCTAssertEqual(try Applicants.credentials(id: person.id, db: db).passwordHash, "x", "the recovery never sets a password")
        let label = escapedHTML(app.catalogues[.french].text("history.key_recovered"))
        let mine = Browser(app: app)
        mine.cookies["session"] = try app.sessions.start(subject: .applicant, id: person.id, replacing: nil, db: db).token
        XCTAssertTrue(try mine.get("/usager/compte").html.contains(label), "in the person's history")
        _ = try Fixtures.staff(db, .ofpraAgent)
        let ofpra = Browser(app: app)
        try Fixtures.logInStaff(ofpra, .ofpraAgent)
        let view = try ofpra.get("/agents/ofpra/personnes/\(person.id)").html
        XCTAssertTrue(view.contains(label), "in OFPRA's view")
        XCTAssertTrue(view.contains(escapedHTML(spada.name)), "with the structure that did it")
    }

    func testTheApplicantSeesWhoLookedAtTheirFile() throws {
        let (spada, staff) = try structureWithStaff(.spada, role: .spadaStaff)
        let (person, key) = try followedApplicant(by: spada)
        try staff.get("/pro/personnes/\(person.id)")
        let me = Browser(app: app)
        try me.get("/usager/activation")
        me.post("/usager/activation", ["identifier": person.agdref!, "key": key])
        me.post("/usager/activation/mot-de-passe", ["password": "une phrase bien longue", "confirmation": "une phrase bien longue"])
        let account = try me.get("/usager/compte").html
        XCTAssertTrue(account.contains(escapedHTML(app.catalogues[.french].text("audit.actions.view_person"))))
        XCTAssertTrue(account.contains(escapedHTML(spada.name)))
    }

    func testClosureEndsLoginsAndKeepsTheFileReadOnly() throws {
        let (person, key) = try Fixtures.applicant(db)
        let me = Browser(app: app)
        try me.get("/usager/activation")
        me.post("/usager/activation", ["identifier": person.agdref!, "key": key])
        me.post("/usager/activation/mot-de-passe", ["password": "une phrase bien longue", "confirmation": "une phrase bien longue"])
        XCTAssertEqual(try me.get("/usager/espace").status, 200)
        _ = try Fixtures.staff(db, .ofpraAgent)
        _ = try Fixtures.staff(db, .ofpraAgent)
        let ofpra = Browser(app: app)
        try Fixtures.logInStaff(ofpra, .ofpraAgent)
        try ofpra.get("/agents/ofpra/personnes/\(person.id)")
        XCTAssertEqual(
            ofpra.post("/agents/ofpra/personnes/\(person.id)/cloture", ["reason": "final_decision"]).location,
            "/agents/ofpra/personnes/\(person.id)?notice=space_closed")
        XCTAssertEqual(try me.get("/usager/espace").status, 303, "the open session ended")
        // Read-only for ASYLUM_CLOSED_ACCESS_DAYS (documents, receipts, deadlines), then closed.
        try me.get("/usager/connexion")
        let readOnly = me.post("/usager/connexion", ["identifier": person.agdref!, "password": "une phrase bien longue"])
        XCTAssertEqual(readOnly.location, "/usager/espace")
        XCTAssertEqual(try me.get("/usager/coordonnees").status, 403, "nothing but reading")
        try db.query("UPDATE applicants SET closed_at = closed_at - interval '1 year' WHERE id = $1", [person.id])
        let later = Browser(app: app)
        try later.get("/usager/connexion")
        let login = later.post("/usager/connexion", ["identifier": person.agdref!, "password": "une phrase bien longue"])
        XCTAssertEqual(login.status, 403)
        XCTAssertTrue(login.html.contains(escapedHTML(app.catalogues[.french].text("usager.closed.title"))))
        let file = try ofpra.get("/agents/ofpra/personnes/\(person.id)")
        XCTAssertEqual(file.status, 200, "agents still read the file")
        XCTAssertFalse(file.html.contains("/documents\" enctype"), "no more deposits")
    }

    func testAdministratorsSearchTheAuditTrail() throws {
        let (spada, staff) = try structureWithStaff(.spada, role: .spadaStaff)
        let (person, _) = try followedApplicant(by: spada)
        try staff.get("/pro/personnes/\(person.id)")
        _ = try Fixtures.staff(db, .administrator)
        let admin = Browser(app: app)
        try Fixtures.logInStaff(admin, .administrator)
        let page = try admin.get("/admin/journal?personne=\(person.agdref!)")
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.html.contains(escapedHTML(spada.name)))
        XCTAssertEqual(try staff.get("/admin/journal").status, 403)
    }
}
