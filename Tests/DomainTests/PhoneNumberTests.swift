import XCTest

@testable import Domain

final class PhoneNumberTests: XCTestCase {
    func testFrenchMobileInEveryUsualSpelling() {
        for typed in [
            "06 12 34 56 78", "0612345678", "+33 6 12 34 56 78", "+33612345678", "0033 6 12 34 56 78",
            "+33 (0)6 12 34 56 78", "+33 06 12 34 56 78", "06.12.34.56.78", "06-12-34-56-78",
            "٠٦١٢٣٤٥٦٧٨",
        ] {
            let number = PhoneNumber(typed)
            XCTAssertEqual(number?.e164, "+33612345678", typed)
            XCTAssertEqual(number?.kind, .mobile, typed)
        }
        XCTAssertEqual(PhoneNumber("07 81 23 45 67")?.kind, .mobile)
    }

    func testFrenchLandlinesCannotReceiveSMS() {
        for typed in ["01 42 75 00 00", "02 99 12 34 56", "05 56 12 34 56", "09 51 12 34 56", "08 00 12 34 56"] {
            let number = PhoneNumber(typed)
            XCTAssertEqual(number?.kind, .landline, typed)
            XCTAssertEqual(number?.canReceiveSMS, false, typed)
        }
        XCTAssertEqual(PhoneNumber("01 42 75 00 00")?.e164, "+33142750000")
        XCTAssertEqual(PhoneNumber("06 12 34 56 78")?.canReceiveSMS, true)
    }

    func testOverseasDepartmentsWrittenNationally() {
        let cases: [(String, String, PhoneNumber.Kind)] = [
            ("0692 12 34 56", "+262692123456", .mobile),
            ("0639 12 34 56", "+262639123456", .mobile),
            ("0262 12 34 56", "+262262123456", .landline),
            ("0690 12 34 56", "+590690123456", .mobile),
            ("0590 12 34 56", "+590590123456", .landline),
            ("0694 12 34 56", "+594694123456", .mobile),
            ("0696 12 34 56", "+596696123456", .mobile),
            ("+262 692 12 34 56", "+262692123456", .mobile),
        ]
        for (typed, e164, kind) in cases {
            XCTAssertEqual(PhoneNumber(typed)?.e164, e164, typed)
            XCTAssertEqual(PhoneNumber(typed)?.kind, kind, typed)
        }
    }

    func testInternationalNumbers() {
        XCTAssertEqual(PhoneNumber("+44 7911 123456")?.e164, "+447911123456")
        XCTAssertEqual(PhoneNumber("0044 7911 123456")?.e164, "+447911123456")
        XCTAssertEqual(PhoneNumber("+1 (415) 555-2671")?.e164, "+14155552671")
        XCTAssertEqual(PhoneNumber("+44 7911 123456")?.kind, .unknown)
        XCTAssertEqual(PhoneNumber("+44 7911 123456")?.canReceiveSMS, true)
        XCTAssertNotNil(PhoneNumber("+12345678"))
        XCTAssertNotNil(PhoneNumber("+123456789012345"))
    }

    func testRejectsGarbage() {
        for typed in [
            "", "abc", "06 12 34 56 7", "06 12 34 56 789", "6 12 34 56 78", "+33 6 12 34 56",
            "+33 6 12 34 56 789", "+1234567", "+1234567890123456", "+0612345678", "0012",
            "06 12 34 56 7x", "+33+612345678", "+262 12345", "+590 690 12 34 5", "tel: 0612345678",
        ] {
            XCTAssertNil(PhoneNumber(typed), typed)
        }
    }

    func testMaskedForm() {
        XCTAssertEqual(PhoneNumber("06 12 34 56 78")?.masked, "+33 6 •• •• •• 78")
        XCTAssertEqual(PhoneNumber("0692 12 34 56")?.masked, "+262 692 •• •• 56")
        XCTAssertEqual(PhoneNumber("+44 7911 123456")?.masked, "+44 •••••••• 56")
    }
}
