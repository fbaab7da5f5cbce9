import XCTest

@testable import Domain

final class GudaSiteTests: XCTestCase {
    func testPioneerSitesStartOn15July2020() {
        let pioneers = GudaSite.all.filter { $0.inScopeFrom == day("2020-07-15") }.map(\.id)
        XCTAssertEqual(Set(pioneers), ["rennes", "bordeaux", "poitiers", "limoges"])
    }

    func testTwentyNineOtherMetropolitanSitesStartOn2May2022() {
        let others = GudaSite.all.filter { $0.inScopeFrom == day("2022-05-02") }
        XCTAssertEqual(others.count, 29)
        XCTAssertEqual(GudaSite.find(id: "besancon")?.displayName, "Besançon")
        XCTAssertEqual(GudaSite.find(id: "chalons-en-champagne")?.displayName, "Châlons-en-Champagne")
        XCTAssertEqual(GudaSite.find(id: "cergy-pontoise")?.inScopeFrom, day("2022-05-02"))
    }

    func testOverseasSitesAreNeverInScope() {
        let overseas = GudaSite.all.filter(\.isOverseas)
        XCTAssertEqual(Set(overseas.map(\.id)), ["cayenne", "mayotte", "la-reunion", "guadeloupe", "martinique"])
        XCTAssertTrue(overseas.allSatisfy { $0.inScopeFrom == nil })
    }

    func testIdsAreUniqueLowerCaseSlugs() {
        let ids = GudaSite.all.map(\.id)
        XCTAssertEqual(Set(ids).count, ids.count)
        let slug = Set("abcdefghijklmnopqrstuvwxyz-")
        XCTAssertTrue(ids.allSatisfy { !$0.isEmpty && $0.allSatisfy(slug.contains) }, "\(ids)")
    }

    func testLookupIgnoresCase() {
        XCTAssertEqual(GudaSite.find(id: "Rennes")?.id, "rennes")
        XCTAssertNil(GudaSite.find(id: "brest"))
    }
}
