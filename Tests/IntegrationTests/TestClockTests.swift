import Domain
import Foundation
import Outbox
import Security
import XCTest

@testable import Web

/// The test clock moves legal time in a test stack only: the app and the worker refuse to start
/// with it anywhere else, and a page reads the moved time.
final class TestClockTests: XCTestCase {
    let secret = String(repeating: "ab", count: 32)

    func clockFile(_ seconds: Int?) throws -> String {
        let path = NSTemporaryDirectory() + "test-clock-\(UUID().uuidString)"
        if let seconds { try TestClock(file: path).set(offsetSeconds: seconds) }
        return path
    }

    func testTheAppAndTheWorkerRefuseTheTestClockOutsideTheTestEnvironment() throws {
        let file = try clockFile(86_400)
        let key = NSTemporaryDirectory() + "signing-\(UUID().uuidString).pem"
        try "read, not parsed, by Config".write(toFile: key, atomically: true, encoding: .utf8)
        for environment in ["production", "development"] {
            XCTAssertThrowsError(
                try Config.fromEnvironment([
                    "ASYLUM_SECRET": secret, "ASYLUM_ROOT": "/tmp", "ASYLUM_ENV": environment, TestClock.variable: file,
                    "ASYLUM_SIGNING_KEY_FILE": key,
                ]), environment
            ) { XCTAssertTrue("\($0)".contains(TestClock.variable), "\($0)") }
            XCTAssertThrowsError(
                try WorkerEnvironment([
                    "ASYLUM_DATABASE_URL": "dbname=x", "ASYLUM_ENV": environment, TestClock.variable: file,
                    "ASYLUM_EMAIL_TRANSPORT": "spool", "ASYLUM_SMS_TRANSPORT": "spool", "ASYLUM_PUBLIC_URL": "https://asile.example.fr",
                    "ASYLUM_MAIL_FROM": "Portail <ne-pas-repondre@asile.example.fr>",
                ]), environment
            ) { XCTAssertTrue("\($0)".contains(TestClock.variable), "\($0)") }
        }
        let test = try Config.fromEnvironment([
            "ASYLUM_SECRET": secret, "ASYLUM_ROOT": "/tmp", "ASYLUM_ENV": "test", TestClock.variable: file,
        ])
        XCTAssertGreaterThan(test.legalClock.now().timeIntervalSinceNow, 86_000, "a day ahead in the test environment")
        let plain = try Config.fromEnvironment(["ASYLUM_SECRET": secret, "ASYLUM_ROOT": "/tmp", "ASYLUM_ENV": "test"])
        XCTAssertEqual(plain.legalClock.now().timeIntervalSinceNow, 0, accuracy: 5, "no file: real time")
    }

    func testTheOffsetIsReadAtEachAskAndNeverGoesBackwards() throws {
        let file = try clockFile(nil)
        let clock = TestClock(file: file)
        XCTAssertEqual(clock.offset, 0, "no file yet")
        try clock.set(offsetSeconds: 15 * 86_400)
        XCTAssertEqual(clock.offset, 15 * 86_400)
        try "garbage".write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(clock.offset, 0, "unreadable: real time")
        try clock.set(offsetSeconds: -3600)
        XCTAssertEqual(clock.offset, 0, "tests only move forward")
    }

    /// Every legal date of a page follows the moved clock: the interview's days left too.
    func testADocumentPageCountsTheInterviewsDaysLeftFromTheLegalClock() throws {
        let (base, db) = try Fixtures.app()
        defer { db.close() }
        var config = base.config
        let clock = TestClock(file: try clockFile(3 * 86_400))
        config.legalClock = clock
        let app = try App(config: config, logger: base.logger)
        let (person, _) = try Fixtures.applicant(db)
        let password = "une phrase assez longue"
        try Applicants.setPassword(id: person.id, hash: PasswordHasher.fastForTests.hash(password), db: db)
        let interview = InterviewAppointment(
            date: ParisCalendar.civilDate(of: Date()).adding(days: 10), time: TimeOfDay(hhmm: "09:30")!, place: "OFPRA",
            address: "201 rue Carnot, 94120 Fontenay-sous-Bois", interpreterLanguage: nil)
        let pdf = Array("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".utf8)
        let d = try DocumentDeposit.deposit(.convocation, pdf: pdf, interview: interview, for: person, by: nil, db: db).document
        let b = Browser(app: app)
        try b.get("/usager/connexion")
        XCTAssertEqual(b.post("/usager/connexion", ["identifier": person.agdref!, "password": password]).status, 303)
        let page = try b.get("/usager/documents/\(d.publicId.uuidString.lowercased())").html
        let fr = app.catalogues[.french]
        XCTAssertTrue(page.contains(escapedHTML(fr.text("documents.deadline.days_left", count: 7))), "3 days later, 7 days left")
        XCTAssertFalse(page.contains(escapedHTML(fr.text("documents.deadline.days_left", count: 10))), "not counted from real time")
    }
}
