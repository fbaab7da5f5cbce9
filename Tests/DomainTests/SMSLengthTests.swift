import XCTest

@testable import Domain

final class SMSLengthTests: XCTestCase {
    func testPlainFrenchTextIsGSM7() {
        let text = "Un nouveau document vous attend sur votre espace OFPRA. Connectez-vous pour le lire."
        let length = SMSLength(measuring: text)
        XCTAssertEqual(length.encoding, .gsm7)
        XCTAssertEqual(length.units, text.count)
        XCTAssertEqual(length.singleMessageLimit, 160)
        XCTAssertEqual(SMSLength(measuring: "Élève à l'école, où ça?").encoding, .ucs2)
        XCTAssertEqual(SMSLength(measuring: "Élève à l'école, où?").encoding, .gsm7)
    }

    func testFrenchCharactersOutsideGSM7SwitchToUCS2() {
        for text in [
            "Vous avez reçu un document", "Ouvrez la fenêtre de connexion", "Coût",
            "Un document vous attend\u{00A0}!", "Consultez l’espace OFPRA",
        ] {
            let length = SMSLength(measuring: text)
            XCTAssertEqual(length.encoding, .ucs2, text)
            XCTAssertEqual(length.units, text.utf16.count, text)
            XCTAssertEqual(length.singleMessageLimit, 70, text)
        }
    }

    func testExtensionCharactersCountTwo() {
        XCTAssertEqual(SMSLength(measuring: "Prix: 10€").units, 10)
        XCTAssertEqual(SMSLength(measuring: "[OFPRA] {code}").units, 18)
        XCTAssertEqual(SMSLength(measuring: "a\r\nb").units, 4)
    }

    func testSingleMessageLimits() {
        XCTAssertTrue(SMSLength(measuring: String(repeating: "a", count: 160)).fitsInOneMessage)
        XCTAssertFalse(SMSLength(measuring: String(repeating: "a", count: 161)).fitsInOneMessage)
        XCTAssertFalse(SMSLength(measuring: String(repeating: "a", count: 159) + "€").fitsInOneMessage)
        XCTAssertTrue(SMSLength(measuring: String(repeating: "ا", count: 70)).fitsInOneMessage)
        XCTAssertFalse(SMSLength(measuring: String(repeating: "ا", count: 71)).fitsInOneMessage)
        XCTAssertEqual(SMSLength(measuring: "OK 👍").units, 5)
    }

    func testTablesMatchGSM0338() {
        XCTAssertEqual(SMSLength.basicTable.count, 127)
        XCTAssertEqual(SMSLength.extensionTable.count, 10)
        XCTAssertTrue(SMSLength.basicTable.isDisjoint(with: SMSLength.extensionTable))
    }
}
