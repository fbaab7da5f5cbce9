import XCTest

@testable import Domain

final class PasswordPolicyTests: XCTestCase {
    private let agdref = AGDREFNumber("0123456789")!
    private let key = ConnectionKey.normalize("D0C1-2V5P-6R8K-TXYW")!

    private func violations(_ password: String) -> [PasswordViolation] {
        PasswordPolicy.violations(of: password, agdref: agdref, connectionKey: key)
    }

    func testALongPassphraseWithoutCompositionRulesIsAccepted() {
        XCTAssertEqual(violations("correct horse battery"), [])
        XCTAssertEqual(violations("la mer est calme ce matin"), [])
    }

    func testLengthEdgesCountCharactersAsPeopleSeeThem() {
        XCTAssertEqual(violations("Tour Eiffel"), [.tooShort])
        XCTAssertEqual(violations("Tour Eiffel!"), [])
        // Twelve letters whether "é" is one scalar or "e" + a combining accent.
        XCTAssertEqual(violations("éléphantrose"), [])
        XCTAssertEqual(violations("e\u{301}le\u{301}phantrose"), [])
        // Eleven family emoji are eleven characters, though 77 Unicode scalars.
        XCTAssertEqual(violations(String(repeating: "👨‍👩‍👧‍👦", count: 11)), [.tooShort])
        XCTAssertEqual(violations("كلمة سر طويلة"), [])
    }

    func testAcceptsUpTo128Characters() {
        XCTAssertEqual(violations(String(repeating: "ab", count: 32)), [])
        XCTAssertEqual(violations(String(repeating: "x", count: 128)), [])
        XCTAssertEqual(violations(String(repeating: "x", count: 129)), [.tooLong])
    }

    func testRefusesCommonPasswordsWhateverTheirCase() {
        for common in [
            "azerty123456", "Azerty123456", "motdepasse123", "soleil123456", "MOTDEPASSE123",
            "123456789012", "iloveyou1234",
        ] {
            XCTAssertEqual(violations(common), [.common], common)
        }
    }

    func testRefusesThePersonsAGDREFNumberInside() {
        XCTAssertEqual(violations("monnumero0123456789"), [.containsIdentifier])
        XCTAssertEqual(violations("mon 0123 456 789 a moi"), [.containsIdentifier])
        XCTAssertEqual(violations("monnumero0123456788"), [])
        XCTAssertEqual(PasswordPolicy.violations(of: "monnumero0123456789", agdref: nil, connectionKey: nil), [])
    }

    func testRefusesTheConnectionKeyHoweverWritten() {
        XCTAssertEqual(violations("D0C12V5P6R8KTXYW"), [.isConnectionKey])
        XCTAssertEqual(violations("d0c1 2v5p 6r8k txyw"), [.isConnectionKey])
        XCTAssertEqual(violations("D0C1-2V5P-6R8K-TXYZ"), [])
    }

    func testReportsEveryViolation() {
        XCTAssertEqual(
            PasswordPolicy.violations(of: "0123456789", agdref: agdref, connectionKey: key),
            [.tooShort, .containsIdentifier])
    }

    func testViolationCodes() {
        XCTAssertEqual(
            PasswordViolation.allCases.map(\.rawValue),
            ["too_short", "too_long", "common", "contains_identifier", "is_connection_key"])
    }

    func testCommonPasswordListShape() {
        let list = CommonPasswords.list
        XCTAssertGreaterThanOrEqual(list.count, 1_000)
        XCTAssertEqual(Set(list).count, list.count, "duplicates")
        for entry in list {
            XCTAssertGreaterThanOrEqual(entry.count, PasswordPolicy.minimumLength, entry)
            XCTAssertEqual(entry, entry.lowercased(), entry)
        }
    }
}
