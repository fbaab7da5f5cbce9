import Domain
import Foundation
import Jobs
import Postgres
import Security
import XCTest

@testable import HTTP
@testable import Web

/// A document's legal timeline, as the person, their structure and OFPRA read it: the same
/// dated facts (deposit, messages and their fate, escalation, deemed notification, outages).
final class TimelineTests: IntegrationTestCase {
    let password = "une phrase assez longue"
    let pdf = Array("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".utf8)

    func fr(_ key: String, _ args: [String: String] = [:]) -> String { escapedHTML(app.catalogues[.french].text(key, args)) }

    func testThePersonTheirStructureAndOFPRASeeTheSameDatedFacts() throws {
        let (person, _) = try Fixtures.applicant(db, phone: "+3368\(Int.random(in: 1_000_000...9_999_999))")
        try Applicants.setPassword(id: person.id, hash: PasswordHasher.fastForTests.hash(password), db: db)
        let d = try DocumentDeposit.deposit(.sixMonthLetter, pdf: pdf, interview: nil, for: person, by: nil, db: db).document
        let subject = "document:\(d.publicId.uuidString.lowercased())"
        // The SMS failed for good (out of the queue, so a running worker leaves it), then the job ran.
        for _ in 0..<50 {
            try db.query(
                """
                UPDATE outbox_messages SET state = 'dead', delivery_status = 'permanent_failure', sent_at = NULL,
                    locked_by = NULL, locked_at = NULL, last_error = 'test' WHERE subject_ref = $1 AND state <> 'sending'
                """, [subject])
            if try db.query("SELECT 1 FROM outbox_messages WHERE subject_ref = $1 AND state <> 'dead'", [subject]).first == nil { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        try ReminderJob().run(db, now: Date())
        // A platform outage during the 15 days counts for the deadlines: it is in the timeline.
        let outage: Int64 = try db.query(
            "INSERT INTO platform_outages (component, started_at, ended_at) VALUES ('sms_provider', $1, $2) RETURNING id",
            [d.depositedAt.addingTimeInterval(-600), d.depositedAt.addingTimeInterval(1)]
        ).first!.get("id")
        defer { _ = try? db.query("DELETE FROM platform_outages WHERE id = $1", [outage]) }

        let b = Browser(app: app)
        try b.get("/usager/connexion")
        XCTAssertEqual(b.post("/usager/connexion", ["identifier": person.agdref!, "password": password]).status, 303)
        let page = try b.get("/usager/documents/\(d.publicId.uuidString.lowercased())")
        XCTAssertEqual(page.status, 200)
        for key in [
            "timeline.title", "timeline.deposited", "timeline.no_channel_left", "timeline.will_be_deemed",
            "delivery.status.permanent_failure",
        ] {
            XCTAssertTrue(page.html.contains(fr(key)), "\(key) on the person's page")
        }
        XCTAssertTrue(page.html.contains(escapedHTML(app.catalogues[.french].text("timeline.component.sms_provider"))), "the outage")

        let ofpra = Browser(app: app)
        _ = try Fixtures.staff(db, .ofpraAgent)
        try Fixtures.logInStaff(ofpra, .ofpraAgent)
        let file = try ofpra.get("/agents/ofpra/personnes/\(person.id)")
        XCTAssertTrue(file.html.contains(fr("timeline.no_channel_left")), "OFPRA reads the same facts")
    }
}
