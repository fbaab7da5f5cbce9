import XCTest

@testable import Domain

final class IdentifiersTests: XCTestCase {
    func testAGDREFIsTenDigitsWithSpacesDropped() {
        XCTAssertEqual(AGDREFNumber("0123456789")?.digits, "0123456789")
        XCTAssertEqual(AGDREFNumber("01 23 456 789")?.digits, "0123456789")
        XCTAssertEqual(AGDREFNumber(" 0123\u{00A0}456789\n")?.digits, "0123456789")
        XCTAssertEqual(AGDREFNumber("٠١٢٣٤٥٦٧٨٩")?.digits, "0123456789")
        for wrong in ["012345678", "01234567890", "012345678a", "0123-456789", "", "+123456789"] {
            XCTAssertNil(AGDREFNumber(wrong), wrong)
        }
    }

    func testOFPRAFileNumberFormat() {
        XCTAssertEqual(OFPRAFileNumber("2201234567")?.value, "2201234567")
        XCTAssertEqual(OFPRAFileNumber("a 1234567")?.value, "A1234567")
        XCTAssertEqual(OFPRAFileNumber("ABC12")?.value, "ABC12")
        XCTAssertEqual(OFPRAFileNumber("12")?.value, "12")
        XCTAssertEqual(OFPRAFileNumber("123456789012")?.value, "123456789012")
        for wrong in ["1", "ABCD123", "1234567890123", "A", "12A34", "A-1234", "", "É1234"] {
            XCTAssertNil(OFPRAFileNumber(wrong), wrong)
        }
    }

    func testParseTellsWhichIdentifierWasTyped() {
        XCTAssertEqual(ApplicantIdentifier.parse("01 23 456 789"), .agdref(AGDREFNumber("0123456789")!))
        XCTAssertEqual(ApplicantIdentifier.parse("1234567"), .ofpra(OFPRAFileNumber("1234567")!))
        XCTAssertEqual(ApplicantIdentifier.parse("12345678901"), .ofpra(OFPRAFileNumber("12345678901")!))
        XCTAssertEqual(ApplicantIdentifier.parse("oa 22 12345"), .ofpra(OFPRAFileNumber("OA2212345")!))
        XCTAssertNil(ApplicantIdentifier.parse("jean.dupont@example.org"))
        XCTAssertNil(ApplicantIdentifier.parse(""))
    }
}
