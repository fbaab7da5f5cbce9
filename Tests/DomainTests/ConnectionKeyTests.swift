import Foundation
import XCTest

@testable import Domain

final class ConnectionKeyTests: XCTestCase {
    func testAlphabetHasNoLookAlikes() {
        let alphabet = ConnectionKey.alphabet
        XCTAssertEqual(String(alphabet), "0123456789CDFHKMNPRTVWXY")
        XCTAssertEqual(Set(alphabet).count, alphabet.count)
        XCTAssertTrue(Set(alphabet).isDisjoint(with: "OQILZSGBUAEJ"))
    }

    func testEntropyIsAtLeast60Bits() {
        XCTAssertEqual(ConnectionKey.entropyBits, 16 * log2(24.0), accuracy: 1e-9)
        XCTAssertEqual(ConnectionKey.entropyBits, 73.36, accuracy: 0.01)
        XCTAssertGreaterThanOrEqual(ConnectionKey.entropyBits, 60)
    }

    func testGeneratesFromTheRandomSourceOneSymbolAtATime() {
        let random = ScriptedRandom(Array(0...15))
        let key = ConnectionKey.generate(using: random)
        XCTAssertEqual(key.canonical, "0123456789CDFHKM")
        XCTAssertEqual(key.grouped, "0123-4567-89CD-FHKM")
        XCTAssertEqual(random.upperBounds, Array(repeating: 24, count: 16))
    }

    func testTheLastSymbolIsReachable() {
        let key = ConnectionKey.generate(using: ScriptedRandom(Array(repeating: 23, count: 16)))
        XCTAssertEqual(key.grouped, "YYYY-YYYY-YYYY-YYYY")
    }

    func testNormalizeAcceptsCaseSpacesAndDashes() {
        let expected = "K7HFMX4R9CDTPWY3"
        for typed in [
            "K7HF-MX4R-9CDT-PWY3", "k7hfmx4r9cdtpwy3", "K7HF MX4R 9CDT PWY3", "--K7HF--MX4R-9CDT-PWY3-",
            " k7h-fmx4r9-cdtpw-y3 ", "K7HF–MX4R–9CDT–PWY3", "K7HF\u{00A0}MX4R\u{00A0}9CDT\u{00A0}PWY3",
        ] {
            XCTAssertEqual(ConnectionKey.normalize(typed)?.canonical, expected, typed)
        }
    }

    func testNormalizeMapsLookAlikesToThePrintedCharacter() {
        let expected = "D0C12V5P6R8KTXYW"
        for typed in ["D0C1-2V5P-6R8K-TXYW", "dOcl-zu5p-gr8k-txyw", "DQCI-ZV5P-6RBK-TXYW", "D0CL-2VSP-GR8K-TXYW"] {
            XCTAssertEqual(ConnectionKey.normalize(typed)?.canonical, expected, typed)
        }
    }

    func testNormalizeAcceptsDigitsFromOtherScripts() {
        XCTAssertEqual(ConnectionKey.normalize("K٧HF-MX۴R-9CDT-PWY٣")?.canonical, "K7HFMX4R9CDTPWY3")
    }

    func testNormalizeRefusesWhatCannotBeAKey() {
        for typed in [
            "", "K7HF-MX4R-9CDT-PWY", "K7HF-MX4R-9CDT-PWY33", "A7HF-MX4R-9CDT-PWY3",
            "K7HF-MX4R-9CDT-PWYE", "J7HF-MX4R-9CDT-PWY3", "K7HF@MX4R-9CDT-PWY3", "K7HF/MX4R/9CDT/PWY3",
        ] {
            XCTAssertNil(ConnectionKey.normalize(typed), typed)
        }
    }

    func testGroupedFormReadsBackAsTheSameKey() {
        let key = ConnectionKey.generate(using: ScriptedRandom([3, 17, 9, 22, 0, 11, 5, 8, 14, 1, 20, 6, 19, 2, 12, 23]))
        XCTAssertEqual(ConnectionKey.normalize(key.grouped), key)
        XCTAssertEqual(ConnectionKey.normalize(key.grouped.lowercased()), key)
    }
}
