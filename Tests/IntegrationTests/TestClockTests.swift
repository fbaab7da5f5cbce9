import Foundation
import Outbox
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
}
