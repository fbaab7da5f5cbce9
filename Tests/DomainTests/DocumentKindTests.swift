import XCTest

@testable import Domain

final class DocumentKindTests: XCTestCase {
    func testRawValuesAreTheStoredCodes() {
        XCTAssertEqual(
            DocumentKind.allCases.map(\.rawValue),
            [
                "account_creation", "introduction_letter", "convocation", "convocation_cancellation",
                "six_month_letter", "interview_transcript", "reclassification", "decision_refugee_status",
                "decision_subsidiary_protection", "decision_rejection", "decision_inadmissibility",
                "decision_closure", "renotification", "courrier_post", "other",
            ])
        XCTAssertEqual(DocumentKind(rawValue: "courrier_post"), .courrierPost)
        XCTAssertNil(DocumentKind(rawValue: "COURRIER_POST"))
    }

    func testCategories() {
        let expected: [DocumentKind.Category: Set<DocumentKind>] = [
            .convocation: [.convocation, .convocationCancellation],
            .decision: [
                .decisionRefugeeStatus, .decisionSubsidiaryProtection, .decisionRejection,
                .decisionInadmissibility, .decisionClosure, .renotification,
            ],
            .otherLetter: [
                .accountCreation, .introductionLetter, .sixMonthLetter, .interviewTranscript,
                .reclassification, .courrierPost, .other,
            ],
        ]
        for (category, kinds) in expected {
            XCTAssertEqual(Set(DocumentKind.allCases.filter { $0.category == category }), kinds, "\(category)")
        }
    }

    func testOnlyRejectionAndInadmissibilityAreNegativeDecisions() {
        XCTAssertEqual(
            Set(DocumentKind.allCases.filter(\.isNegativeDecision)),
            [.decisionRejection, .decisionInadmissibility])
    }
}
