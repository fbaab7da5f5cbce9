import Domain
import Foundation
import I18n
import Logging
import Postgres
import XCTest

@testable import HTTP
@testable import Web

/// The request side's guarantees, as a visitor or an operator would notice them: staff and
/// applicant handlers get their person, a malformed `:id` runs no handler, a header the app
/// cannot write honestly becomes a logged 500.
final class RequestSideTests: IntegrationTestCase {
    /// Every route behind a staff rule was registered with a `StaffContext` handler and every
    /// route behind the applicant rule with an `ApplicantContext` one (so none reads an optional
    /// `ctx.staff`); a narrowed context never sits behind a rule that does not guarantee it.
    func testEveryStaffAndApplicantRuleHandsItsHandlerThePerson() {
        var staff = 0
        var applicant = 0
        var anef = 0
        for (method, pattern, route) in app.routes.all {
            let what = "\(method) \(pattern)"
            if StaffContext.isGuaranteed(by: route.access) {
                XCTAssertEqual(route.context, "StaffContext", what)
                staff += 1
            } else if ApplicantContext.isGuaranteed(by: route.access) {
                XCTAssertEqual(route.context, "ApplicantContext", what)
                applicant += 1
            } else if AnefContext.isGuaranteed(by: route.access) {
                XCTAssertEqual(route.context, "AnefContext", what)
                anef += 1
            } else {
                XCTAssertEqual(route.context, "RequestContext", what)
            }
        }
        XCTAssertEqual(staff, AccessMatrix.rules.values.filter { StaffContext.isGuaranteed(by: $0.access) }.count)
        XCTAssertEqual(applicant, AccessMatrix.rules.values.filter { ApplicantContext.isGuaranteed(by: $0.access) }.count)
        XCTAssertEqual(anef, AccessMatrix.rules.values.filter { $0.access == .anefAccount }.count)
        XCTAssertGreaterThan(staff * applicant * anef, 0)
    }

    func testOnlyStaffRulesGuaranteeAStaffMemberAndOnlyTheApplicantRuleAnApplicant() {
        let all: [Route.Access] = [
            .anyone, .staff([.ofpraAgent]), .anyStaff, .applicant, .applicantReadOnly, .activation, .testOnly, .documentOwner,
            .providerCallback,
        ]
        XCTAssertEqual(all.filter(StaffContext.isGuaranteed), [.staff([.ofpraAgent]), .anyStaff])
        XCTAssertEqual(all.filter(ApplicantContext.isGuaranteed), [.applicant, .applicantReadOnly])
    }

    /// `0<id>` or `+<id>` answers 404 before the handler runs: no audit row (the handler writes
    /// `view_person` for the real id), nothing read on the person's behalf.
    func testAMalformedIdAnswers404WithoutRunningTheHandler() throws {
        let (person, _) = try Fixtures.applicant(db)
        let agent = try Fixtures.staff(db, .ofpraAgent)
        let b = Browser(app: app)
        try Fixtures.logInStaff(b, .ofpraAgent)
        func audited() throws -> Int {
            try db.query("SELECT count(*)::int AS n FROM audit_events WHERE staff_id = $1", [agent.id]).first!.get("n")
        }
        let before = try audited()
        for odd in ["0\(person.id)", "+\(person.id)", "\(person.id) ", "x"] {
            XCTAssertEqual(try b.get("/agents/ofpra/personnes/\(FormData.percentEncode(odd))").status, 404, odd)
            XCTAssertEqual(b.post("/agents/ofpra/personnes/\(odd)/cloture", ["reason": "error"]).status, 404, odd)
        }
        XCTAssertEqual(try audited(), before, "a handler ran for a malformed id")
        XCTAssertEqual(try b.get("/agents/ofpra/personnes/\(person.id)").status, 200)
        XCTAssertEqual(try audited(), before + 1, "the real id's page is audited")
        XCTAssertNil(try Applicants.find(id: person.id, db: db)?.closedAt)
    }

    /// A header value with a CR/LF/NUL (here a handler's would-be `Location` built from text)
    /// is not sent altered or dropped: the visitor gets the translated 500 page, the log an error.
    func testAHandlerSettingALineBreakInAHeaderGetsALogged500() throws {
        let lines = LogLines()
        let (app, db) = try Fixtures.app(logger: Logger(label: "test") { _ in CapturingLogHandler(sink: lines) })
        defer { db.close() }
        let handler = app.makeHandler()
        let ctx = RequestContext(request: Request(method: .get, path: "/x"), app: app, db: db, language: .english)
        var answer = Response.text("handled")
        answer.setHeader(.location, "/usager/espace\r\nSet-Cookie: session=forged")
        let r = handler.finish(answer, ctx)
        XCTAssertEqual(r.status, .internalServerError)
        XCTAssertNil(r.header(.location))
        XCTAssertFalse(r.serializedHead().contains("forged"))
        XCTAssertTrue(r.html.contains(escapedHTML(app.catalogues[.english].text("errors.500.title"))), r.html)
        XCTAssertEqual(lines.all.filter { $0.contains("Location") && $0.contains("500") }.count, 1, "\(lines.all)")

        var fine = Response.text("handled")
        fine.setHeader(.location, "/usager/espace")
        XCTAssertEqual(handler.finish(fine, ctx).status, .ok)
    }
}
