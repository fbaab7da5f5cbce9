import Domain
import Foundation
import HTTP
import Postgres
@testable import Web
import XCTest

/// An act and its audit row commit together: when the audit row cannot be written, the act is
/// undone too (no unaudited act). The deposit's case is in DepositRouteTests.
final class AuditAtomicityTests: IntegrationTestCase {
    /// Makes every audit insert of `action` about `applicant` fail until the returned closure runs.
    func refuseAudit(_ action: String, applicant: Int64) throws -> () -> Void {
        let name = "refuse_\(action)_\(applicant)"
        try db.execute("""
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
}
