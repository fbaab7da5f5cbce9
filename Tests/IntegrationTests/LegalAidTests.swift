import Domain
import Foundation
import HTTP
import I18n
import Postgres
import XCTest

@testable import Web

/// "I asked for legal aid on …" on a notified rejection: it suspends the appeal on the page,
/// only the owner can say it, only with a date between the notification and today.
final class LegalAidTests: IntegrationTestCase {
    let pdf = Array("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".utf8)
    let today = ParisCalendar.civilDate(of: Date())

    func fr(_ key: String, _ args: [String: String] = [:]) -> String {
        escapedHTML(app.catalogues[.french].text(key, args))
    }

    /// A rejection the person opened `daysAgo` days ago, and a browser logged in as them.
    func notifiedRejection(daysAgo: Int = 3) throws -> (Applicant, DocumentRecord, Browser) {
        let (person, key) = try Fixtures.applicant(db, phone: nil)
        let d = try DocumentDeposit.deposit(.decisionRejection, pdf: pdf, interview: nil, for: person, by: nil, db: db).document
        try db.query(
            """
            UPDATE documents SET deposited_at = now() - make_interval(days => $2 + 1),
                                 first_consulted_at = now() - make_interval(days => $2) WHERE id = $1
            """, [d.id, daysAgo])
        let b = Browser(app: app)
        try b.get("/usager/activation")
        b.post("/usager/activation", ["identifier": person.agdref!, "key": key])
        let r = b.post("/usager/activation/mot-de-passe", ["password": "une phrase bien longue", "confirmation": "une phrase bien longue"])
        XCTAssertEqual(r.status, 303, r.html)
        return (person, try XCTUnwrap(try Documents.find(publicId: d.publicId, db: db)), b)
    }

    func path(_ d: DocumentRecord) -> String { "/usager/documents/\(d.publicId.uuidString.lowercased())" }

    func stored(_ d: DocumentRecord) throws -> CivilDate? {
        try Documents.find(publicId: d.publicId, db: db)?.legalAidRequestedOn
    }

    func events(_ person: Applicant) throws -> [String] {
        try AuthEvents.forApplicant(person.id, db: db).map(\.event).filter { $0.hasPrefix("legal_aid") }
    }

    func testTheDeclarationSuspendsTheAppealAndCanBeCorrected() throws {
        let (person, d, b) = try notifiedRejection()
        let page = try b.get(path(d))
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.html.contains(path(d) + "/aide-juridictionnelle"), "the form is on the page")
        XCTAssertFalse(page.html.contains(fr("documents.deadline.suspended_help")))

        let asked = today.adding(days: -1)
        let r = b.post(path(d) + "/aide-juridictionnelle", ["requested_on": asked.iso])
        XCTAssertEqual(r.status, 303, r.html)
        XCTAssertEqual(r.location, path(d) + "#delais")
        XCTAssertEqual(try stored(d), asked)
        XCTAssertEqual(try events(person), ["legal_aid_declared"])

        let after = try b.get(path(d)).html
        let shown = DisplayFormat.date(ParisCalendar.startOfDay(asked), .french)
        XCTAssertTrue(after.contains(fr("documents.deadline.suspended", ["date": shown])), after)
        XCTAssertTrue(after.contains(fr("documents.deadline.suspended_help")))
        XCTAssertTrue(after.contains(fr("documents.legal_aid.correct")))

        // A correction replaces it, typed the way people do (day/month/year, Arabic-Indic digits).
        let corrected = today.adding(days: -2)
        let typed = String(format: "%02d/%02d/%04d", corrected.day, corrected.month, corrected.year)
            .map { c -> String in c.isNumber ? String(UnicodeScalar(0x0660 + Int(String(c))!)!) : String(c) }.joined()
        XCTAssertEqual(b.post(path(d) + "/aide-juridictionnelle", ["requested_on": typed]).status, 303)
        XCTAssertEqual(try stored(d), corrected)
        XCTAssertEqual(try events(person), ["legal_aid_corrected", "legal_aid_declared"])
    }

    /// The case, on the page: notified Thursday 26 November 2026, the month ends on
    /// Saturday 26 December, so the appeal runs to Monday 28 December, and the page says why.
    func testThePageShowsTheLegalLastDayAndWhyItWasPostponed() throws {
        let (_, d, b) = try notifiedRejection()
        try db.query(
            """
            UPDATE documents SET deposited_at = '2026-11-25 10:00+01', first_consulted_at = '2026-11-26 10:00+01'
            WHERE id = $1
            """, [d.id])
        for language in [Language.french, .english, .arabic] {
            let html = try b.get(path(d) + "?lang=\(language.code)").html
            let catalogue = app.catalogues[language]
            func day(_ iso: String) -> String { DisplayFormat.date(ParisCalendar.startOfDay(CivilDate(iso: iso)!), language) }
            let postponed = catalogue.text(
                "documents.deadline.postponed_saturday",
                [
                    "nominal": DisplayFormat.dayMonthYear(ParisCalendar.startOfDay(CivilDate(iso: "2026-12-26")!), language),
                    "until": day("2026-12-28"),
                ])
            XCTAssertTrue(html.contains(escapedHTML(postponed)), "\(language.code): \(postponed)")
            XCTAssertTrue(html.contains(escapedHTML(day("2026-12-28"))), language.code)
            XCTAssertTrue(html.contains(escapedHTML(day("2026-12-11"))), "legal aid: 15 days, a Friday")
            XCTAssertFalse(html.contains(escapedHTML(day("2026-12-26")) + " —"), "the nominal day is not shown as the deadline")
        }
    }

    func testAFutureDateIsRefusedAndNothingStored() throws {
        let (person, d, b) = try notifiedRejection()
        let r = b.post(path(d) + "/aide-juridictionnelle", ["requested_on": today.adding(days: 1).iso])
        XCTAssertEqual(r.status, 422)
        XCTAssertTrue(r.html.contains(fr("documents.legal_aid.future")), r.html)
        XCTAssertTrue(r.html.contains("error-summary"))
        XCTAssertNil(try stored(d))
        XCTAssertEqual(try events(person), [])
    }

    func testADateBeforeTheNotificationOrNotADateIsRefused() throws {
        let (_, d, b) = try notifiedRejection(daysAgo: 3)
        let early = b.post(path(d) + "/aide-juridictionnelle", ["requested_on": today.adding(days: -4).iso])
        XCTAssertEqual(early.status, 422)
        XCTAssertTrue(early.html.contains(fr("documents.legal_aid.before_notification")))
        let garbage = b.post(path(d) + "/aide-juridictionnelle", ["requested_on": "31/02/2026"])
        XCTAssertEqual(garbage.status, 422)
        XCTAssertTrue(garbage.html.contains(fr("documents.legal_aid.invalid_date")))
        XCTAssertNil(try stored(d))
    }

    func testAnotherApplicantsDocumentIsNotFoundAndUnchanged() throws {
        let (_, d, _) = try notifiedRejection()
        let (_, _, intruder) = try notifiedRejection()
        let r = intruder.post(path(d) + "/aide-juridictionnelle", ["requested_on": today.iso])
        XCTAssertEqual(r.status, 404)
        XCTAssertNil(try stored(d))
    }

    func testWithoutTheCSRFTokenNothingIsStored() throws {
        let (person, d, b) = try notifiedRejection()
        let body = Array("requested_on=\(today.iso)".utf8)
        let r = b.handler.handle(
            Request(
                method: .post, path: path(d) + "/aide-juridictionnelle",
                headers: [.contentType: "application/x-www-form-urlencoded"], cookies: b.cookies, body: body,
                remoteAddress: b.address))
        XCTAssertEqual(r.status, 403)
        XCTAssertNil(try stored(d))
        XCTAssertEqual(try events(person), [])
    }

}
