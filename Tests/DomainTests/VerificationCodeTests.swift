import Foundation
import XCTest

@testable import Domain

final class VerificationCodeTests: XCTestCase {
    private let issued = instant("2025-05-05T10:00:00+02:00")

    func testSixDigitsWithLeadingZerosFromTheRandomSource() {
        let random = ScriptedRandom([42])
        XCTAssertEqual(VerificationCode.generate(using: random, now: issued).digits, "000042")
        XCTAssertEqual(random.upperBounds, [1_000_000])
        XCTAssertEqual(VerificationCode.generate(using: ScriptedRandom([999_999]), now: issued).digits, "999999")
        XCTAssertEqual(VerificationCode.generate(using: ScriptedRandom([0]), now: issued).digits, "000000")
    }

    func testValidForTenMinutes() {
        let code = VerificationCode(digits: "482913", issuedAt: issued)!
        XCTAssertEqual(code.expiresAt, issued.addingTimeInterval(600))
        XCTAssertEqual(code.check("482913", now: issued), .valid)
        XCTAssertEqual(code.check("482913", now: issued.addingTimeInterval(599)), .valid)
        XCTAssertEqual(code.check("482913", now: issued.addingTimeInterval(600)), .expired)
        XCTAssertEqual(code.check("000000", now: issued.addingTimeInterval(601)), .expired)
    }

    func testWrongCode() {
        let code = VerificationCode(digits: "482913", issuedAt: issued)!
        for typed in ["482914", "48291", "4829130", "", "abcdef"] {
            XCTAssertEqual(code.check(typed, now: issued.addingTimeInterval(60)), .wrong, typed)
        }
    }

    func testAcceptsSpacesAndDigitsFromOtherScripts() {
        let code = VerificationCode(digits: "482913", issuedAt: issued)!
        XCTAssertEqual(code.check(" 482 913 ", now: issued), .valid)
        XCTAssertEqual(code.check("٤٨٢٩١٣", now: issued), .valid)
    }

    func testSingleUse() {
        let used = VerificationCode(digits: "482913", issuedAt: issued)!.markedUsed(at: issued.addingTimeInterval(30))
        XCTAssertEqual(used.usedAt, issued.addingTimeInterval(30))
        XCTAssertEqual(used.check("482913", now: issued.addingTimeInterval(60)), .used)
        XCTAssertEqual(used.check("482913", now: issued.addingTimeInterval(900)), .used)
    }

    func testStoredDigitsMustBeSixASCIIDigits() {
        for stored in ["48291", "4829130", "48a913", "٤٨٢٩١٣", ""] {
            XCTAssertNil(VerificationCode(digits: stored, issuedAt: issued), stored)
        }
    }
}
