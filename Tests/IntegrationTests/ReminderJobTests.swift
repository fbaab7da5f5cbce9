import Domain
import Foundation
import Jobs
import Outbox
import Postgres
import XCTest

@testable import Web

/// Reminders at their edges, with the clock injected (no sleeps).
final class ReminderJobTests: IntegrationTestCase {
    let job = ReminderJob()
    let pdf = Array("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".utf8)

    func deposit(for person: Applicant) throws -> DocumentRecord {
        try DocumentDeposit.deposit(.decisionRejection, pdf: pdf, interview: nil, for: person, by: nil, db: db).document
    }

    func reminders(_ d: DocumentRecord) throws -> [OutboxRecord] {
        try Outbox.messages(subjectRef: "document:\(d.publicId.uuidString.lowercased())", db).filter { $0.template == "document_reminder" }
    }

    func testAnUnreadDocumentIsRemindedOnTheOtherChannelAfterThreeDaysOnce() throws {
        let (person, _) = try Fixtures.applicant(
            db, phone: "+3361\(Int.random(in: 1_000_000...9_999_999))",
            email: "p\(Int.random(in: 0...999_999))@example.org")
        let d = try deposit(for: person)
        let first = try Outbox.messages(subjectRef: "document:\(d.publicId.uuidString.lowercased())", db)
        XCTAssertEqual(first.map(\.channel), [.sms], "the deposit goes to the phone first")
        try job.run(db, now: d.depositedAt.addingTimeInterval(2.9 * 86_400))
        XCTAssertEqual(try reminders(d).count, 0, "not before three days")
        try job.run(db, now: d.depositedAt.addingTimeInterval(3.1 * 86_400))
        let sent = try reminders(d)
        XCTAssertEqual(sent.map(\.channel), [.email], "the other channel")
        XCTAssertEqual(sent.first?.params["days"], "3")
        try job.run(db, now: d.depositedAt.addingTimeInterval(5 * 86_400))
        XCTAssertEqual(try reminders(d).count, 1, "once")
    }

    func testNoReminderOnceOpenedOrDeemedNotified() throws {
        let (person, _) = try Fixtures.applicant(
            db, phone: "+3362\(Int.random(in: 1_000_000...9_999_999))",
            email: "q\(Int.random(in: 0...999_999))@example.org")
        let opened = try deposit(for: person)
        try Documents.markConsulted(id: opened.id, db: db)
        let old = try deposit(for: person)
        try job.run(db, now: old.depositedAt.addingTimeInterval(16 * 86_400))
        XCTAssertEqual(try reminders(opened).count, 0)
        XCTAssertEqual(try reminders(old).count, 0, "after day 15 the document is notified anyway")
    }

    func testADeadFirstMessageIsEscalatedAtOnce() throws {
        let (person, _) = try Fixtures.applicant(
            db, phone: "+3363\(Int.random(in: 1_000_000...9_999_999))",
            email: "r\(Int.random(in: 0...999_999))@example.org")
        let d = try deposit(for: person)
        try db.query(
            "UPDATE outbox_messages SET state = 'dead', last_error = 'test', sent_at = NULL, locked_by = NULL, locked_at = NULL WHERE subject_ref = $1",
            ["document:\(d.publicId.uuidString.lowercased())"])
        try job.run(db, now: d.depositedAt.addingTimeInterval(60))
        XCTAssertEqual(try reminders(d).map(\.channel), [.email])
    }

    /// A stored address the e-mail rule refuses (from before the rule) is skipped, not thrown
    /// on: one bad row must not stop the reminders of everyone after it.
    func testABadStoredEmailIsSkippedAndTheJobGoesOn() throws {
        let bad = "karim;\(Int.random(in: 0...999_999))@example.org"
        let (person, _) = try Fixtures.applicant(db, phone: "+3366\(Int.random(in: 1_000_000...9_999_999))")
        try db.query("UPDATE applicants SET email = $2, email_verified_at = now() WHERE id = $1", [person.id, bad])
        let reloaded = try XCTUnwrap(Applicants.find(id: person.id, db: db))
        let d = try deposit(for: reloaded)
        try db.query("UPDATE applicants SET activated_at = $2 WHERE id = $1", [person.id, d.depositedAt.addingTimeInterval(-20 * 86_400)])
        XCTAssertNoThrow(try job.run(db, now: d.depositedAt.addingTimeInterval(3.1 * 86_400)))
        let sent: Int = try db.query("SELECT count(*) AS n FROM outbox_messages WHERE recipient = $1", [bad]).first!.get("n")
        XCTAssertEqual(sent, 0)
        let absent = try Outbox.messages(subjectRef: "applicant:\(person.id)", db).filter { $0.template == "login_reminder" }
        XCTAssertEqual(absent.map(\.channel), [.sms], "the absence reminder still goes to the phone")
    }

    func testAbsentApplicantsAreRemindedOncePerAbsence() throws {
        let phone = "+3364\(Int.random(in: 1_000_000...9_999_999))"
        let (person, _) = try Fixtures.applicant(db, phone: phone)
        try Applicants.setPassword(id: person.id, hash: "x", db: db)
        try Applicants.recordLogin(id: person.id, db: db)
        let seen = try XCTUnwrap(Applicants.find(id: person.id, db: db)?.lastLoginAt)
        func count() throws -> Int { try Outbox.messages(recipient: phone, db).filter { $0.template == "login_reminder" }.count }
        try job.run(db, now: seen.addingTimeInterval(14.9 * 86_400))
        XCTAssertEqual(try count(), 0)
        try job.run(db, now: seen.addingTimeInterval(15.1 * 86_400))
        try job.run(db, now: seen.addingTimeInterval(20 * 86_400))
        XCTAssertEqual(try count(), 1)
    }
}
