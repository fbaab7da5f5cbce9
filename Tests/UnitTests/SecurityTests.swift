import XCTest

@testable import Security
@testable import Web

final class SecurityTests: XCTestCase {
    func testTokensAre256BitAndUnique() {
        let a = SecureRandom.token()
        let b = SecureRandom.token()
        XCTAssertNotEqual(a, b)
        XCTAssertEqual(Base64URL.decode(a)?.count, 32)
    }

    func testArgon2idHashesVerify() {
        let hash = PasswordHasher.fastForTests.hash("correct horse battery staple")
        XCTAssertTrue(hash.hasPrefix("$argon2id$"))
        XCTAssertTrue(PasswordHasher.verify("correct horse battery staple", hash: hash))
        XCTAssertFalse(PasswordHasher.verify("correct horse battery stapl", hash: hash))
        XCTAssertFalse(PasswordHasher.verify("x", hash: "not a hash"))
    }

    func testCSRFTokenIsBoundToItsValueAndSecret() {
        let csrf = CSRF(secret: Array(repeating: 7, count: 32))
        let token = csrf.token(bindingTo: "browser-A")
        XCTAssertTrue(csrf.isValid(token, bindingTo: "browser-A"))
        XCTAssertFalse(csrf.isValid(token, bindingTo: "browser-B"))
        XCTAssertFalse(csrf.isValid(nil, bindingTo: "browser-A"))
        XCTAssertFalse(csrf.isValid(token, bindingTo: ""))
        let other = CSRF(secret: Array(repeating: 8, count: 32))
        XCTAssertFalse(other.isValid(token, bindingTo: "browser-A"))
    }

    func testHMACMatchesRFC4231Case2() {
        let mac = Digest.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        XCTAssertEqual(Hex.encode(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    func testSecretMustBeLongHex() {
        XCTAssertThrowsError(try Config.loadSecret(["ASYLUM_SECRET": "abcd"]))
        XCTAssertThrowsError(try Config.loadSecret(["ASYLUM_SECRET": String(repeating: "zz", count: 32)]))
        XCTAssertEqual(try Config.loadSecret(["ASYLUM_SECRET": String(repeating: "ab", count: 32)]).count, 32)
    }
}
