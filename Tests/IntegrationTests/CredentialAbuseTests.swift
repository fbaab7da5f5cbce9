import Domain
import Foundation
import I18n
import Outbox
import Postgres
import Security
import XCTest

@testable import HTTP
@testable import Web

/// The credential paths as an attacker tries them (issue 9, defects 3, 5 and two of 7): what
/// they can tell apart, how long a lock-out takes, and what the owner can always do.
final class CredentialAbuseTests: IntegrationTestCase {
    func fr(_ key: String) -> String { escapedHTML(app.catalogues[.french].text(key)) }

    /// The page without form tokens and typed values: what differs only by the CSRF token is the same page.
    func strip(_ html: String) -> String {
        html.replacingOccurrences(of: #"value="[^"]*""#, with: "", options: .regularExpression)
    }

    /// Makes every pending delay run out (a patient attacker), without forgetting the counts.
    func letDelaysPass() throws {
        try db.query("UPDATE identifier_throttle SET last_failed_at = last_failed_at - interval '10 minutes'")
    }

    func login(_ identifier: String, _ password: String, from b: Browser? = nil) throws -> Response {
        let b = b ?? Browser(app: app)
        try b.get("/usager/connexion")
        return b.post("/usager/connexion", ["identifier": identifier, "password": password])
    }

    func reset(_ identifier: String, key: String, password: String, from b: Browser? = nil) throws -> Response {
        let b = b ?? Browser(app: app)
        try b.get("/usager/mot-de-passe-oublie")
        return b.post(
            "/usager/mot-de-passe-oublie",
            [
                "identifier": identifier, "key": key,
                "password": password, "confirmation": password,
            ])
    }

    func activated(phone: String? = nil, password: String = "le vrai mot de passe") throws -> Applicant {
        let phone = phone ?? "+3363\(Int.random(in: 1_000_000...9_999_999))"
        let (person, key) = try Fixtures.applicant(db, phone: phone)
        let r = try reset(person.agdref!, key: key, password: password)
        XCTAssertEqual(r.location, "/usager/connexion?notice=password_changed", r.html)
        return try Applicants.find(id: person.id, db: db)!
    }

    /// Fails `count` times from fresh addresses, letting every delay pass (as a patient attacker does).
    func fail(times count: Int, _ attempt: () throws -> Response) throws {
        for _ in 0..<count {
            try letDelaysPass()
            let r = try attempt()
            XCTAssertEqual(r.status, 422, r.html)
        }
    }

    func verifications(_ body: () throws -> Void) rethrows -> Int {
        let before = SecretWork.counts.verifications
        try body()
        return SecretWork.counts.verifications - before
    }

    // MARK: defect 3: a key is used up

    func testAKeyResetsThePasswordOnlyOnce() throws {
        let (person, key) = try Fixtures.applicant(db)
        XCTAssertEqual(try reset(person.agdref!, key: key, password: "une première phrase").status, 303)
        let again = try reset(person.agdref!, key: key, password: "une seconde phrase secrète")
        XCTAssertEqual(again.status, 422, "the same key reset the password twice")
        XCTAssertTrue(again.html.contains(fr("usager.activation.failed")))
        XCTAssertEqual(try login(person.agdref!, "une première phrase").status, 303, "the first reset stands")
    }

    func testActivationUsesUpTheKey() throws {
        let (person, key) = try Fixtures.applicant(db)
        let b = Browser(app: app)
        try b.get("/usager/activation")
        XCTAssertEqual(b.post("/usager/activation", ["identifier": person.agdref!, "key": key]).status, 303)
        XCTAssertEqual(
            b.post("/usager/activation/mot-de-passe", ["password": "la phrase choisie", "confirmation": "la phrase choisie"]).status, 303)
        XCTAssertEqual(
            try reset(person.agdref!, key: key, password: "la phrase de quelqu'un d'autre").status, 422,
            "the notice's key still reset the password after activation")
    }

    func testAReissuedKeyReplacesEveryEarlierKey() throws {
        let phone = "+3364\(Int.random(in: 1_000_000...9_999_999))"
        let (person, printed) = try Fixtures.applicant(db, phone: phone)
        let b = Browser(app: app)
        try b.get("/usager/cle-perdue")
        b.post("/usager/cle-perdue", ["identifier": person.agdref!])
        let sent = try Delivered.text(to: phone, matching: Delivered.keyPattern)
        // The GUDA reprints the notice: only the reprinted key works from now on.
        let reprinted = try KeyIssuer.issue(for: person, event: "key_reissued", by: .system, address: nil, db: db)
        XCTAssertEqual(try reset(person.agdref!, key: printed, password: "une phrase bien longue").status, 422)
        XCTAssertEqual(try reset(person.agdref!, key: sent, password: "une phrase bien longue").status, 422)
        XCTAssertEqual(try reset(person.agdref!, key: reprinted, password: "une phrase bien longue").status, 303)
    }

    // MARK: defect 5: the lost-key form

    func testALostKeyRequestKeepsTheKeyInHandAndAnyKeyUsedEndsThemAll() throws {
        let phone = "+3365\(Int.random(in: 1_000_000...9_999_999))"
        let (person, printed) = try Fixtures.applicant(db, phone: phone)
        let b = Browser(app: app)
        try b.get("/usager/cle-perdue")
        XCTAssertEqual(b.post("/usager/cle-perdue", ["identifier": person.agdref!]).status, 200)
        let sent = try Delivered.text(to: phone, matching: Delivered.keyPattern)
        XCTAssertNotEqual(sent, printed)
        // Someone else's request must not take the printed key out of the person's hands.
        XCTAssertEqual(
            try reset(person.agdref!, key: printed, password: "une phrase bien longue").status, 303,
            "a lost-key request killed the printed key")
        XCTAssertEqual(
            try reset(person.agdref!, key: sent, password: "une autre phrase longue").status, 422,
            "the sent key survived a reset with the printed one")
    }

    func testASentKeyLastsADay() throws {
        let phone = "+3368\(Int.random(in: 1_000_000...9_999_999))"
        let (person, _) = try Fixtures.applicant(db, phone: phone)
        let b = Browser(app: app)
        try b.get("/usager/cle-perdue")
        b.post("/usager/cle-perdue", ["identifier": person.agdref!])
        let sent = try Delivered.text(to: phone, matching: Delivered.keyPattern)
        try db.query("UPDATE applicant_sent_keys SET expires_at = now() - interval '1 second' WHERE applicant_id = $1", [person.id])
        XCTAssertEqual(try reset(person.agdref!, key: sent, password: "une phrase bien longue").status, 422)
    }

    func testAtMostThreeKeysAreSentToAPersonADay() throws {
        let (person, _) = try Fixtures.applicant(db, phone: "+3369\(Int.random(in: 1_000_000...9_999_999))")
        for _ in 0..<5 {
            let b = Browser(app: app)
            try b.get("/usager/cle-perdue")
            XCTAssertEqual(b.post("/usager/cle-perdue", ["identifier": person.agdref!]).status, 200)
        }
        let sent = try Outbox.messages(subjectRef: "applicant:\(person.id)", db).filter { $0.template == "key_reissued" }
        XCTAssertEqual(sent.count, UsagerAuthRoutes.lostKeyDailyLimit)
    }

    func testALostKeyRequestCostsTheSameForKnownAndUnknownIdentifiers() throws {
        let (person, _) = try Fixtures.applicant(db, phone: "+3366\(Int.random(in: 1_000_000...9_999_999))")
        func cost(_ identifier: String) throws -> (Int, Int, String) {
            let b = Browser(app: app)
            try b.get("/usager/cle-perdue")
            let before = SecretWork.counts
            let r = b.post("/usager/cle-perdue", ["identifier": identifier])
            let after = SecretWork.counts
            return (after.verifications - before.verifications, after.hashes - before.hashes, strip(r.html))
        }
        let known = try cost(person.agdref!)
        let unknown = try cost(Fixtures.agdref())
        XCTAssertEqual(known.0, unknown.0, "argon2 verifications differ")
        XCTAssertEqual(known.1, unknown.1, "argon2 hashes differ")
        XCTAssertEqual(known.2, unknown.2)
    }

    // MARK: defect 5: known, unknown and locked identifiers look the same

    func testUnknownIdentifiersAreSlowedDownExactlyLikeKnownOnes() throws {
        let person = try activated()
        func answers(_ identifier: String) throws -> [String] {
            let b = Browser(app: app)
            return try (0..<7).map { _ in
                let r = try login(identifier, "pas le bon mot de passe", from: b)
                return "\(r.status) \(r.header("Retry-After") ?? "-")\n" + strip(r.html)
            }
        }
        let known = try answers(person.agdref!)
        let unknown = try answers(Fixtures.agdref())
        XCTAssertTrue(known[5].hasPrefix("429"), known[5])
        XCTAssertEqual(known, unknown, "a known identifier is told apart from an unknown one")
    }

    func testKeyChecksOfUnknownIdentifiersAreSlowedDownLikeKnownOnes() throws {
        let (person, _) = try Fixtures.applicant(db)
        func answers(_ identifier: String) throws -> [Int] {
            let b = Browser(app: app)
            try b.get("/usager/activation")
            return (0..<7).map { _ in b.post("/usager/activation", ["identifier": identifier, "key": "CCCC-CCCC-CCCC-CCCC"]).status.code }
        }
        let known = try answers(person.agdref!)
        let unknown = try answers(Fixtures.agdref())
        XCTAssertEqual(known[5], 429)
        XCTAssertEqual(known, unknown)
    }

    func testALockedAccountAnswersAndCostsLikeAnyFailure() throws {
        let person = try activated(password: "le vrai mot de passe")
        let stranger = Fixtures.agdref()
        let lockAt = try XCTUnwrap(ThrottlePolicy.password.lockAt)
        try fail(times: lockAt) { try login(person.agdref!, "faux faux faux") }
        try fail(times: lockAt) { try login(stranger, "faux faux faux") }
        try letDelaysPass()
        var locked: Response!
        var lockedUnknown: Response!
        var fresh: Response!
        let costs = try [
            verifications { locked = try login(person.agdref!, "le vrai mot de passe") },
            verifications { lockedUnknown = try login(stranger, "le vrai mot de passe") },
            verifications { fresh = try login(Fixtures.agdref(), "le vrai mot de passe") },
        ]
        XCTAssertEqual(costs, [1, 1, 1], "a locked or unknown identifier skips the password check")
        XCTAssertEqual([locked.status, lockedUnknown.status, fresh.status], [422, 422, 422])
        XCTAssertEqual(strip(locked.html), strip(fresh.html))
        XCTAssertEqual(strip(lockedUnknown.html), strip(fresh.html))
    }

    func testLockingAnAccountTakesLongerThanHalfAnHour() {
        // The waits an attacker must sit through before the lock, whatever addresses they use.
        let p = ThrottlePolicy.password
        let waits = (1..<p.lockAt!).map { p.delay(afterFailures: $0) }.reduce(0, +)
        XCTAssertGreaterThanOrEqual(waits, 30 * 60)
    }

    func testTheOwnerIsToldAndUnlocksWithTheKeySentToThem() throws {
        let phone = "+3367\(Int.random(in: 1_000_000...9_999_999))"
        let person = try activated(phone: phone, password: "le vrai mot de passe")
        let policy = ThrottlePolicy.password
        try fail(times: policy.warnAt!) { try login(person.agdref!, "faux faux faux") }
        XCTAssertTrue(
            try Outbox.messages(subjectRef: "applicant:\(person.id)", db).contains { $0.template == "login_attempts_warning" },
            "no warning after \(policy.warnAt!) failures")
        try fail(times: policy.lockAt! - policy.warnAt!) { try login(person.agdref!, "faux faux faux") }
        try letDelaysPass()
        XCTAssertEqual(try login(person.agdref!, "le vrai mot de passe").status, 422, "locked")
        let messages = try Outbox.messages(subjectRef: "applicant:\(person.id)", db)
        XCTAssertTrue(messages.contains { $0.template == "access_locked" && $0.recipient == phone })
        // The message brings a key; with it the owner chooses a new password and is back in.
        let key = try Delivered.text(to: phone, matching: Delivered.keyPattern)
        XCTAssertEqual(try reset(person.agdref!, key: key, password: "mon nouveau mot de passe").status, 303)
        let b = Browser(app: app)
        XCTAssertEqual(try login(person.agdref!, "mon nouveau mot de passe", from: b).status, 303)
        let history = try b.get("/usager/compte").html
        XCTAssertTrue(history.contains(fr("history.locked")), "the lock is not in the person's history")
    }

    func testASuccessfulLoginDoesNotResetTheAddressCounter() throws {
        let mine = try activated(password: "mon propre mot de passe")
        let attacker = Browser(app: app)
        let free = ThrottlePolicy.address.delayFrom
        // Guesses spread over many accounts (one each, so no account counter slows them).
        for _ in 0..<(free - 1) { XCTAssertEqual(try login(Fixtures.agdref(), "devine devine", from: attacker).status, 422) }
        XCTAssertEqual(try login(mine.agdref!, "mon propre mot de passe", from: attacker).status, 303)
        attacker.post("/deconnexion", [:])
        for _ in 0..<2 { try login(Fixtures.agdref(), "devine devine", from: attacker) }
        XCTAssertEqual(
            try login(Fixtures.agdref(), "devine devine", from: attacker).status, 429,
            "logging into one's own account wiped the address's failures")
    }

    // MARK: staff

    func staffAccount(password: String = "le mot de passe agent") throws -> (StaffAccount, String) {
        let email = "agent\(Int.random(in: 1...999_999_999))@test.invalid"
        let account = try StaffAccounts.upsert(
            email: EmailAddress(email)!, displayName: "Agent", role: .ofpraAgent,
            password: password, hasher: .fastForTests, db: db)
        return (account, email)
    }

    func staffLogin(_ email: String, _ password: String, next: String? = nil, from b: Browser? = nil) throws -> Response {
        let b = b ?? Browser(app: app)
        try b.get("/connexion")
        var fields = ["email": email, "password": password]
        fields["next"] = next
        return b.post("/connexion", fields)
    }

    func testStaffUnknownAndKnownAndLockedAddressesLookTheSame() throws {
        let (_, email) = try staffAccount()
        func answers(_ email: String) throws -> [String] {
            let b = Browser(app: app)
            return try (0..<7).map { _ in
                let r = try staffLogin(email, "pas le bon", from: b)
                return "\(r.status)\n" + strip(r.html)
            }
        }
        let known = try answers(email)
        let unknown = try answers("personne\(Int.random(in: 1...999_999))@test.invalid")
        XCTAssertTrue(known[5].hasPrefix("429"))
        XCTAssertEqual(known, unknown)
    }

    func testALockedStaffMemberUnlocksWithTheCodeSentByEmail() throws {
        let (account, email) = try staffAccount(password: "le mot de passe agent")
        try fail(times: ThrottlePolicy.password.lockAt!) { try staffLogin(email, "faux faux") }
        try letDelaysPass()
        var refused: Response!
        XCTAssertEqual(try verifications { refused = try staffLogin(email, "le mot de passe agent") }, 1)
        XCTAssertEqual(refused.status, 422, "locked")
        let messages = try Outbox.messages(subjectRef: "staff:\(account.id)", db)
        XCTAssertTrue(messages.contains { $0.template == "staff_unlock_code" && $0.recipient == email })
        let code = try Delivered.text(to: email, matching: Delivered.keyPattern)
        let b = Browser(app: app)
        try b.get("/connexion/deverrouiller")
        XCTAssertEqual(b.post("/connexion/deverrouiller", ["email": email, "code": "CCCC-CCCC-CCCC-CCCC"]).status, 422)
        XCTAssertEqual(b.post("/connexion/deverrouiller", ["email": email, "code": code]).location, "/connexion?notice=unlocked")
        XCTAssertEqual(try staffLogin(email, "le mot de passe agent").location, "/espace")
    }

    /// A staff address stored before the e-mail rule (`( ) ; : [ ] " \\`) cannot be mailed: the
    /// warning and the lock must still happen (no 500, counters kept), the mail is skipped.
    func testAStaffAddressTheRuleRefusesStillGetsWarnedAndLockedWithoutA500() throws {
        let (account, _) = try staffAccount(password: "le mot de passe agent")
        let bad = "jean(\(Int.random(in: 1...999_999_999)))@test.invalid"
        try db.query("UPDATE staff_accounts SET email = $2 WHERE id = $1", [account.id, bad])
        try fail(times: ThrottlePolicy.password.lockAt!) { try staffLogin(bad, "faux faux") }
        try letDelaysPass()
        var refused: Response!
        XCTAssertEqual(try verifications { refused = try staffLogin(bad, "le mot de passe agent") }, 1)
        XCTAssertEqual(refused.status, 422, "locked, although no unlock code could be mailed")
        let mailed: Int = try db.query("SELECT count(*) AS n FROM outbox_messages WHERE recipient = $1", [bad]).first!.get("n")
        XCTAssertEqual(mailed, 0)
    }

    // MARK: defect 7

    func testOnlyAPathOfThisSiteFollowsStaffLogin() throws {
        let (_, email) = try staffAccount()
        let cases: [(String, String)] = [
            ("/\t/evil.example", "/espace"), ("/%09/evil.example", "/espace"), ("//evil.example", "/espace"),
            ("/\\evil.example", "/espace"), ("/ok\\x", "/espace"), ("/a\u{7F}", "/espace"),
            ("https://evil.example/", "/espace"), ("/", "/espace"),
            ("/agents/ofpra/espaces?page=2", "/agents/ofpra/espaces?page=2"),
        ]
        for (next, expected) in cases {
            let b = Browser(app: app)
            // The form field is sent as is; %09 stands for a browser decoding the query string.
            let value = next.removingPercentEncoding ?? next
            XCTAssertEqual(
                try staffLogin(email, "le mot de passe agent", next: value, from: b).location, expected,
                "next=\(next.debugDescription)")
        }
        // A NUL anywhere in a form is refused before any handler (libpq would cut the value).
        let b = Browser(app: app)
        let withNUL = try staffLogin(email, "le mot de passe agent", next: "/a\u{0}b", from: b)
        XCTAssertEqual(withNUL.status, 400)
        XCTAssertNil(withNUL.location)
    }

    func testAnAdministratorsNewPasswordEndsTheStaffMembersSessions() throws {
        let (account, email) = try staffAccount(password: "le mot de passe agent")
        let agent = Browser(app: app)
        XCTAssertEqual(try staffLogin(email, "le mot de passe agent", from: agent).location, "/espace")
        XCTAssertEqual(try agent.get("/espace").status, 200)
        _ = try Fixtures.staff(db, .administrator)
        let admin = Browser(app: app)
        try Fixtures.logInStaff(admin, .administrator)
        try admin.get("/admin/personnel")
        let saved = admin.post(
            "/admin/personnel",
            [
                "email": email, "display_name": account.displayName, "role": "ofpra",
                "structure": "", "password": "un mot de passe tout neuf",
            ])
        XCTAssertEqual(saved.location, "/admin/personnel?notice=staff_saved", saved.html)
        XCTAssertNotEqual(try agent.get("/espace").status, 200, "the session opened with the old password survived")
    }
}
