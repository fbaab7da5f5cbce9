import Domain
import Security
import XCTest

@testable import Web

final class KeyIssuerTests: XCTestCase {
    func testTypedKeyMatchesWhateverItsCaseAndSpacing() {
        let key = ConnectionKey.generate(using: SodiumRandom())
        let hash = PasswordHasher.fastForTests.hash(key.canonical)
        for typed in [
            key.grouped, key.canonical, key.grouped.lowercased(), key.grouped.replacingOccurrences(of: "-", with: " ").lowercased(),
        ] {
            XCTAssertTrue(KeyIssuer.matches(typed, keyHash: hash), typed)
        }
        XCTAssertFalse(KeyIssuer.matches("AAAA-AAAA-AAAA-AAAA", keyHash: hash))
        XCTAssertFalse(KeyIssuer.matches(key.grouped, keyHash: nil))
    }
}
