import Domain
import Foundation
import Postgres
import XCTest

@testable import HTTP
@testable import Web

/// The prefecture's first pages against a real database: the state machine the schema
/// enforces, the queue of one department sorted by urgency, and a request taken up for review
/// that the person sees in their own history.
final class PrefectureTests: IntegrationTestCase {
    func testTheSchemaAllowsExactlyTheMovesTheDomainDescribes() throws {
        let rows = try db.query("SELECT from_state, to_state FROM anef_state_transitions").rows.map {
            "\(try $0.get("from_state", as: String.self))>\(try $0.get("to_state", as: String.self))"
        }
        let domain = PermitRequestState.allCases.flatMap { s in s.next.map { "\(s.rawValue)>\($0.rawValue)" } }
        XCTAssertEqual(Set(rows), Set(domain))
        let made = try filedRequest(department: "35")
        XCTAssertThrowsError(
            try db.query("UPDATE anef_requests SET state = 'card_handed_over' WHERE id = $1", [made.request.id]),
            "filed → card handed over skips the instruction")
        try db.query("UPDATE anef_requests SET state = 'under_review' WHERE id = $1", [made.request.id])
    }

    /// A filed request of `department`, with an attestation expiring in `days`.
    func filedRequest(department: String, days: Int = 150) throws -> AnefFixtures.Made {
        let made = try AnefFixtures.filled(db)
        try db.query(
            """
            UPDATE anef_requests SET state = 'filed', filed_at = now(), department = $2, civil_status_checked_at = now(),
              marital_status = 'single', address_kind = 'own', postcode = $2 || '000', city = 'Ville', declared_truthful = true
            WHERE id = $1
            """, [made.request.id, department])
        try db.query(
            "UPDATE anef_attestations SET valid_from = current_date - 30, valid_until = current_date + $2::int WHERE request_id = $1",
            [made.request.id, days])
        return made
    }

    func instructor(_ department: String) throws -> Browser {
        let s = try Structures.upsert(kind: .prefecture, name: "Test prefecture \(department)", city: "x", department: department, db: db)
        let staff = try StaffAccounts.upsert(
            email: EmailAddress("instructor-\(department)@test.invalid")!, displayName: "Instructor \(department)",
            role: .prefectureInstructor, structureId: s.id, password: "instructor-pass-1", hasher: .fastForTests, db: db)
        let b = Browser(app: app)
        b.cookies["session"] = try app.sessions.start(subject: .staff, id: staff.id, replacing: nil, db: db).token
        return b
    }

    func testTheQueueListsTheDepartmentsRequestsMostUrgentFirst() throws {
        let later = try filedRequest(department: "22", days: 120)
        let sooner = try filedRequest(department: "22", days: 12)
        let elsewhere = try filedRequest(department: "29", days: 5)
        let page = try instructor("22").get("/agents/prefecture").html
        let a = try XCTUnwrap(page.range(of: sooner.request.number))
        let b = try XCTUnwrap(page.range(of: later.request.number))
        XCTAssertLessThan(a.lowerBound, b.lowerBound, "the attestation expiring first comes first")
        XCTAssertFalse(page.contains(elsewhere.request.number), "another department's request is not listed")
        XCTAssertTrue(page.contains("tag-flag"), "an attestation expiring within 30 days is flagged")
        let filtered = try instructor("22").get("/agents/prefecture?etat=under_review").html
        XCTAssertFalse(filtered.contains(sooner.request.number))
    }

    func testTakingARequestUpIsDatedAttributedAuditedAndShownToThePerson() throws {
        let made = try filedRequest(department: "35")
        let b = try instructor("35")
        XCTAssertEqual(try b.get("/agents/prefecture/demandes/\(made.request.id)").status, 200)
        let r = b.post("/agents/prefecture/demandes/\(made.request.id)/instruction", [:])
        XCTAssertEqual(r.location, "/agents/prefecture/demandes/\(made.request.id)?notice=review_started")
        XCTAssertEqual(
            b.post("/agents/prefecture/demandes/\(made.request.id)/instruction", [:]).location,
            "/agents/prefecture/demandes/\(made.request.id)?notice=review_not_started", "a second click changes nothing")
        XCTAssertEqual(try AnefRequests.find(account: made.account.id, db: db)?.state, "under_review")
        let events = try AnefRequests.history(made.request.id, db: db)
        XCTAssertEqual(events.filter { $0.event == "review_started" }.map(\.actor), ["staff"])
        let audited: Int = try XCTUnwrap(
            db.query(
                "SELECT count(*)::int AS n FROM audit_events WHERE action IN ('view_anef_request', 'start_anef_review') AND detail = $1",
                [made.request.number]
            ).first?.get("n"))
        XCTAssertEqual(audited, 2)
        // The person reads the same line in their space.
        let person = Browser(app: app)
        person.cookies["session"] = try app.sessions.start(subject: .anef, id: made.account.id, replacing: nil, db: db).token
        let space = try person.get("/anef").html
        XCTAssertTrue(space.contains(escapedHTML(app.catalogues[.french].text("anef.events.review_started"))))
        XCTAssertTrue(space.contains(escapedHTML(app.catalogues[.french].text("anef.states.under_review"))))
    }

    func testAnInstructorWithoutAPrefectureSeesNothing() throws {
        let staff = try StaffAccounts.upsert(
            email: EmailAddress("instructor-nowhere@test.invalid")!, displayName: "Nowhere", role: .prefectureInstructor,
            structureId: nil, password: "instructor-pass-1", hasher: .fastForTests, db: db)
        let b = Browser(app: app)
        b.cookies["session"] = try app.sessions.start(subject: .staff, id: staff.id, replacing: nil, db: db).token
        XCTAssertEqual(try b.get("/agents/prefecture").status, 404)
    }
}

/// Substitution: a request filed at the counter is the same request object the person later
/// takes over by signing up online.
final class CounterFilingTests: IntegrationTestCase {
    func testACounterFilingIssuesTheAttestationAndTheOnlineSignUpTakesItOver() throws {
        let p = try AnefFixtures.protection(db)
        let office = try Structures.upsert(kind: .prefecture, name: "Counter 35", city: "Rennes", department: "35", db: db)
        let staff = try StaffAccounts.upsert(
            email: EmailAddress("counter-35@test.invalid")!, displayName: "Counter", role: .prefectureInstructor, structureId: office.id,
            password: "instructor-pass-1", hasher: .fastForTests, db: db)
        let agent = Browser(app: app)
        agent.cookies["session"] = try app.sessions.start(subject: .staff, id: staff.id, replacing: nil, db: db).token
        let fields = [
            "identifier": p.ofpraNumber, "surnames": "haile", "given_names": "SELAM", "birth_date": "11/02/1993",
            "marital_status": "single",
            "address_kind": "domiciliation", "host_or_org": "Secours populaire", "address_line": "1 rue de Paris", "postcode": "35000",
            "city": "Rennes",
        ]
        XCTAssertEqual(agent.post("/agents/prefecture/guichet", fields).status, 422, "the person's declaration is needed")
        var wrong = fields
        wrong["postcode"] = "69001"
        wrong["declared"] = "1"
        XCTAssertEqual(agent.post("/agents/prefecture/guichet", wrong).status, 422, "another department's address")
        var ok = fields
        ok["declared"] = "1"
        let r = agent.post("/agents/prefecture/guichet", ok)
        let location = try XCTUnwrap(r.location, r.html)
        XCTAssertTrue(location.hasSuffix("?notice=counter_filed"), location)
        XCTAssertEqual(agent.post("/agents/prefecture/guichet", ok).status, 409, "a second counter filing for the same person")
        let account: Int64 = try XCTUnwrap(
            db.query("SELECT id FROM anef_accounts WHERE protection_id = $1", [p.id]).first?.get("id"))
        let request = try XCTUnwrap(AnefRequests.find(account: account, db: db))
        XCTAssertEqual(request.channel, "counter")
        XCTAssertEqual(request.state, "filed")
        XCTAssertEqual(try Attestations.forRequest(request.id, db: db).count, 2, "receipt and attestation at once")
        XCTAssertEqual(try agent.get("/agents/prefecture/demandes/\(request.id)/attestation").header("Content-Type"), "application/pdf")
        // Later, the person signs up online: the same account and request, now with their contacts.
        let person = Browser(app: app)
        try person.get("/anef/creer-un-compte")
        let signup = person.post(
            "/anef/creer-un-compte",
            [
                "identifier": p.ofpraNumber, "surnames": "Haile", "given_names": "Selam", "birth_date": "1993-02-11",
                "email": "selam@example.org", "phone": "06 98 76 54 32", "password": "un-long-chemin-de-pierres-9",
                "confirmation": "un-long-chemin-de-pierres-9",
            ])
        XCTAssertEqual(signup.location, "/anef/creer-un-compte/codes", signup.html)
        XCTAssertEqual(try AnefAccounts.find(id: account, db: db)?.email, "selam@example.org")
        XCTAssertEqual(try AnefRequests.find(account: account, db: db)?.id, request.id)
    }
}
