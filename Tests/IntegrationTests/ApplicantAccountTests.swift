import Domain
import Foundation
import I18n
import Outbox
import Postgres
import Security
import XCTest

@testable import HTTP
@testable import Web

/// The rules of the applicant's credentials, through the real pipeline and database.
final class ApplicantAccountTests: IntegrationTestCase {

    func fr(_ key: String) -> String { escapedHTML(app.catalogues[.french].text(key)) }

    func activate(_ b: Browser, _ person: Applicant, key: String, password: String = "une phrase assez longue") throws {
        try b.get("/usager/activation")
        let r = b.post("/usager/activation", ["identifier": person.agdref!, "key": key])
        XCTAssertEqual(r.location, "/usager/activation/mot-de-passe", r.html)
        let p = b.post("/usager/activation/mot-de-passe", ["password": password, "confirmation": password])
        XCTAssertEqual(p.location, "/usager/coordonnees?apres=activation", p.html)
    }

    func testActivationThenLoginLandsOnTheContactCheck() throws {
        let (person, key) = try Fixtures.applicant(db)
        let b = Browser(app: app)
        try activate(b, person, key: key)
        XCTAssertEqual(try b.get("/usager/espace").status, 200)
        b.post("/deconnexion", [:])
        XCTAssertEqual(try b.get("/usager/espace").status, 303)
        try b.get("/usager/connexion")
        let login = b.post("/usager/connexion", ["identifier": person.agdref!, "password": "une phrase assez longue"])
        XCTAssertEqual(login.location, "/usager/coordonnees?apres=connexion")
        let history = try b.get("/usager/compte").html
        XCTAssertTrue(history.contains(fr("history.activated")))
        XCTAssertTrue(history.contains(fr("history.login_succeeded")))
    }

    func testSpaceNotYetOpenGetsAClearPage() throws {
        let (person, key) = try Fixtures.applicant(db, open: false)
        let b = Browser(app: app)
        try b.get("/usager/activation")
        let r = b.post("/usager/activation", ["identifier": person.agdref!, "key": key])
        XCTAssertEqual(r.status, 409)
        XCTAssertTrue(r.html.contains(fr("usager.not_open.title")))
    }

    func testTheKeyIsNeverAcceptedAsAPassword() throws {
        let (person, key) = try Fixtures.applicant(db)
        let b = Browser(app: app)
        try b.get("/usager/activation")
        b.post("/usager/activation", ["identifier": person.agdref!, "key": key])
        let asPassword = b.post("/usager/activation/mot-de-passe", ["password": key, "confirmation": key])
        XCTAssertEqual(asPassword.status, 422)
        XCTAssertTrue(asPassword.html.contains(fr("password.is_connection_key")))
        try activate(Browser(app: app), person, key: key)
        let login = Browser(app: app)
        try login.get("/usager/connexion")
        XCTAssertEqual(login.post("/usager/connexion", ["identifier": person.agdref!, "password": key]).status, 422)
    }

    func testFailuresAllLookTheSame() throws {
        let (person, key) = try Fixtures.applicant(db)
        try activate(Browser(app: app), person, key: key)
        let b = Browser(app: app)
        try b.get("/usager/connexion")
        let wrong = b.post("/usager/connexion", ["identifier": person.agdref!, "password": "pas le bon mot de passe"])
        let unknown = b.post("/usager/connexion", ["identifier": Fixtures.agdref(), "password": "pas le bon mot de passe"])
        let garbage = b.post("/usager/connexion", ["identifier": "n'importe quoi", "password": "pas le bon mot de passe"])
        for r in [wrong, unknown, garbage] {
            XCTAssertEqual(r.status, 422)
            XCTAssertTrue(r.html.contains(fr("usager.login.failed")))
        }
        func strip(_ html: String) -> String { html.replacingOccurrences(of: #"value="[^"]*""#, with: "", options: .regularExpression) }
        XCTAssertEqual(strip(wrong.html), strip(unknown.html))
    }

    func testFromTheFifthFailureOnAttemptsMustWaitEvenWithTheRightPassword() throws {
        let (person, key) = try Fixtures.applicant(db)
        try activate(Browser(app: app), person, key: key, password: "le vrai mot de passe")
        let b = Browser(app: app)
        try b.get("/usager/connexion")
        for _ in 0..<5 {
            XCTAssertEqual(b.post("/usager/connexion", ["identifier": person.agdref!, "password": "faux faux faux"]).status, 422)
        }
        let early = b.post("/usager/connexion", ["identifier": person.agdref!, "password": "le vrai mot de passe"])
        XCTAssertEqual(early.status, 429)
        XCTAssertEqual(early.header("Retry-After"), "1")
        // The lock and the way out of it: CredentialAbuseTests.testTheOwnerIsToldAndUnlocksWithTheKeySentToThem.
    }

    func testResetClosesEveryOpenSession() throws {
        let (person, key) = try Fixtures.applicant(db)
        let kiosk = Browser(app: app)
        try activate(kiosk, person, key: key)
        XCTAssertEqual(try kiosk.get("/usager/espace").status, 200)
        // Activation used the key up: the GUDA reprints the notice with a new one.
        let reprinted = try KeyIssuer.issue(for: person, event: "key_reissued", by: .system, address: nil, db: db)
        let b = Browser(app: app)
        try b.get("/usager/mot-de-passe-oublie")
        let r = b.post(
            "/usager/mot-de-passe-oublie",
            [
                "identifier": person.agdref!, "key": reprinted,
                "password": "encore une autre phrase", "confirmation": "encore une autre phrase",
            ])
        XCTAssertEqual(r.status, 303, r.html)
        XCTAssertEqual(try kiosk.get("/usager/espace").status, 303, "the kiosk session ended")
    }

    func testLostKeySendsANewKeyByTheOutboxAndTheOldOneKeepsWorking() throws {
        let phone = "+3362\(Int.random(in: 1_000_000...9_999_999))"
        let (person, oldKey) = try Fixtures.applicant(db, phone: phone)
        let b = Browser(app: app)
        try b.get("/usager/cle-perdue")
        let known = b.post("/usager/cle-perdue", ["identifier": person.agdref!])
        let unknown = b.post("/usager/cle-perdue", ["identifier": Fixtures.agdref()])
        XCTAssertEqual(known.status, 200)
        // The same page whether or not the identifier exists (form tokens aside).
        func strip(_ html: String) -> String { html.replacingOccurrences(of: #"value="[^"]*""#, with: "", options: .regularExpression) }
        XCTAssertEqual(strip(known.html), strip(unknown.html))
        XCTAssertTrue(unknown.html.contains(fr("usager.lost_key.sent")))
        let messages = try Outbox.messages(subjectRef: "applicant:\(person.id)", db)
        XCTAssertTrue(messages.contains { $0.template == "key_reissued" && $0.channel == .sms && $0.recipient == phone })
        let newKey = try Delivered.text(to: phone, matching: Delivered.keyPattern)
        XCTAssertNotEqual(newKey, oldKey)
        // A request anyone can make must not take the printed key out of the person's hands.
        try b.get("/usager/activation")
        XCTAssertEqual(b.post("/usager/activation", ["identifier": person.agdref!, "key": oldKey]).status, 303, "old key still works")
        let other = Browser(app: app)
        try other.get("/usager/activation")
        XCTAssertEqual(other.post("/usager/activation", ["identifier": person.agdref!, "key": newKey]).status, 303, "new key works")
    }

    func testANewPhoneIsUsedOnlyOnceItsCodeComesBack() throws {
        let (person, key) = try Fixtures.applicant(db, phone: nil)
        let b = Browser(app: app)
        try activate(b, person, key: key)
        try b.get("/usager/coordonnees")
        XCTAssertEqual(b.post("/usager/coordonnees/telephone", ["phone": "01 23 45 67 89"]).status, 422, "landline refused")
        let number = "07\(Int.random(in: 10_000_000...99_999_999))"
        let e164 = "+33" + number.dropFirst()
        let sent = b.post("/usager/coordonnees/telephone", ["phone": number])
        let verifyPath = try XCTUnwrap(sent.location)
        XCTAssertNil(try Applicants.find(id: person.id, db: db)?.verifiedPhone, "not used before the code")
        let code = try Delivered.text(to: e164, matching: "[0-9]{6}")
        try b.get(verifyPath)
        let wrongCode = code == "000000" ? "111111" : "000000"
        XCTAssertEqual(b.post(verifyPath, ["code": wrongCode]).status, 422)
        XCTAssertEqual(b.post(verifyPath, ["code": code]).location, "/usager/coordonnees?notice=contact_updated")
        XCTAssertEqual(try Applicants.find(id: person.id, db: db)?.verifiedPhone, e164)
        XCTAssertEqual(b.post(verifyPath, ["code": code]).status, 422, "a code works once")
    }

    func testAnotherApplicantsVerificationIsNotFound() throws {
        let (a, keyA) = try Fixtures.applicant(db)
        let (b, keyB) = try Fixtures.applicant(db)
        let browserA = Browser(app: app)
        let browserB = Browser(app: app)
        try activate(browserA, a, key: keyA)
        try activate(browserB, b, key: keyB)
        try browserA.get("/usager/coordonnees")
        let path = try XCTUnwrap(browserA.post("/usager/coordonnees/email", ["email": "a@example.org"]).location)
        XCTAssertEqual(try browserB.get(path).status, 404)
    }

    /// The language of the person's messages is theirs: changed by a form on the contacts page
    /// (never by the switcher's link), stored, and used for the next message.
    func testTheContactsPageChangesTheLanguageOfTheNextMessages() throws {
        let (person, key) = try Fixtures.applicant(db, phone: nil)
        let b = Browser(app: app)
        try activate(b, person, key: key)
        XCTAssertTrue(try b.get("/usager/coordonnees").html.contains(#"<option value="ru" lang="ru" dir="ltr">Русский</option>"#))
        let refused = b.post("/usager/coordonnees/langue", ["language": "xx"])
        XCTAssertEqual(refused.status, 422)
        XCTAssertTrue(refused.html.contains(fr("form.choose")), "a refused choice is said")
        _ = try b.get("/usager/coordonnees?lang=ps")
        XCTAssertEqual(try Applicants.find(id: person.id, db: db)?.language, person.language, "a link changes only the page")
        XCTAssertEqual(b.post("/usager/coordonnees/langue", ["language": "ru"]).location, "/usager/coordonnees?notice=language_saved")
        XCTAssertEqual(try Applicants.find(id: person.id, db: db)?.language, "ru")
        let page = try b.get("/usager/coordonnees?notice=language_saved&lang=fr")
        XCTAssertTrue(page.html.contains(fr("notices.language_saved")))
        XCTAssertTrue(page.html.contains(#"<span lang="ru" dir="ltr">Русский</span>"#))
        _ = b.post("/usager/coordonnees/email", ["email": "langue-\(person.id)@example.org"])
        let queued = try Outbox.messages(subjectRef: "applicant:\(person.id)", db)
        XCTAssertEqual(queued.last?.template, "contact_code")
        XCTAssertEqual(queued.last?.language, "ru")
    }
}
