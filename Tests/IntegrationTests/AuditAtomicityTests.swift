import Domain
import Foundation
import HTTP
import Postgres
import XCTest

@testable import Web

/// An act and its audit row commit together: when the audit row cannot be written, the act is
/// undone too (no unaudited act). The deposit's case is in DepositRouteTests.
final class AuditAtomicityTests: IntegrationTestCase {
    /// Makes every audit insert of `action` about `applicant` fail until the returned closure runs.
    func refuseAudit(_ action: String, applicant: Int64) throws -> () -> Void {
        let name = "refuse_\(action)_\(applicant)"
        try db.execute(
            """
            CREATE FUNCTION \(name)() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.applicant_id = \(applicant) AND NEW.action = '\(action)' THEN
              RAISE EXCEPTION 'simulated audit failure'; END IF; RETURN NEW; END $$;
            CREATE TRIGGER \(name) BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION \(name)();
            """)
        return { [db] in _ = try? db?.execute("DROP TRIGGER \(name) ON audit_events; DROP FUNCTION \(name)();") }
    }

    func testOpeningASpaceIsUndoneWhenItsAuditRowFails() throws {
        let (person, _) = try Fixtures.applicant(db, open: false)
        _ = try Fixtures.staff(db, .ofpraAgent)
        let b = Browser(app: app)
        try Fixtures.logInStaff(b, .ofpraAgent)
        let restore = try refuseAudit("open_space", applicant: person.id)
        XCTAssertEqual(b.post("/agents/ofpra/espaces/\(person.id)", [:]).status, 500)
        restore()
        XCTAssertNil(try Applicants.find(id: person.id, db: db)?.spaceAvailableAt, "no space opened without its audit row")
        XCTAssertEqual(b.post("/agents/ofpra/espaces/\(person.id)", [:]).status, 303)
        XCTAssertNotNil(try Applicants.find(id: person.id, db: db)?.spaceAvailableAt)
    }

    /// A SPADA professional logged in, and a CADA the person could be accommodated in.
    func spadaWithCada() throws -> (Browser, Structure) {
        _ = try Fixtures.staff(db, .spadaStaff)
        let b = Browser(app: app)
        try Fixtures.logInStaff(b, .spadaStaff)
        return (b, try Structures.upsert(kind: .cada, name: "CADA Audit Test", city: "Rennes", db: db))
    }

    func accommodations(_ person: Applicant, open: Bool) throws -> Int {
        try db.query(
            """
            SELECT count(*) AS n FROM follow_links WHERE applicant_id = $1 AND kind = 'accommodation'
               AND (ended_on IS NULL) = $2
            """, [person.id, open]
        ).first!.get("n")
    }

    func testOpeningAnAccommodationIsUndoneWhenItsAuditRowFails() throws {
        let (person, _) = try Fixtures.applicant(db)
        let (b, cada) = try spadaWithCada()
        let fields = ["structure": String(cada.id), "started_on": ParisCalendar.civilDate(of: Date()).iso]
        let restore = try refuseAudit("open_accommodation", applicant: person.id)
        XCTAssertEqual(b.post("/pro/personnes/\(person.id)/hebergement", fields).status, 500)
        restore()
        XCTAssertEqual(try accommodations(person, open: true), 0, "no accommodation opened without its audit row")
        XCTAssertEqual(
            b.post("/pro/personnes/\(person.id)/hebergement", fields).location,
            "/pro/personnes/\(person.id)?notice=accommodation_saved")
        XCTAssertEqual(try accommodations(person, open: true), 1)
    }

    func testEndingAnAccommodationIsUndoneWhenItsAuditRowFails() throws {
        let (person, _) = try Fixtures.applicant(db)
        let (b, cada) = try spadaWithCada()
        try FollowLinks.open(applicant: person.id, structure: cada.id, kind: .accommodation, startedOn: "2024-02-01", by: nil, db: db)
        let restore = try refuseAudit("end_accommodation", applicant: person.id)
        XCTAssertEqual(b.post("/pro/personnes/\(person.id)/hebergement/fin", ["structure": String(cada.id)]).status, 500)
        restore()
        XCTAssertEqual(try accommodations(person, open: true), 1, "the accommodation is not ended without its audit row")
        XCTAssertEqual(b.post("/pro/personnes/\(person.id)/hebergement/fin", ["structure": String(cada.id)]).status, 303)
        XCTAssertEqual(try accommodations(person, open: false), 1)
    }

    func testAKioskContactStaysUnverifiedWhenItsAuditRowFails() throws {
        let (person, _) = try Fixtures.applicant(db, phone: nil)
        let mobile = "+3367\(Int.random(in: 1_000_000...9_999_999))"
        let code = try XCTUnwrap(VerificationCode(digits: "482913", issuedAt: Date()))
        let verification = try ContactVerifications.create(
            applicant: person.id, channel: "sms", target: mobile, code: code,
            secret: app.config.secret, db: db)
        let (b, _) = try spadaWithCada()
        let fields = ["verification": String(verification), "code": "482913"]
        let restore = try refuseAudit("kiosk_contact_verified", applicant: person.id)
        XCTAssertEqual(b.post("/pro/inscriptions/\(person.id)/coordonnees", fields).status, 500)
        restore()
        XCTAssertNil(try Applicants.find(id: person.id, db: db)?.verifiedPhone, "no contact verified without its audit row")
        XCTAssertEqual(b.post("/pro/inscriptions/\(person.id)/coordonnees", fields).status, 303, "the code was not used up")
        XCTAssertEqual(try Applicants.find(id: person.id, db: db)?.verifiedPhone, mobile)
    }
}
