import Domain
import Foundation
import I18n
import Postgres
import Security
import XCTest

@testable import HTTP
@testable import Outbox
@testable import Web

/// Issue 9, defect 7: the pre-login CSRF cookie, document probes, e-mail addresses that broke
/// deposits, and the language switcher after a POST.
final class HardeningTests: IntegrationTestCase {
    func fr(_ key: String) -> String { escapedHTML(app.catalogues[.french].text(key)) }

    func session(_ b: Browser, _ subject: Session.Subject, _ id: Int64) throws {
        b.cookies["session"] = try app.sessions.start(subject: subject, id: id, replacing: nil, db: db).token
    }

    func count(_ sql: String, _ params: [PGEncodable?]) throws -> Int {
        try db.query(sql, params).first!.get("n")
    }

    // MARK: 7a: the pre-login CSRF cookie is one the server issued

    func testAnAttackerChosenCSRFCookieIsReplacedAndItsTokensRefused() throws {
        let forged = "attacker-chosen-value-0123456789abcdefghijklmnop"
        // The victim's browser carries the planted cookie: the server answers with its own.
        let victim = Browser(app: app)
        victim.cookies["csrf"] = forged
        let page = try victim.get("/connexion")
        let issued = page.cookies.first { $0.name == "csrf" }?.value
        XCTAssertNotNil(issued, "a fresh cookie replaces the planted one")
        XCTAssertNotEqual(issued, forged)
        // The attacker's page posts a token minted for their own value: refused.
        let attacker = Browser(app: app)
        attacker.cookies["csrf"] = forged
        XCTAssertEqual(attacker.post("/connexion", ["email": "x@example.org", "password": "whatever-password"]).status, 403)
        XCTAssertNil(attacker.cookies["session"])
        // A cookie the server issued is kept, and its tokens work.
        let genuine = Browser(app: app)
        try genuine.get("/connexion")
        let cookie = genuine.cookies["csrf"]
        XCTAssertNotNil(cookie)
        XCTAssertNil(try genuine.get("/connexion").cookies.first { $0.name == "csrf" }, "an issued cookie is not replaced")
        XCTAssertEqual(genuine.post("/connexion", ["email": "x@example.org", "password": "whatever-password"]).status, 422)
        // The same random part with another signature is as bad as a made-up value.
        let tampered = Browser(app: app)
        tampered.cookies["csrf"] = String(cookie!.dropLast(2)) + (cookie!.hasSuffix("AA") ? "BB" : "AA")
        XCTAssertEqual(tampered.post("/connexion", ["email": "x@example.org", "password": "whatever-password"]).status, 403)
    }

    // MARK: 7b: document probes are bounded

    func testAnonymousDocumentProbesAddABoundedNumberOfRows() throws {
        let (owner, _) = try Fixtures.applicant(db)
        let doc = try DocumentDeposit.deposit(
            .convocationCancellation, pdf: Array("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".utf8),
            interview: nil, for: owner, by: nil, db: db
        ).document
        let prober = Browser(app: app)
        let url = "/usager/documents/\(doc.publicId.uuidString.lowercased())"
        for i in 0..<60 {
            XCTAssertEqual(
                try prober.get(i.isMultiple(of: 2) ? url : "/usager/documents/\(UUID().uuidString.lowercased())/pdf").status, 303)
        }
        let rows = try count("SELECT count(*)::int AS n FROM document_access_refusals WHERE address = $1", [prober.address])
        XCTAssertGreaterThan(rows, 0, "probes of a real document are still on record")
        XCTAssertLessThan(rows, 60, "not one row per probe")
        XCTAssertLessThanOrEqual(rows, Documents.anonymousRefusalsPerAddressAndDocument)

        // A logged-in staff member's attempts stay on record one by one: "who looked at my file".
        let staff = Browser(app: app)
        try session(staff, .staff, try Fixtures.staff(db, .ofpraAgent).id)
        for _ in 0..<3 { XCTAssertEqual(try staff.get(url).status, 403) }
        XCTAssertEqual(
            try count(
                "SELECT count(*)::int AS n FROM document_access_refusals WHERE address = $1 AND who LIKE 'staff:%'",
                [staff.address]), 3)
        // Their probes of unknown ids are bounded too.
        for _ in 0..<30 { XCTAssertEqual(try staff.get("/usager/documents/\(UUID().uuidString.lowercased())").status, 403) }
        XCTAssertLessThanOrEqual(
            try count(
                "SELECT count(*)::int AS n FROM document_access_refusals WHERE address = $1 AND document_id IS NULL",
                [staff.address]), Documents.unknownRefusalsPerPerson)
    }

    // MARK: 7c: one e-mail rule for the forms and the outbox

    static let hostileAddresses = [
        "a(b)@example.org", "a)b@example.org", "a;b@example.org", "a:b@example.org",
        "a[b]@example.org", "\"ab\"@example.org", "a\\b@example.org", "ab@exa;mple.org",
    ]

    func testAddressesWithMailSyntaxCharactersAreRefusedByEveryForm() throws {
        let (person, _) = try Fixtures.applicant(db)
        let applicant = Browser(app: app)
        try session(applicant, .applicant, person.id)
        let spada = Browser(app: app)
        try session(spada, .staff, try Fixtures.staff(db, .spadaStaff).id)
        let admin = Browser(app: app)
        try session(admin, .staff, try Fixtures.staff(db, .administrator).id)
        for address in Self.hostileAddresses {
            let contact = applicant.post("/usager/coordonnees/email", ["email": address])
            XCTAssertEqual(contact.status, 422, "contact form, \(address)")
            XCTAssertTrue(contact.html.contains(fr("form.invalid_email")), "contact form, \(address)")
            let enrol = spada.post(
                "/pro/inscriptions/nouvelle",
                [
                    "surname": "Probe", "given_names": "Mail", "birth_date": "1990-01-01", "nationality": "x",
                    "language": "fr", "email": address,
                ])
            XCTAssertEqual(enrol.status, 422, "SPADA enrolment, \(address)")
            XCTAssertTrue(enrol.html.contains(fr("form.invalid_email")), "SPADA enrolment, \(address)")
            let staff = admin.post("/admin/personnel", ["email": address, "display_name": "Probe", "role": "ofpra"])
            XCTAssertEqual(staff.status, 422, "staff admin, \(address)")
            XCTAssertTrue(staff.html.contains(fr("form.invalid_email")), "staff admin, \(address)")
        }
        XCTAssertTrue(try Outbox.messages(subjectRef: "applicant:\(person.id)", db).allSatisfy { $0.template != "contact_code" })
    }

    func testTheOutboxAndTheFormsShareOneRule() throws {
        let samples =
            Self.hostileAddresses + [
                "name@example.org", "Prénom.Nom+tag@exemple.fr", "a@b", "a@@b.org", "a b@c.org",
                "a<b>@c.org", "a,b@c.org", "x@c.org\r\nBcc: y@d.org", "@c.org", "a@.org",
            ]
        for address in samples {
            XCTAssertEqual(MessageValidation.isEmailAddress(address), EmailAddress(address) != nil, address)
        }
        for address in Self.hostileAddresses {
            XCTAssertThrowsError(
                try Outbox.enqueue(
                    OutboxMessage(
                        channel: .email, recipient: address, template: "contact_code",
                        language: "fr", params: ["code": "123456"]), in: db), address)
        }
    }

    // MARK: 7d: the language switcher after a POST

    func testTheLanguageSwitcherWorksOnEveryPageAPostAnswers() throws {
        let (other, _) = try Fixtures.applicant(db)
        let anef = try AnefFixtures.account(db, protection: try AnefFixtures.protection(db))
        var staffByRole: [Role: StaffAccount] = [:]
        func staff(_ role: Role) throws -> StaffAccount {
            if let s = staffByRole[role] { return s }
            let s = try Fixtures.staff(db, role)
            staffByRole[role] = s
            return s
        }
        var pages = 0
        for (method, pattern, route) in app.routes.all where method == .post {
            let b = Browser(app: app)
            switch route.access {
            case .anyone: try b.get("/connexion")
            case .applicant, .applicantReadOnly: try session(b, .applicant, other.id)
            case .activation: try session(b, .activation, other.id)
            case .anefAccount: try session(b, .anef, anef.id)
            case .anyStaff: try session(b, .staff, try staff(.administrator).id)
            case .staff(let roles): try session(b, .staff, try staff(roles.sorted { $0.rawValue < $1.rawValue }[0]).id)
            case .testOnly, .documentOwner, .providerCallback: continue
            }
            let path = pattern.replacingOccurrences(of: ":id", with: String(other.id))
            let r = b.post(path, [:])
            guard r.header("Content-Type")?.hasPrefix("text/html") == true else { continue }
            let links = switcherLinks(r.html)
            XCTAssertEqual(links.count, Language.supported.count, "\(pattern) answered a page without the switcher")
            for link in links {
                let switched = try b.get(link)
                XCTAssertNotEqual(switched.status, 405, "POST \(pattern) (\(r.status)): the switcher links to \(link)")
                XCTAssertLessThan(switched.status.code, 500, "POST \(pattern): \(link)")
            }
            pages += 1
        }
        XCTAssertGreaterThan(pages, 20, "most POST routes answer a page for an empty form")
    }

    /// The hrefs of the layout's language switcher, unescaped.
    func switcherLinks(_ html: String) -> [String] {
        guard let nav = html.range(of: #"<nav class="lang-switch"[\s\S]*?</nav>"#, options: .regularExpression) else { return [] }
        let block = String(html[nav])
        let regex = try! NSRegularExpression(pattern: #"href="([^"]*)""#)
        return regex.matches(in: block, range: NSRange(block.startIndex..., in: block)).map {
            String(block[Range($0.range(at: 1), in: block)!]).replacingOccurrences(of: "&amp;", with: "&")
                .replacingOccurrences(of: "&#x3D;", with: "=").replacingOccurrences(of: "&#x2F;", with: "/")
        }
    }
}
