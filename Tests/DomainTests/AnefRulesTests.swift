import XCTest

@testable import Domain

/// The ANEF request's rules: names compared with OFPRA's record, what filing needs, the
/// attestation's six months and its state, the prefecture a postcode leads to.
final class AnefRulesTests: XCTestCase {
    let record = ProtectionRecord(
        id: 1, kind: .refugee, grantedBy: .ofpra, grantedOn: CivilDate(year: 2026, month: 1, day: 5)!, ofpraNumber: "OF12345678",
        foreignerNumber: "1234567890", surnames: "N'DIAYE-ÉLISÉE", givenNames: "Marie Cécile",
        birthDate: CivilDate(year: 1990, month: 2, day: 3)!,
        birthPlace: "Dakar", nationality: "sénégalaise")

    func testCaseSpacesAndAccentsAreForgivenButNotLettersOrOrder() {
        let birth = CivilDate(year: 1990, month: 2, day: 3)
        XCTAssertEqual(
            IdentityMatch.differences(surnames: "n diaye elisee", givenNames: " marie  cecile", birthDate: birth, against: record), [])
        XCTAssertEqual(
            IdentityMatch.differences(surnames: "Ndiaye Elisee", givenNames: "Marie Cécile", birthDate: birth, against: record), [.surnames]
        )
        XCTAssertEqual(
            IdentityMatch.differences(surnames: "N'Diaye-Élisée", givenNames: "Cécile Marie", birthDate: birth, against: record),
            [.givenNames])
        XCTAssertEqual(
            IdentityMatch.differences(surnames: "X", givenNames: "Marie Cécile", birthDate: birth?.adding(days: 1), against: record),
            [.surnames, .birthDate])
    }

    func testIdentifiersReadTheWayPeopleTypeThem() {
        XCTAssertEqual(ProtectionIdentifier.parse("123 456 789"), .foreigner(ForeignerNumber("123456789")!))
        XCTAssertEqual(ProtectionIdentifier.parse("١٢٣٤٥٦٧٨٩٠"), .foreigner(ForeignerNumber("1234567890")!))
        XCTAssertEqual(ProtectionIdentifier.parse("of 1234 5678"), .ofpra(OFPRAFileNumber("OF12345678")!))
        XCTAssertNil(ProtectionIdentifier.parse("12345678901234"))
        XCTAssertNil(ForeignerNumber("12345678"))
    }

    func testFilingNeedsEveryStepAndTheProofsOfTheAddressKind() {
        var d = RequestDraft()
        XCTAssertEqual(d.missingSteps, RequestStep.allCases)
        d.civilStatusConfirmed = true
        d.maritalStatus = .married
        XCTAssertFalse(d.isComplete(.family), "a married person names the spouse")
        d.spouseNamed = true
        d.addressKind = .hosted
        d.addressComplete = true
        d.currentFiles = [.hostAttestation]
        XCTAssertFalse(d.isComplete(.addressFiles), "hosted: the host's ID as well")
        d.currentFiles.insert(.hostID)
        d.contactsConfirmed = true
        d.photoCode = "A"
        d.declaredTruthful = true
        XCTAssertEqual(d.missingSteps, [.declarations], "married: the non-polygamy declaration")
        d.declaredNotPolygamous = true
        XCTAssertTrue(d.canBeFiled)
        d.addressKind = .domiciliation
        XCTAssertFalse(d.canBeFiled, "domiciliation needs its own attestation")
        XCTAssertEqual(AddressKind.domiciliation.requiredFiles, [.domiciliationAttestation])
    }

    func testTheAttestationLastsSixMonthsAndSaysWhatItIs() {
        let first = CivilDate(year: 2026, month: 8, day: 31)!
        XCTAssertEqual(AttestationValidity.lastDay(from: first), CivilDate(year: 2027, month: 2, day: 27))
        XCTAssertEqual(
            AttestationValidity.lastDay(from: CivilDate(year: 2026, month: 12, day: 3)!), CivilDate(year: 2027, month: 6, day: 2))
        let until = AttestationValidity.lastDay(from: first)
        func status(_ today: CivilDate, replaced: Bool = false, revoked: Bool = false) -> AttestationStatus {
            .of(validFrom: first, validUntil: until, replaced: replaced, revoked: revoked, today: today)
        }
        XCTAssertEqual(status(until), .valid)
        XCTAssertEqual(status(until.adding(days: 1)), .expired)
        XCTAssertEqual(status(first.adding(days: -1)), .notYetValid)
        XCTAssertEqual(status(first, replaced: true), .replaced)
        XCTAssertEqual(status(first, replaced: true, revoked: true), .revoked)
        XCTAssertEqual(AttestationStanding(protection: .subsidiaryProtection, familyMember: true), .familyOfSubsidiaryProtection)
        XCTAssertNil(AttestationStanding(protection: .stateless, familyMember: false))
        for s in AttestationStanding.allCases { XCTAssertEqual(AttestationStanding(barcodeCode: s.barcodeCode), s) }
    }

    func testPhotoCodesAndPrefectures() {
        XCTAssertEqual(PhotoBoothCode("ab12-cd34 ef56gh78ij90kl")?.value, "AB12CD34EF56GH78IJ90KL")
        XCTAssertNil(PhotoBoothCode("AB12CD34EF56GH78IJ90K"))
        XCTAssertNil(PhotoBoothCode("AB12CD34EF56GH78IJ90KÉ"))
        XCTAssertEqual(Prefecture(postcode: "35000")?.name, "Préfecture d'Ille-et-Vilaine")
        XCTAssertEqual(Prefecture(postcode: "75011")?.name, "Préfecture de police de Paris")
        XCTAssertEqual(Prefecture(postcode: "20090")?.department, "2A")
        XCTAssertEqual(Prefecture(postcode: "20200")?.department, "2B")
        XCTAssertEqual(Prefecture(postcode: "97400")?.department, "974")
        XCTAssertNil(Prefecture(postcode: "00000"))
        XCTAssertNil(Prefecture(postcode: "3500"))
    }
}

final class RequestStateTests: XCTestCase {
    func testEveryStateIsReachedFromDraftAndEndsOnlyWhereItShould() {
        var seen: Set<PermitRequestState> = [.draft]
        var frontier: [PermitRequestState] = [.draft]
        while let s = frontier.popLast() {
            for n in s.next where !seen.contains(n) {
                seen.insert(n)
                frontier.append(n)
            }
        }
        XCTAssertEqual(seen, Set(PermitRequestState.allCases))
        XCTAssertEqual(Set(PermitRequestState.allCases.filter { $0.next.isEmpty }), [.cardHandedOver, .refused, .closed, .withdrawn])
        XCTAssertFalse(PermitRequestState.filed.canMove(to: .cardHandedOver))
        XCTAssertTrue(PermitRequestState.documentsRequested.canMove(to: .underReview))
        XCTAssertTrue(PermitRequestState.underReview.isOpen)
        XCTAssertFalse(PermitRequestState.refused.isOpen)
    }
}

final class RenewalPolicyTests: XCTestCase {
    let until = CivilDate(year: 2027, month: 6, day: 2)!

    func testRenewsFifteenDaysAheadOnlyWhileTheRequestIsOpen() {
        XCTAssertEqual(
            RenewalPolicy.decide(state: .underReview, validUntil: until, protectionEnded: false, today: until.adding(days: -16)), .notYet)
        XCTAssertEqual(
            RenewalPolicy.decide(state: .underReview, validUntil: until, protectionEnded: false, today: until.adding(days: -10)), .renew)
        XCTAssertEqual(
            RenewalPolicy.decide(state: .documentsRequested, validUntil: until, protectionEnded: false, today: until.adding(days: 3)),
            .renew)
        XCTAssertEqual(RenewalPolicy.decide(state: .refused, validUntil: until, protectionEnded: false, today: until), .closed)
        XCTAssertEqual(
            RenewalPolicy.decide(state: .filed, validUntil: until, protectionEnded: true, today: until.adding(days: -31)), .notYet)
        XCTAssertEqual(
            RenewalPolicy.decide(state: .filed, validUntil: until, protectionEnded: true, today: until.adding(days: -30)), .blocked)
    }

    func testTheNextAttestationLeavesNoGap() {
        XCTAssertEqual(RenewalPolicy.nextFirstDay(after: until, today: until.adding(days: -10)), until.adding(days: 1))
        XCTAssertEqual(RenewalPolicy.nextFirstDay(after: until, today: until.adding(days: 5)), until.adding(days: 5))
        XCTAssertEqual(CardType(standing: .familyOfRefugee), .residentCard10Years)
        XCTAssertEqual(CardType(standing: .familyOfSubsidiaryProtection), .multiYearFamilyCard4Years)
    }
}
