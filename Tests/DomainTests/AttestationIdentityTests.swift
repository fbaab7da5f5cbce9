import Domain
import XCTest

final class AttestationIdentityTests: XCTestCase {
    let birth = CivilDate(year: 1990, month: 1, day: 1)!

    func typed(_ surname: String, _ agdref: String = "1234567890", birth: CivilDate? = nil) -> AttestationIdentity {
        AttestationIdentity(surname: surname, birthDate: birth ?? self.birth, agdref: agdref)
    }

    func testCaseSpacesHyphensAndAccentsDoNotCount() {
        for s in ["N'DIAYE-SÉNÉ", "ndiaye sene", " N Diaye  Sene ", "n’diaye-séné"] {
            XCTAssertTrue(typed(s, "12345 67890").matches(surname: "N'Diaye-Séné", birthDate: birth, agdref: "1234567890"), s)
        }
    }

    func testAnyDifferenceIsRefused() {
        XCTAssertFalse(typed("Diallo").matches(surname: "Diaye", birthDate: birth, agdref: "1234567890"))
        XCTAssertFalse(typed("Diaye", "1234567891").matches(surname: "Diaye", birthDate: birth, agdref: "1234567890"))
        XCTAssertFalse(
            typed("Diaye", birth: CivilDate(year: 1990, month: 1, day: 2)!)
                .matches(surname: "Diaye", birthDate: birth, agdref: "1234567890"))
        XCTAssertFalse(typed("Diaye", "").matches(surname: "Diaye", birthDate: birth, agdref: nil), "no AGDREF on file")
    }
}
