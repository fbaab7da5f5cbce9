import Domain
import Foundation
import Outbox
import Postgres
import XCTest

@testable import HTTP
@testable import Web

/// The instruction against a real database: a request asked for documents, decided, its card
/// made, convoked (SMS with the address, calendar file) and handed over, each step in the one
/// history both sides read; renewals with the clock moved, run twice, and blocked.
final class InstructionTests: IntegrationTestCase {
    var office: Structure!

    /// A request filed through the handler in Ille-et-Vilaine (real receipt and attestation).
    func filed() throws -> (AnefAccount, PermitRequest, Browser) {
        office = try Structures.upsert(
            kind: .prefecture, name: "Préfecture test 35", city: "Rennes", address: "3 avenue de la Préfecture", department: "35", db: db)
        try db.query("UPDATE structures SET opening_hours = 'lun.-ven. 9h-16h' WHERE id = $1", [office.id])
        let account = try AnefFixtures.account(db, protection: try AnefFixtures.protection(db))
        let person = Browser(app: app)
        person.cookies["session"] = try app.sessions.start(subject: .anef, id: account.id, replacing: nil, db: db).token
        XCTAssertEqual(try person.get("/anef/demande").status, 200)
        let r = try XCTUnwrap(AnefRequests.find(account: account.id, db: db))
        XCTAssertTrue(
            try AnefRequests.saveDraft(
                id: r.id,
                [
                    ("civil_status_checked_at", Date()), ("marital_status", "single"), ("address_kind", "own"),
                    ("address_line", "2 rue de Brest"), ("postcode", "35000"), ("city", "Rennes"), ("contacts_checked_at", Date()),
                    ("photo_code", "CD" + String(repeating: "4", count: 14) + String(Int.random(in: 100_000...999_999))),
                    ("declared_truthful", true),
                ], db: db))
        _ = try AnefFiles.store(
            request: r.id, kind: .addressProof, contentType: "application/pdf", bytes: Array("%PDF-1.4\n%%EOF\n".utf8), afterFiling: false,
            db: db)
        XCTAssertEqual(person.post("/anef/demande/deposer", [:]).location, "/anef?notice=anef_filed")
        return (account, try XCTUnwrap(AnefRequests.find(account: account.id, db: db)), person)
    }

    func instructor() throws -> Browser {
        let staff = try StaffAccounts.upsert(
            email: EmailAddress("instruction-35@test.invalid")!, displayName: "Instruction 35", role: .prefectureInstructor,
            structureId: office.id, password: "instructor-pass-1", hasher: .fastForTests, db: db)
        let b = Browser(app: app)
        b.cookies["session"] = try app.sessions.start(subject: .staff, id: staff.id, replacing: nil, db: db).token
        return b
    }

    func state(_ r: PermitRequest) throws -> String { try XCTUnwrap(AnefRequests.find(account: r.accountId, db: db)).state }

    func testFromFilingToTheCardHandedOverBothSidesReadTheSameHistory() throws {
        let (account, r, person) = try filed()
        let agent = try instructor()
        let base = "/agents/prefecture/demandes/\(r.id)"
        XCTAssertEqual(agent.post(base + "/instruction", [:]).status, 303)
        // Asking needs what, why and a future date.
        XCTAssertEqual(
            agent.post(base + "/documents", ["what": "Acte de mariage", "why": "", "due_on": "2099-01-01"]).location,
            base + "?notice=ask_invalid#actions")
        let due = ParisCalendar.civilDate(of: Date()).adding(days: 20)
        XCTAssertEqual(
            agent.post(base + "/documents", ["what": "Acte de mariage", "why": "Pour la carte de votre époux", "due_on": due.iso]).location,
            base + "?notice=documents_asked#actions")
        XCTAssertEqual(try state(r), "documents_requested")
        let mail = try Outbox.messages(recipient: account.email, db, limit: 20)
        XCTAssertTrue(mail.contains { $0.template == "anef_documents_requested" })
        XCTAssertTrue(try person.get("/anef").html.contains("Acte de mariage"), "the person sees what is asked")
        // The person answers (the upload itself is the browser suite's): the request goes back.
        let ask = try XCTUnwrap(Instruction.openAsk(request: r.id, db: db))
        XCTAssertTrue(try Instruction.markAnswered(ask.id, db: db))
        try db.query("UPDATE anef_requests SET state = 'under_review' WHERE id = $1", [r.id])
        // A refusal without reasons is refused; a favourable decision gives the card of the status.
        XCTAssertEqual(agent.post(base + "/decision", ["decision": "refused"]).location, base + "?notice=reasons_required#actions")
        XCTAssertEqual(agent.post(base + "/decision", ["decision": "favourable"]).location, base + "?notice=decision_recorded#actions")
        XCTAssertEqual(try Instruction.outcome(request: r.id, db: db).card, .residentCard10Years)
        XCTAssertEqual(
            agent.post(base + "/decision", ["decision": "refused", "reasons": "x"]).location, base + "?notice=state_changed#actions")
        XCTAssertEqual(try state(r), "favourable", "a second decision changes nothing")
        XCTAssertEqual(agent.post(base + "/carte", ["step": "handed_over"]).location, base + "?notice=state_changed#actions")
        XCTAssertEqual(agent.post(base + "/carte", ["step": "production"]).status, 303)
        let pickup = ParisCalendar.civilDate(of: Date()).adding(days: 7)
        XCTAssertEqual(
            agent.post(base + "/carte", ["step": "available", "pickup_on": pickup.iso, "pickup_time": "10:15"]).location,
            base + "?notice=card_step_recorded#actions")
        let sms = try XCTUnwrap(
            Outbox.messages(subjectRef: "anef:\(account.id)", db).first { $0.template == "anef_card_available" && $0.channel == .sms })
        XCTAssertEqual(sms.params["address"], "3 avenue de la Préfecture, Rennes")
        XCTAssertEqual(sms.params["hours"], "lun.-ven. 9h-16h")
        let ics = try person.get("/anef/carte.ics")
        XCTAssertEqual(ics.status, 200)
        XCTAssertTrue(ics.html.contains("BEGIN:VEVENT") && ics.html.contains("3 avenue de la Préfecture"))
        XCTAssertEqual(agent.post(base + "/carte", ["step": "handed_over"]).status, 303)
        XCTAssertEqual(try state(r), "card_handed_over")
        XCTAssertThrowsError(
            try db.query("UPDATE anef_requests SET state = 'under_review' WHERE id = $1", [r.id]), "handed over is final")
        // Every line of the history is on both pages.
        let theirs = try agent.get(base).html
        let mine = try person.get("/anef").html
        for e in try AnefRequests.history(r.id, db: db) {
            let label = escapedHTML(app.catalogues[.french].text("anef.events.\(e.event)"))
            XCTAssertTrue(theirs.contains(label), "the prefecture's page lacks \(e.event)")
            XCTAssertTrue(mine.contains(label), "the person's page lacks \(e.event)")
        }
    }

    func testARefusalShowsItsReasonsAndTheWayToAppeal() throws {
        let (_, r, person) = try filed()
        let agent = try instructor()
        let base = "/agents/prefecture/demandes/\(r.id)"
        XCTAssertEqual(agent.post(base + "/instruction", [:]).status, 303)
        XCTAssertEqual(agent.post(base + "/decision", ["decision": "refused", "reasons": "Fraude au document"]).status, 303)
        let page = try person.get("/anef").html
        XCTAssertTrue(page.contains("Fraude au document"))
        XCTAssertTrue(page.contains(escapedHTML(app.catalogues[.french].text("anef.decision.appeal"))))
    }

    func renewals() -> AttestationRenewals { AttestationRenewals(key: app.signingKey, publicURL: app.config.publicURL) }

    func testAnAttestationTenDaysFromExpiryIsRenewedOnceAndTheOldOneShowsReplaced() throws {
        let (account, r, person) = try filed()
        let old = try XCTUnwrap(Attestations.live(request: r.id, db: db))
        let until = try XCTUnwrap(old.validUntil)
        // The clock moved to ten days before the last valid day.
        let today = until.adding(days: -10)
        // (Other tests' requests share the database: the counts are checked for this one request.)
        XCTAssertEqual(try renewals().renewIfDue(request: r.id, today: until.adding(days: -16), db: db), .notYet)
        XCTAssertGreaterThanOrEqual(try renewals().run(today: today, db: db).renewed, 1)
        XCTAssertEqual(try renewals().run(today: today, db: db).renewed, 0, "running the job twice renews once")
        XCTAssertEqual(try Attestations.forRequest(r.id, db: db).filter { $0.kind == .api }.count, 2)
        let new = try XCTUnwrap(Attestations.live(request: r.id, db: db))
        XCTAssertNotEqual(new.number, old.number)
        XCTAssertEqual(new.validFrom, until.adding(days: 1), "no gap between the two")
        XCTAssertEqual(new.validUntil, AttestationValidity.lastDay(from: until.adding(days: 1)))
        let verifier = Browser(app: app)
        XCTAssertTrue(try verifier.get("/verifier?d=" + FormData.percentEncode(old.barcode)).html.contains(#"data-status="replaced""#))
        XCTAssertTrue(try verifier.get("/verifier?d=" + FormData.percentEncode(new.barcode)).html.contains(#"data-status="not_yet_valid""#))
        let sent = try Outbox.messages(subjectRef: "anef:\(account.id)", db).filter { $0.template == "anef_attestation_renewed" }
        XCTAssertEqual(sent.count, 2, "one e-mail and one SMS, once")
        XCTAssertTrue(try person.get("/anef").html.contains(new.number))
    }

    func testARenewalThatCannotBeMadeIsAnIncidentOnceAtTheTopOfTheQueue() throws {
        let (account, r, person) = try filed()
        let other = try filed().1  // a second request, not blocked, expiring later
        _ = other
        try db.query("UPDATE protections SET ended_on = current_date WHERE id = $1", [account.protectionId])
        let until = try XCTUnwrap(Attestations.live(request: r.id, db: db)?.validUntil)
        XCTAssertEqual(try renewals().renewIfDue(request: r.id, today: until.adding(days: -31), db: db), .notYet)
        XCTAssertEqual(try renewals().renewIfDue(request: r.id, today: until.adding(days: -25), db: db), .blocked)
        XCTAssertEqual(try renewals().renewIfDue(request: r.id, today: until.adding(days: -20), db: db), .notYet, "reported once")
        XCTAssertEqual(try Attestations.forRequest(r.id, db: db).filter { $0.kind == .api }.count, 1, "nothing issued")
        XCTAssertEqual(
            try Outbox.messages(subjectRef: "anef:\(account.id)", db).filter { $0.template == "anef_renewal_blocked" }.count, 2,
            "one e-mail and one SMS")
        let queue = try instructor().get("/agents/prefecture").html
        let first = try XCTUnwrap(queue.range(of: "/agents/prefecture/demandes/"))
        XCTAssertTrue(queue[first.upperBound...].hasPrefix("\(r.id)\""), "the incident comes first")
        XCTAssertTrue(try person.get("/anef").html.contains(escapedHTML(app.catalogues[.french].text("anef.renewal.blocked_title"))))
        // A structure the person lets follow them sees the incident too (dates only).
        let spada = try Fixtures.structure(db)
        try Mandates.grant(account: account.id, structure: spada.id, until: CivilDate(year: 2099, month: 1, day: 1)!, db: db)
        let followed = try XCTUnwrap(Mandates.followed(structure: spada.id, db: db).first { $0.number == r.number })
        XCTAssertTrue(followed.renewalBlocked)
        // The instructor renews by hand.
        XCTAssertEqual(
            try instructor().post("/agents/prefecture/demandes/\(r.id)/renouvellement", [:]).location,
            "/agents/prefecture/demandes/\(r.id)?notice=attestation_renewed#actions")
    }
}
