import Domain
import Foundation
import Jobs
import Outbox
import Postgres
import XCTest

@testable import Web

/// The escalation of unopened documents and the reminders before a rejection's time limits,
/// with the legal clock injected: each step on its day, once, and never the document's content.
final class EscalationTests: IntegrationTestCase {
    let job = ReminderJob()
    let pdf = Array("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".utf8)
    let day: TimeInterval = 86_400

    func phone() -> String { "+3367\(Int.random(in: 1_000_000...9_999_999))" }

    /// A person followed by SPADA Test, whose functional address is made unique for the test.
    func followedPerson(phone: String?, email: String? = nil) throws -> (Applicant, structureEmail: String) {
        let (person, _) = try Fixtures.applicant(db, phone: phone, email: email)
        let structure = try Fixtures.structure(db)
        let address = "equipe-\(Int.random(in: 0...9_999_999))@spada.test"
        try db.query("UPDATE structures SET email = $2 WHERE id = $1", [structure.id, address])
        if try db.query("SELECT 1 FROM follow_links WHERE applicant_id = $1 AND structure_id = $2", [person.id, structure.id]).first == nil
        {
            try FollowLinks.open(
                applicant: person.id, structure: structure.id, kind: .domiciliation, startedOn: "2024-01-01", by: nil, db: db)
        }
        return (person, address)
    }

    func deposit(_ kind: DocumentKind, for person: Applicant) throws -> DocumentRecord {
        try DocumentDeposit.deposit(kind, pdf: pdf, interview: nil, for: person, by: nil, db: db).document
    }

    func subject(_ d: DocumentRecord) -> String { "document:\(d.publicId.uuidString.lowercased())" }

    /// Marks the document's messages (of `template`) as the provider reported them, out of the
    /// queue (dead) so that the stack's running worker, if any, leaves them alone: a message it
    /// holds (sending) is waited for.
    func report(_ status: DeliveryStatus, _ d: DocumentRecord, template: String? = nil) throws {
        for _ in 0..<50 {
            try db.query(
                """
                UPDATE outbox_messages SET state = 'dead', delivery_status = $2, sent_at = NULL, locked_by = NULL, locked_at = NULL,
                    last_error = 'reported by the test'
                WHERE subject_ref = $1 AND ($3::text IS NULL OR template = $3) AND state <> 'sending'
                """, [subject(d), status.rawValue, template])
            let left = try db.query(
                """
                SELECT count(*) AS n FROM outbox_messages WHERE subject_ref = $1 AND ($3::text IS NULL OR template = $3)
                  AND (state <> 'dead' OR delivery_status <> $2)
                """, [subject(d), status.rawValue, template]
            ).first?.get("n", as: Int.self)
            if left == 0 { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("the messages of \(subject(d)) stayed in a worker's hands")
    }

    func steps(_ d: DocumentRecord) throws -> [String] {
        try db.query("SELECT step_key FROM document_events WHERE document_id = $1 ORDER BY id", [d.id]).rows.map { try $0.get("step_key") }
    }

    func messages(_ d: DocumentRecord, to recipient: String) throws -> [OutboxRecord] {
        try Outbox.messages(subjectRef: subject(d), db).filter { $0.recipient == recipient }
    }

    func testAPhoneOnlyPersonWhoseSMSFailsIsReachedThroughTheirStructureOnceAlertedAndAgainOnDayTwelve() throws {
        let (person, structureEmail) = try followedPerson(phone: phone())
        let d = try deposit(.sixMonthLetter, for: person)
        try job.run(db, now: d.depositedAt.addingTimeInterval(3600))
        XCTAssertEqual(try steps(d), [], "nothing to do while the SMS may still arrive")

        // The gateway's receipt: the number cannot be reached.
        try report(.permanentFailure, d)
        try job.run(db, now: d.depositedAt.addingTimeInterval(2 * 3600))
        XCTAssertEqual(try steps(d), ["no_channel_left", "structure_alerted"], "no other channel: the structure at once")
        let alert = try messages(d, to: structureEmail)
        XCTAssertEqual(alert.map(\.template), ["structure_document_alert"])
        let deemed = ParisCalendar.civilDate(of: DocumentNotification.deemedNotificationInstant(depositedAt: d.depositedAt))
        XCTAssertEqual(alert.first?.params["date"], deemed.numeric, "the day it will be deemed notified")
        XCTAssertEqual(alert.first?.params.keys.sorted(), ["date"], "no name, no document content")

        try job.run(db, now: d.depositedAt.addingTimeInterval(11 * day))
        XCTAssertEqual(try messages(d, to: structureEmail).count, 1, "once until day 12")
        try job.run(db, now: d.depositedAt.addingTimeInterval(12 * day + 60))
        try job.run(db, now: d.depositedAt.addingTimeInterval(13 * day))
        XCTAssertEqual(try steps(d), ["no_channel_left", "structure_alerted", "structure_alerted_again"])
        XCTAssertEqual(try messages(d, to: structureEmail).count, 2)
        try job.run(db, now: d.depositedAt.addingTimeInterval(16 * day))
        XCTAssertEqual(try steps(d).count, 3, "nothing after it is deemed notified")
    }

    func testATemporaryFailureIsRetriedOnceThenTheStructureOnDaySevenUnlessOpened() throws {
        let number = phone()
        let (person, structureEmail) = try followedPerson(phone: number)
        let d = try deposit(.convocationCancellation, for: person)
        try report(.temporaryFailure, d)
        try job.run(db, now: d.depositedAt.addingTimeInterval(600))
        XCTAssertEqual(try messages(d, to: number).map(\.template).sorted(), ["document_deposited", "document_reminder"], "one more try")
        XCTAssertEqual(try steps(d), ["message_retried"], "the structure waits for the retry")
        try job.run(db, now: d.depositedAt.addingTimeInterval(900))
        XCTAssertEqual(try steps(d), ["message_retried"], "still waiting: the retry has not failed")
        try report(.temporaryFailure, d, template: "document_reminder")
        try job.run(db, now: d.depositedAt.addingTimeInterval(1200))
        XCTAssertEqual(try steps(d), ["message_retried", "no_channel_left", "structure_alerted"], "the retry failed too")
        XCTAssertEqual(try messages(d, to: number).count, 2, "one retry only")
        XCTAssertEqual(try messages(d, to: structureEmail).count, 1)

        let opened = try deposit(.sixMonthLetter, for: person)
        try job.run(db, now: opened.depositedAt.addingTimeInterval(6 * day))
        XCTAssertEqual(try steps(opened), [], "delivered, unopened, day 6: nothing yet")
        try job.run(db, now: opened.depositedAt.addingTimeInterval(7 * day + 60))
        XCTAssertEqual(try steps(opened), ["structure_alerted"], "day 7: the structure")
        XCTAssertEqual(try messages(opened, to: structureEmail).count, 1)

        let read = try deposit(.sixMonthLetter, for: person)
        _ = try Documents.markConsulted(id: read.id, at: read.depositedAt.addingTimeInterval(day), db: db)
        try job.run(db, now: read.depositedAt.addingTimeInterval(8 * day))
        XCTAssertEqual(try steps(read), [], "opened: nobody is chased")
    }

    func testTheStructureDashboardFlagsThePersonOnceAlerted() throws {
        let (person, _) = try followedPerson(phone: phone())
        let d = try deposit(.sixMonthLetter, for: person)
        let before = try XCTUnwrap(
            FollowedPeople.list(structure: try Fixtures.structure(db).id, only: person.id, now: Date(), db: db).first)
        XCTAssertFalse(before.flags(now: Date()).contains(.alerted))
        try job.run(db, now: d.depositedAt.addingTimeInterval(7 * day + 60))
        let after = try XCTUnwrap(FollowedPeople.list(structure: try Fixtures.structure(db).id, only: person.id, now: Date(), db: db).first)
        XCTAssertTrue(after.flags(now: Date()).contains(.alerted))
    }

    func testARejectionIsRemindedSevenAndTwoDaysBeforeEachTimeLimitAndTheAppealNotOnceLegalAidWasAsked() throws {
        let number = phone()
        let email = "recours\(Int.random(in: 0...9_999_999))@example.org"
        let (person, structureEmail) = try followedPerson(phone: number, email: email)
        try db.query("UPDATE applicants SET email_verified_at = now() WHERE id = $1", [person.id])
        let d = try deposit(.decisionRejection, for: person)
        let notifiedAt = d.depositedAt.addingTimeInterval(3600)
        _ = try Documents.markConsulted(id: d.id, at: notifiedAt, db: db)
        let notifiedOn = ParisCalendar.civilDate(of: notifiedAt)
        let deadlines = Deadlines.for(kind: .decisionRejection, notifiedOn: notifiedOn, overseas: false, today: notifiedOn)
        let legalAid = try XCTUnwrap(deadlines.first { $0.kind == .legalAidRequest })
        let appeal = try XCTUnwrap(deadlines.first { $0.kind == .cndaAppeal })
        func noon(_ day: CivilDate) -> Date { ParisCalendar.startOfDay(day).addingTimeInterval(12 * 3600) }

        try job.run(db, now: noon(legalAid.lastDay.adding(days: -8)))
        XCTAssertFalse(try steps(d).contains { $0.hasPrefix("deadline:") }, "not before 7 days ahead")
        try job.run(db, now: noon(legalAid.lastDay.adding(days: -7)))
        XCTAssertEqual(try steps(d).filter { $0.hasPrefix("deadline:") }, ["deadline:legal_aid_request:7"])
        let first = try Outbox.messages(subjectRef: subject(d), db).filter { $0.template == "legal_aid_reminder" }
        XCTAssertEqual(Set(first.map(\.channel)), [.sms, .email], "both of the person's channels")
        XCTAssertEqual(first.first?.params["date"], legalAid.lastDay.numeric, "the legal last day")
        XCTAssertEqual(try messages(d, to: structureEmail).map(\.template), ["structure_deadline_reminder"])
        try job.run(db, now: noon(legalAid.lastDay.adding(days: -6)))
        XCTAssertEqual(try steps(d).filter { $0.hasPrefix("deadline:") }.count, 1, "once")

        // The person says they asked for legal aid: no more legal-aid reminder, and the appeal
        // time limit is suspended, so its reminders never come.
        try db.query("UPDATE documents SET legal_aid_requested_on = $2::date WHERE id = $1", [d.id, legalAid.lastDay.adding(days: -5).iso])
        for offset in [-2, 0] { try job.run(db, now: noon(legalAid.lastDay.adding(days: offset))) }
        for offset in [-7, -2, 0] { try job.run(db, now: noon(appeal.lastDay.adding(days: offset))) }
        XCTAssertEqual(try steps(d).filter { $0.hasPrefix("deadline:") }, ["deadline:legal_aid_request:7"])
    }

    func testWithoutLegalAidTheAppealIsRemindedOnItsDays() throws {
        let (person, _) = try followedPerson(phone: phone())
        let d = try deposit(.decisionRejection, for: person)
        _ = try Documents.markConsulted(id: d.id, at: d.depositedAt, db: db)
        let notifiedOn = ParisCalendar.civilDate(of: d.depositedAt)
        let appeal = try XCTUnwrap(
            Deadlines.for(kind: .decisionRejection, notifiedOn: notifiedOn, overseas: false, today: notifiedOn).first {
                $0.kind == .cndaAppeal
            })
        func noon(_ day: CivilDate) -> Date { ParisCalendar.startOfDay(day).addingTimeInterval(12 * 3600) }
        for offset in [-7, -3, -2, -1, 0, 1] { try job.run(db, now: noon(appeal.lastDay.adding(days: offset))) }
        let appealSteps = try steps(d).filter { $0.hasPrefix("deadline:cnda_appeal") }
        XCTAssertEqual(appealSteps, ["deadline:cnda_appeal:7", "deadline:cnda_appeal:2"])
    }
}
