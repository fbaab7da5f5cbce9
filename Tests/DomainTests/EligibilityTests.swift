import XCTest

@testable import Domain

final class EligibilityTests: XCTestCase {
    private struct Case {
        var site: String
        var registeredOn: String
        var procedure: Procedure = .normal
        var minor = false
        var overseas = false
        var protected = false
        var expected: EligibilityResult
        var line: UInt = #line
    }

    private let pioneerStart = CivilDate(year: 2020, month: 7, day: 15)!
    private let generalStart = CivilDate(year: 2022, month: 5, day: 2)!

    func testRegistrationDateAgainstTheSiteStart() {
        check([
            Case(site: "rennes", registeredOn: "2020-07-14", expected: .outOfScope(.siteNotYetInScope(from: pioneerStart))),
            Case(site: "rennes", registeredOn: "2020-07-15", expected: .inScope),
            Case(site: "bordeaux", registeredOn: "2020-07-15", procedure: .accelerated, expected: .inScope),
            Case(site: "poitiers", registeredOn: "2021-03-01", expected: .inScope),
            Case(
                site: "limoges", registeredOn: "2020-07-14", procedure: .accelerated,
                expected: .outOfScope(.siteNotYetInScope(from: pioneerStart))),
            Case(site: "lyon", registeredOn: "2022-05-01", expected: .outOfScope(.siteNotYetInScope(from: generalStart))),
            Case(site: "lyon", registeredOn: "2022-05-02", expected: .inScope),
            Case(site: "lyon", registeredOn: "2020-07-15", expected: .outOfScope(.siteNotYetInScope(from: generalStart))),
            Case(site: "chalons-en-champagne", registeredOn: "2024-11-20", procedure: .accelerated, expected: .inScope),
            Case(site: "LYON", registeredOn: "2023-01-10", expected: .inScope),
        ])
    }

    func testDublinIsOutUntilRequalifiedOnOrAfterTheSiteStart() {
        check([
            Case(site: "lyon", registeredOn: "2023-01-10", procedure: .dublin, expected: .outOfScope(.dublinNotRequalified)),
            Case(site: "rennes", registeredOn: "2019-01-10", procedure: .dublin, expected: .outOfScope(.dublinNotRequalified)),
            // Registered before the start, requalified on the first day: the requalification day counts.
            Case(
                site: "lyon", registeredOn: "2022-04-20", procedure: .dublinRequalifiedNormal(on: day("2022-05-02")),
                expected: .inScope),
            Case(
                site: "lyon", registeredOn: "2022-04-20", procedure: .dublinRequalifiedNormal(on: day("2022-05-01")),
                expected: .outOfScope(.requalifiedBeforeSiteStart(from: generalStart))),
            Case(
                site: "rennes", registeredOn: "2020-06-01", procedure: .dublinRequalifiedAccelerated(on: day("2020-07-14")),
                expected: .outOfScope(.requalifiedBeforeSiteStart(from: pioneerStart))),
            Case(
                site: "rennes", registeredOn: "2020-06-01", procedure: .dublinRequalifiedAccelerated(on: day("2020-07-15")),
                expected: .inScope),
        ])
    }

    func testPersonalExclusionsComeFirst() {
        check([
            Case(site: "paris", registeredOn: "2023-06-01", minor: true, expected: .outOfScope(.unaccompaniedMinor)),
            Case(
                site: "paris", registeredOn: "2023-06-01", procedure: .dublin, minor: true,
                expected: .outOfScope(.unaccompaniedMinor)),
            Case(site: "nowhere", registeredOn: "2023-06-01", minor: true, expected: .outOfScope(.unaccompaniedMinor)),
            Case(site: "paris", registeredOn: "2023-06-01", protected: true, expected: .outOfScope(.alreadyProtected)),
            Case(
                site: "paris", registeredOn: "2023-06-01", minor: true, protected: true,
                expected: .outOfScope(.alreadyProtected)),
        ])
    }

    func testOverseasIsNeverInScope() {
        check([
            Case(site: "cayenne", registeredOn: "2023-06-01", expected: .outOfScope(.overseas)),
            Case(site: "mayotte", registeredOn: "2024-02-01", expected: .outOfScope(.overseas)),
            Case(site: "la-reunion", registeredOn: "2022-05-02", expected: .outOfScope(.overseas)),
            Case(site: "paris", registeredOn: "2023-06-01", overseas: true, expected: .outOfScope(.overseas)),
            Case(site: "unknown-place", registeredOn: "2023-06-01", overseas: true, expected: .outOfScope(.overseas)),
        ])
    }

    func testUnknownSites() {
        check([
            Case(site: "brest", registeredOn: "2023-06-01", expected: .outOfScope(.unknownSite)),
            Case(site: "", registeredOn: "2023-06-01", expected: .outOfScope(.unknownSite)),
            Case(site: "Besançon", registeredOn: "2023-06-01", expected: .outOfScope(.unknownSite)),
        ])
    }

    func testReasonCodesAreStableAndDistinct() {
        // Stored in applicants.eligibility (the schema lists the same codes): never renamed.
        let codes: [ExclusionReason: String] = [
            .alreadyProtected: "already_protected",
            .unaccompaniedMinor: "unaccompanied_minor",
            .overseas: "overseas",
            .unknownSite: "unknown_site",
            .dublinNotRequalified: "dublin_not_requalified",
            .siteNotYetInScope(from: generalStart): "site_not_yet_in_scope",
            .requalifiedBeforeSiteStart(from: generalStart): "requalified_before_site_start",
        ]
        for (reason, code) in codes { XCTAssertEqual(reason.code.rawValue, code) }
        XCTAssertEqual(Set(codes.values).count, codes.count)
    }

    func testProcedureExposesItsRequalificationDay() {
        XCTAssertEqual(Procedure.dublinRequalifiedNormal(on: day("2022-06-01")).requalifiedOn, day("2022-06-01"))
        XCTAssertNil(Procedure.dublin.requalifiedOn)
    }

    private func check(_ cases: [Case]) {
        for item in cases {
            let result = Eligibility.evaluate(
                site: item.site, registeredOn: day(item.registeredOn), procedure: item.procedure,
                unaccompaniedMinor: item.minor, overseas: item.overseas, alreadyProtected: item.protected)
            XCTAssertEqual(result, item.expected, "\(item.site) \(item.registeredOn)", line: item.line)
        }
    }
}
