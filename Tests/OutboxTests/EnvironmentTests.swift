import Foundation
import Outbox
import XCTest

/// The worker refuses settings that would lose messages quietly or leak credentials.
final class EnvironmentTests: XCTestCase {
    let base = ["ASYLUM_DATABASE_URL": "dbname=asylum", "ASYLUM_ROOT": "/srv/asylum"]

    func testDefaultsAreTheSpoolOutsideProduction() throws {
        let env = try WorkerEnvironment(base)
        XCTAssertEqual(env.emailTransport, .spool)
        XCTAssertEqual(env.smsTransport, .spool)
        XCTAssertEqual(env.spoolDirectory, "/srv/asylum/.run/spool")
        XCTAssertEqual(env.templatesDirectory, "/srv/asylum/Views/messages")
        XCTAssertEqual(env.localesDirectory, "/srv/asylum/Locales")
        XCTAssertTrue(env.workerID.hasSuffix(":\(getpid())"))
    }

    func testDatabaseURLIsRequired() {
        XCTAssertThrowsError(try WorkerEnvironment(["ASYLUM_ROOT": "/srv/asylum"]))
    }

    func testProductionNeedsExplicitTransportsAndHTTPS() throws {
        var env = base.merging([
            "ASYLUM_ENV": "production", "ASYLUM_PUBLIC_URL": "https://asile.example.fr",
            "ASYLUM_MAIL_FROM": "no-reply@asile.example.fr",
        ]) { $1 }
        XCTAssertThrowsError(try WorkerEnvironment(env), "a default spool would swallow every message")
        env["ASYLUM_EMAIL_TRANSPORT"] = "smtp"
        env["ASYLUM_SMS_TRANSPORT"] = "http"
        env["ASYLUM_SMTP_URL"] = "smtp://mail.example.fr:587"
        env["ASYLUM_SMS_URL"] = "https://sms.example.fr/v2/sms"
        env["ASYLUM_SMS_TOKEN"] = "token"
        XCTAssertNoThrow(try WorkerEnvironment(env))
        env["ASYLUM_SMTP_USER"] = "outbox"
        XCTAssertThrowsError(try WorkerEnvironment(env), "credentials without TLS")
        env["ASYLUM_SMTP_STARTTLS"] = "1"
        XCTAssertEqual(try WorkerEnvironment(env).smtp?.startTLS, true)
        env["ASYLUM_SMS_URL"] = "http://sms.example.fr/v2/sms"
        XCTAssertThrowsError(try WorkerEnvironment(env))
    }

    func testSlowSpoolKnobOnlyInTests() throws {
        let knob = base.merging(["ASYLUM_SPOOL_DELAY_MS": "50"]) { $1 }
        XCTAssertEqual(try WorkerEnvironment(knob).spoolDelayMilliseconds, 0)
        XCTAssertEqual(try WorkerEnvironment(knob.merging(["ASYLUM_ENV": "test"]) { $1 }).spoolDelayMilliseconds, 50)
    }

    func testTheOutageThresholdIsThreeMinutesUnlessSaidOtherwise() throws {
        XCTAssertEqual(try WorkerEnvironment(base).outageThreshold, 180)
        XCTAssertEqual(try WorkerEnvironment(base.merging(["ASYLUM_OUTAGE_THRESHOLD": "30"]) { $1 }).outageThreshold, 30)
        XCTAssertThrowsError(try WorkerEnvironment(base.merging(["ASYLUM_OUTAGE_THRESHOLD": "0"]) { $1 }))
        XCTAssertThrowsError(try WorkerEnvironment(base.merging(["ASYLUM_OUTAGE_THRESHOLD": "soon"]) { $1 }))
    }

    func testTransportsNeedTheirSettings() {
        XCTAssertThrowsError(try WorkerEnvironment(base.merging(["ASYLUM_EMAIL_TRANSPORT": "smtp"]) { $1 }))
        XCTAssertThrowsError(try WorkerEnvironment(base.merging(["ASYLUM_SMS_TRANSPORT": "http"]) { $1 }))
        XCTAssertThrowsError(try WorkerEnvironment(base.merging(["ASYLUM_SMS_TRANSPORT": "carrier-pigeon"]) { $1 }))
        XCTAssertThrowsError(try WorkerEnvironment(base.merging(["ASYLUM_MAIL_FROM": "not an address"]) { $1 }))
    }
}
