import Domain
import Foundation
import Postgres
import Security
import XCTest

@testable import HTTP
@testable import Web

/// Contacts typed at the SPADA kiosk are verified like the applicant's own: a code goes to the
/// typed phone or address, and only the code read back makes it a contact (issue 9, defect 7).
final class KioskContactTests: IntegrationTestCase {
    func spadaStaff(_ spada: Structure) throws -> Browser {
        let email = "kiosk-\(UUID().uuidString.prefix(8))@test.invalid"
        _ = try StaffAccounts.upsert(
            email: EmailAddress(email)!, displayName: "Kiosk", role: .spadaStaff, structureId: spada.id,
            password: "fixture-password-1", hasher: .fastForTests, db: db)
        let b = Browser(app: app)
        try b.get("/connexion")
        XCTAssertEqual(b.post("/connexion", ["email": email, "password": "fixture-password-1"]).status, 303)
        return b
    }

    func enrol(_ staff: Browser, phone: String, email: String) throws -> (id: Int64, response: Response) {
        let surname = "Kiosk\(Int.random(in: 0...1_000_000))"
        try staff.get("/pro/inscriptions/nouvelle")
        let r = staff.post(
            "/pro/inscriptions/nouvelle",
            [
                "surname": surname, "given_names": "Amina", "birth_date": "1995-03-02",
                "nationality": "soudanaise", "language": "fr", "phone": phone, "email": email,
            ])
        let id: Int64 = try XCTUnwrap(db.query("SELECT id FROM applicants WHERE surname = $1", [surname]).first?.get("id"))
        return (id, r)
    }

    func testTypedContactsStayUnverifiedUntilTheCodeSentToThemIsTypedBack() throws {
        let spada = try Structures.upsert(kind: .spada, name: "SPADA Kiosk \(UUID())", city: "Rennes", gudaSite: "rennes", db: db)
        let staff = try spadaStaff(spada)
        let mobile = "+3367\(Int.random(in: 1_000_000...9_999_999))"
        let address = "kiosk-\(UUID().uuidString.prefix(8).lowercased())@example.org"
        let (id, r) = try enrol(staff, phone: mobile, email: address)
        XCTAssertEqual(r.location, "/pro/inscriptions/\(id)/coordonnees")
        var person = try XCTUnwrap(Applicants.find(id: id, db: db))
        XCTAssertNil(person.verifiedPhone, "a typed number receives nothing before its code comes back")
        XCTAssertNil(person.verifiedEmail)
        let page = try staff.get("/pro/inscriptions/\(id)/coordonnees")
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.html.contains(mobile) && page.html.contains(address))
        let verifications = try db.query("SELECT id, channel FROM contact_verifications WHERE applicant_id = $1", [id]).rows
        let smsId: Int64 = try XCTUnwrap(verifications.first { try $0.get("channel", as: String.self) == "sms" }?.get("id"))
        // The code went to the typed number itself, queued with the enrolment.
        XCTAssertEqual(
            try db.query(
                "SELECT count(*) AS n FROM outbox_messages WHERE recipient = $1 AND template = 'contact_code'",
                [mobile]
            ).first?.get("n", as: Int.self), 1)
        // A wrong code: still unverified.
        let wrong = staff.post("/pro/inscriptions/\(id)/coordonnees", ["verification": String(smsId), "code": "000000"])
        XCTAssertEqual(wrong.status, 422)
        XCTAssertNil(try Applicants.find(id: id, db: db)?.verifiedPhone)
        // Another SPADA cannot use this page.
        let other = try spadaStaff(try Structures.upsert(kind: .spada, name: "SPADA Other \(UUID())", city: "Rennes", db: db))
        XCTAssertEqual(try other.get("/pro/inscriptions/\(id)/coordonnees").status, 404)
        // The code the person reads out.
        let sms = try Delivered.text(to: mobile, matching: #"\b[0-9]{6}\b"#)
        XCTAssertEqual(other.post("/pro/inscriptions/\(id)/coordonnees", ["verification": String(smsId), "code": sms]).status, 404)
        let ok = staff.post("/pro/inscriptions/\(id)/coordonnees", ["verification": String(smsId), "code": sms])
        XCTAssertEqual(ok.location, "/pro/inscriptions/\(id)/coordonnees", "the e-mail code is still waiting")
        person = try XCTUnwrap(Applicants.find(id: id, db: db))
        XCTAssertEqual(person.verifiedPhone, mobile)
        XCTAssertNil(person.verifiedEmail, "the address whose code never came back receives nothing")
    }

    func testALandlineCannotBeTypedAtTheKiosk() throws {
        let spada = try Structures.upsert(kind: .spada, name: "SPADA Kiosk \(UUID())", city: "Rennes", gudaSite: "rennes", db: db)
        let staff = try spadaStaff(spada)
        try staff.get("/pro/inscriptions/nouvelle")
        let r = staff.post(
            "/pro/inscriptions/nouvelle",
            [
                "surname": "Landline", "given_names": "A", "birth_date": "1995-03-02",
                "nationality": "x", "language": "fr", "phone": "02 99 00 00 01", "email": "",
            ])
        XCTAssertEqual(r.status, 422)
    }
}
