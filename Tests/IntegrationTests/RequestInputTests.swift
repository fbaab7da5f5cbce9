import Domain
import Foundation
import I18n
import Logging
import Postgres
import XCTest

@testable import HTTP
@testable import Web

/// What a visitor puts in a path or a search box, through the request pipeline: a line break
/// does not forge a log line, an odd spelling of an id names no record, and a wildcard typed
/// in a search is a character, not a pattern.
final class RequestInputTests: IntegrationTestCase {
    // MARK: log lines

    func testARefusalLogLineCannotBeForgedThroughThePath() throws {
        let lines = LogLines()
        let (app, db) = try Fixtures.app(logger: Logger(label: "test") { _ in CapturingLogHandler(sink: lines) })
        defer { db.close() }
        // A staff member of their own: refused document requests are logged up to a daily cap per person.
        let email = "log-\(UUID().uuidString.prefix(8).lowercased())@test.invalid"
        _ = try StaffAccounts.upsert(
            email: EmailAddress(email)!, displayName: "Log", role: .spadaStaff,
            structureId: try Fixtures.structure(db).id, password: "fixture-password-1",
            hasher: .fastForTests, db: db)
        let staff = Browser(app: app)
        try staff.get("/connexion")
        XCTAssertEqual(staff.post("/connexion", ["email": email, "password": "fixture-password-1"]).status, 303)
        // No slash: the path must still match a route (a refusal is what gets logged).
        let forged = "\n2026-01-01T00:00:00+0000 info app: staff 1 logged in"
        XCTAssertEqual(try staff.get("/agents/ofpra/personnes/1\(forged)").status, 403)
        XCTAssertEqual(try staff.get("/usager/documents/x\(forged)").status, 403)
        let refusals = lines.all.filter { $0.contains("refused") }
        XCTAssertEqual(refusals.count, 2, "\(lines.all)")
        for line in refusals {
            XCTAssertFalse(line.contains("\n"), "one request, one log line: \(line.debugDescription)")
            XCTAssertTrue(line.contains("\\x0A2026-01-01T00:00:00+0000 info app: staff 1 logged in"), line)
        }
    }

    // MARK: text the database cannot store

    /// The FastCGI layer hands the client address over as it came; a NUL in it reaches the
    /// throttle tables. The Postgres layer refuses it, and the visitor gets a 400, not a 500.
    func testANULTheHTTPLayerDidNotCatchIsA400NotA500() throws {
        let handler = app.makeHandler()
        let page = handler.handle(Request(method: .get, path: "/usager/connexion", remoteAddress: "10.1.2.3"))
        let csrf = try XCTUnwrap(page.cookies.first { $0.name == "csrf" }?.value)
        let token = app.csrf.token(bindingTo: csrf)
        let body = "identifier=1000000099&password=wrong-password-here&_csrf=\(FormData.percentEncode(token))"
        let answer = handler.handle(
            Request(
                method: .post, path: "/usager/connexion",
                headers: [.contentType: "application/x-www-form-urlencoded"],
                cookies: ["csrf": csrf], body: Array(body.utf8), remoteAddress: "10.1.2.3\u{0}x"))
        XCTAssertEqual(answer.status, 400, String(decoding: answer.body, as: UTF8.self))
    }

    // MARK: record ids

    /// `+1`, `01`, `1e3` and values past Int64 name no record: 404, and nothing is done.
    func testOddSpellingsOfAnIdAnswer404() throws {
        let (person, _) = try Fixtures.applicant(db, open: false)
        let ofpra = Browser(app: app)
        let spada = Browser(app: app)
        let guda = Browser(app: app)
        for (b, role) in [(ofpra, Role.ofpraAgent), (spada, .spadaStaff), (guda, .gudaAgent)] {
            _ = try Fixtures.staff(db, role)
            try Fixtures.logInStaff(b, role)
        }
        let id = String(person.id)
        let odd = ["+" + id, "0" + id, "00" + id, id + "e0", "1e3", "+" + id + ".0", "9223372036854775808", "99999999999999999999"]
        let pages: [(Browser, String)] = [
            (ofpra, "/agents/ofpra/personnes/:id"), (spada, "/pro/personnes/:id"),
            (guda, "/agents/guda/personnes/:id"),
        ]
        for (b, template) in pages {
            XCTAssertNotEqual(try b.get(template.replacingOccurrences(of: ":id", with: id)).status, 404, template)
            for spelling in odd {
                let path = template.replacingOccurrences(of: ":id", with: spelling)
                XCTAssertEqual(try b.get(path).status, 404, path)
            }
        }
        // An act: OFPRA opening the space through `/+id` must not open it.
        for spelling in odd {
            XCTAssertEqual(ofpra.post("/agents/ofpra/espaces/\(spelling)", [:]).status, 404, spelling)
        }
        XCTAssertNil(try Applicants.find(id: person.id, db: db)?.spaceAvailableAt, "no space opened through an odd id")
        XCTAssertEqual(ofpra.post("/agents/ofpra/espaces/\(id)", [:]).status, 303)
        XCTAssertNotNil(try Applicants.find(id: person.id, db: db)?.spaceAvailableAt)
    }

    // MARK: search

    /// `%`, `_` and `\` typed in the GUDA search match themselves, not everyone.
    func testWildcardsTypedInTheGudaSearchAreCharacters() throws {
        let spada = try Fixtures.structure(db)
        func enrol(_ surname: String) throws -> Applicant {
            try Applicants.enrol(
                .init(
                    surname: surname, givenNames: "Search", birthDate: "1990-01-01", nationality: "x",
                    language: "fr", phone: nil, email: nil, spadaId: spada.id), by: nil, db: db)
        }
        let tag = String(Int.random(in: 100_000...999_999))
        let plain = try enrol("Plain\(tag)")
        let percent = try enrol("Per%cent\(tag)")
        let under = try enrol("Under_score\(tag)")
        let slash = try enrol("Back\\slash\(tag)")
        _ = try Fixtures.staff(db, .gudaAgent)
        let b = Browser(app: app)
        try Fixtures.logInStaff(b, .gudaAgent)
        func listed(_ q: String) throws -> Set<Int64> {
            let html = try b.get("/agents/guda?q=\(FormData.percentEncode(q))").html
            return Set(
                [plain, percent, under, slash].filter {
                    html.contains(escapedHTML($0.surname.uppercased())) || html.contains(escapedHTML($0.surname))
                }.map(\.id))
        }
        XCTAssertEqual(try listed(tag), [plain.id, percent.id, under.id, slash.id], "the search finds them all by their common part")
        XCTAssertEqual(try listed("%"), [percent.id], "% is a character")
        XCTAssertEqual(try listed("%cent\(tag)"), [percent.id])
        XCTAssertEqual(try listed("_"), [under.id], "_ is a character")
        XCTAssertEqual(try listed("Plai_\(tag)"), [], "_ does not stand for one letter")
        XCTAssertEqual(try listed("\\"), [slash.id], "a backslash is a character, not an escape")
        XCTAssertEqual(try listed("\\%"), [], "nor does it escape what follows")
    }

    /// The administrators' journal search by staff e-mail: the same rule.
    func testWildcardsInTheJournalSearchAreCharacters() throws {
        let staff = try Fixtures.staff(db, .ofpraAgent)
        let ctx = RequestContext(request: Request(method: .get, path: "/"), app: app, db: db, language: .french)
        ctx.staff = staff
        try Audit.record(ctx, "view_space_queue")
        XCTAssertFalse(try Audit.search(staffEmail: "ofpra", applicantId: nil, day: nil, db: db).isEmpty)
        XCTAssertTrue(try Audit.search(staffEmail: "%", applicantId: nil, day: nil, db: db).isEmpty, "no e-mail holds a %")
        XCTAssertTrue(try Audit.search(staffEmail: "ofpra-fixture@test_invalid", applicantId: nil, day: nil, db: db).isEmpty)
    }
}

/// Keeps the messages the app logs, for tests that read them.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }
    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}

struct CapturingLogHandler: LogHandler {
    let sink: LogLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        sink.append(event.message.description)
    }
}
