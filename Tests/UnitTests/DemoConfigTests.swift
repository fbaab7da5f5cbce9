import Domain
import Security
import XCTest

@testable import Web

/// The demo message viewer shows keys and codes: it is off unless asked for, and the app
/// refuses it on an address other people can reach.
final class DemoConfigTests: XCTestCase {
    let secret = String(repeating: "ab", count: 32)

    func config(_ extra: [String: String]) throws -> Config {
        try Config.fromEnvironment(["ASYLUM_SECRET": secret, "ASYLUM_ROOT": "/tmp"].merging(extra) { $1 })
    }

    func testTheDemoViewerIsOffUnlessTurnedOn() throws {
        XCTAssertFalse(try config([:]).demoMessages)
        XCTAssertFalse(try config(["ASYLUM_DEMO_MESSAGES": "0"]).demoMessages)
        XCTAssertTrue(try config(["ASYLUM_DEMO_MESSAGES": "1"]).demoMessages)
        XCTAssertThrowsError(try config(["ASYLUM_DEMO_MESSAGES": "oui"]), "a typo stops the start")
    }

    func testDemoFeaturesAreRefusedOnAPublicAddress() throws {
        for url in ["http://127.0.0.1:8080", "http://127.1.2.3", "http://localhost:8080/", "http://[::1]:8080", "HTTP://LOCALHOST"] {
            XCTAssertNoThrow(try config(["ASYLUM_DEMO_MESSAGES": "1", "ASYLUM_PUBLIC_URL": url]), url)
        }
        for url in [
            "https://asile.example.fr", "http://10.0.0.5:8080", "http://128.0.0.1", "http://127.0.0.1.evil.example",
            "http://localhost.evil.example", "http://[::2]", "http://0.0.0.0:8080", "not a url", "",
            "http://127.0.0.256", "http://evil.example/?127.0.0.1",
        ] {
            XCTAssertThrowsError(try config(["ASYLUM_DEMO_MESSAGES": "1", "ASYLUM_PUBLIC_URL": url]), url) { error in
                XCTAssertTrue("\(error)".contains("ASYLUM_PUBLIC_URL"), "the message names the setting: \(error)")
            }
            XCTAssertNoThrow(try config(["ASYLUM_PUBLIC_URL": url]), "without the demo, any address is fine: \(url)")
        }
        XCTAssertThrowsError(try config(["ASYLUM_DEMO_MESSAGES": "1", "ASYLUM_ENV": "production"]))
    }

    func testAConfigBuiltInCodeGetsTheSameCheck() throws {
        var c = try config([:])
        c.demoMessages = true
        c.publicURL = "https://asile.example.fr"
        XCTAssertThrowsError(try c.checkDemoFeatures())
    }

    func testOnlyPreLoginCookiesTheServerIssuedAreAccepted() {
        let csrf = CSRF(secret: Array(repeating: 7, count: 32))
        let issued = csrf.issueCookie()
        XCTAssertTrue(csrf.isIssued(issued))
        XCTAssertNotEqual(csrf.issueCookie(), issued, "each browser gets its own value")
        XCTAssertFalse(CSRF(secret: Array(repeating: 8, count: 32)).isIssued(issued), "signed with this server's secret")
        let random = String(issued.split(separator: ".")[0])
        for forged in [
            random, random + ".", random + ".AAAA", "x." + issued.split(separator: ".")[1], issued + ".x",
            "attacker-chosen-value-0123456789abcdefghijklmnop", "",
        ] {
            XCTAssertFalse(csrf.isIssued(forged), forged)
        }
    }
}
