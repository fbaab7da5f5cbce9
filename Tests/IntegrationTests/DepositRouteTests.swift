import Domain
import Foundation
import HTTP
import I18n
import Postgres
import XCTest

@testable import Web

/// The OFPRA deposit form, as an agent uses it: a hostile PDF is refused with a message and
/// nothing is stored; a stored document is audited in the same transaction.
final class DepositRouteTests: IntegrationTestCase {
    func agent() throws -> Browser {
        _ = try Fixtures.staff(db, .ofpraAgent)
        let b = Browser(app: app)
        try Fixtures.logInStaff(b, .ofpraAgent)
        return b
    }

    func deposit(_ b: Browser, _ person: Applicant, _ pdf: [UInt8]) -> Response {
        b.postFile(
            "/agents/ofpra/personnes/\(person.id)/documents", ["kind": DocumentKind.decisionRejection.rawValue],
            file: "file", pdf)
    }

    func stored(_ person: Applicant) throws -> (documents: Int, audit: Int) {
        let d: Int = try db.query("SELECT count(*) AS n FROM documents WHERE applicant_id = $1", [person.id]).first!.get("n")
        let a: Int = try db.query(
            "SELECT count(*) AS n FROM audit_events WHERE applicant_id = $1 AND action = 'deposit_document'",
            [person.id]
        ).first!.get("n")
        return (d, a)
    }

    func testAValidPDFIsStoredAndAudited() throws {
        let (person, _) = try Fixtures.applicant(db, phone: nil)
        let r = deposit(try agent(), person, MiniPDF.build())
        XCTAssertEqual(r.status, 303, r.html)
        XCTAssertEqual(try stored(person).documents, 1)
        XCTAssertEqual(try stored(person).audit, 1)
    }

    func testActiveContentIsRefusedWithAMessageAndNothingIsStored() throws {
        let (person, _) = try Fixtures.applicant(db, phone: nil)
        let b = try agent()
        let cases: [([UInt8], PDFCheck.Problem)] = [
            (MiniPDF.build(catalog: "/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>"), .activeContent),
            (MiniPDF.build(catalog: "/Names << /EmbeddedFiles << /Names [(a.exe) << /Type /Filespec /F (a.exe) >>] >> >>"), .attachments),
            (MiniPDF.build(header: "%PDF-1.7\n%<html><script>alert(1)</script>\n"), .polyglot),
        ]
        for (pdf, problem) in cases {
            let r = deposit(b, person, pdf)
            XCTAssertEqual(r.status, 422, "\(problem)")
            XCTAssertTrue(
                r.html.contains(escapedHTML(app.catalogues[.french].text(DomainText.key(problem)))), "\(problem): the agent is told why")
        }
        XCTAssertEqual(try stored(person).documents, 0)
    }

    func testTheApplicantGetsTheDocumentSandboxedAndNeverSniffed() throws {
        let (person, key) = try Fixtures.applicant(db, phone: nil)
        XCTAssertEqual(deposit(try agent(), person, MiniPDF.build()).status, 303)
        let d = try XCTUnwrap(Documents.forApplicant(person.id, db: db).first)
        let b = Browser(app: app)
        try b.get("/usager/activation")
        b.post("/usager/activation", ["identifier": person.agdref!, "key": key])
        b.post("/usager/activation/mot-de-passe", ["password": "une phrase bien longue", "confirmation": "une phrase bien longue"])
        let base = "/usager/documents/\(d.publicId.uuidString.lowercased())"
        for (path, disposition) in [
            (base + "/pdf", "inline"), (base + "/pdf?telecharger=1", "attachment"),
            (base + "/accuse?format=pdf", "attachment"),
        ] {
            let r = try b.get(path)
            XCTAssertEqual(r.status, 200, path)
            XCTAssertEqual(r.header("Content-Type"), "application/pdf", path)
            let csp = try XCTUnwrap(r.header("Content-Security-Policy"), path)
            // A script that slipped through would run in an opaque origin: no cookies, no session.
            XCTAssertTrue(csp.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.contains("sandbox"), "\(path): \(csp)")
            XCTAssertEqual(r.header("X-Content-Type-Options"), "nosniff", path)
            let cd = try XCTUnwrap(r.header("Content-Disposition"), path)
            XCTAssertTrue(cd.hasPrefix(disposition + "; filename=\""), cd)
            XCTAssertNotNil(cd.range(of: #"filename="[a-z0-9._-]+\.pdf"$"#, options: .regularExpression), cd)
        }
    }

    /// Addresses stored before the e-mail rule (EmailAddress) may hold `( ) ; : [ ] " \\`, which
    /// the outbox refuses: the deposit must still go through, without that channel, and OFPRA
    /// must see that the person was not told and why.
    func testAStoredEmailTheRuleRefusesNeverFailsADepositAndOFPRASeesIt() throws {
        let b = try agent()
        for bad in [
            "amina(bureau)@example.org", "a;b@example.org", "\"karim\"@example.org", "x\\y@example.org",
            "a[1]:b@example.org",
        ] {
            let (person, _) = try Fixtures.applicant(db, phone: nil)
            try db.query("UPDATE applicants SET email = $2, email_verified_at = now() WHERE id = $1", [person.id, bad])
            let r = deposit(b, person, MiniPDF.build())
            XCTAssertEqual(r.status, 303, "\(bad): \(r.html)")
            XCTAssertEqual(r.location, "/agents/ofpra/personnes/\(person.id)?notice=deposited_unannounced", bad)
            XCTAssertEqual(try stored(person).documents, 1, bad)
            let sent: Int = try db.query("SELECT count(*) AS n FROM outbox_messages WHERE recipient = $1", [bad]).first!.get("n")
            XCTAssertEqual(sent, 0, bad)
            let page = try b.get("/agents/ofpra/personnes/\(person.id)")
            XCTAssertTrue(page.html.contains(escapedHTML(app.catalogues[.french].text("ofpra.unusable_email"))), bad)
            XCTAssertTrue(page.html.contains(escapedHTML(app.catalogues[.french].text("ofpra.unannounced"))), bad)
        }
    }

    /// With a phone as well, the deposit goes to the phone and the bad address is left alone.
    func testABadStoredEmailLeavesThePhoneChannel() throws {
        let bad = "amina(\(Int.random(in: 0...999_999)))@example.org"
        let phone = "+3365\(Int.random(in: 1_000_000...9_999_999))"
        let (person, _) = try Fixtures.applicant(db, phone: phone)
        try db.query("UPDATE applicants SET email = $2, email_verified_at = now() WHERE id = $1", [person.id, bad])
        let r = deposit(try agent(), person, MiniPDF.build())
        XCTAssertEqual(r.location, "/agents/ofpra/personnes/\(person.id)?notice=deposited", r.html)
        let recipients = try db.query(
            "SELECT recipient FROM outbox_messages WHERE subject_ref LIKE 'document:%' AND recipient IN ($1, $2)",
            [phone, bad]
        ).rows.map { try $0.get("recipient", as: String.self) }
        XCTAssertEqual(recipients, [phone])
        // Key notices (lost key, lock) take the same way: the phone only, no error.
        let reloaded = try XCTUnwrap(Applicants.find(id: person.id, db: db))
        let queued = try db.transaction { tx in
            try ApplicantMessages.send("key_reissued", to: reloaded, params: ["key": "7KQ2-M9XD-7KQ2-M9XD"], db: tx)
        }
        XCTAssertEqual(queued, 1)
    }

    /// A convocation the person cannot act on is refused, field by field, and nothing is stored:
    /// a day already past, a Sunday, a public holiday, an address or a place nobody can find.
    func testAConvocationForAPastDayASundayOrAVagueAddressIsRefused() throws {
        let (person, _) = try Fixtures.applicant(db, phone: nil)
        let b = try agent()
        let today = ParisCalendar.civilDate(of: Date())
        let sunday = today.adding(days: 7 - today.weekday.rawValue)
        var christmas = CivilDate(year: today.year + 1, month: 12, day: 25)!
        while christmas.weekday == .sunday { christmas = CivilDate(year: christmas.year + 1, month: 12, day: 25)! }
        let workingDay = FrenchPublicHolidays.nextWorkingDay(onOrAfter: today.adding(days: 10))
        let good = ["place": "OFPRA, salle 4", "address": "201 rue Carnot, 94120 Fontenay-sous-Bois"]
        func convocation(_ day: CivilDate, place: String = good["place"]!, address: String = good["address"]!) -> Response {
            b.postFile(
                "/agents/ofpra/personnes/\(person.id)/documents",
                [
                    "kind": DocumentKind.convocation.rawValue, "interview_date": day.iso, "interview_time": "09:30",
                    "interview_place": place, "interview_address": address, "interpreter_language": "",
                ], file: "file", MiniPDF.build())
        }
        let refused: [(String, Response, InterviewProblem)] = [
            ("yesterday", convocation(today.adding(days: -1)), .dateInThePast),
            ("a year ago", convocation(today.adding(days: -365)), .dateInThePast),
            ("a Sunday", convocation(sunday), .dateOnSunday),
            ("Christmas", convocation(christmas), .dateOnPublicHoliday),
            ("address x", convocation(workingDay, address: "x"), .addressTooVague),
            ("address 12", convocation(workingDay, address: "12"), .addressTooVague),
            ("place x", convocation(workingDay, place: "x"), .placeTooVague),
        ]
        for (what, r, problem) in refused {
            XCTAssertEqual(r.status, 422, what)
            XCTAssertTrue(
                r.html.contains(escapedHTML(app.catalogues[.french].text(DomainText.key(problem)))), "\(what): the agent is told why")
        }
        XCTAssertEqual(try stored(person).documents, 0, "nothing stored")
        XCTAssertEqual(try stored(person).audit, 0)

        // A working day and a real address go through; so do today and a Saturday (OFPRA may interview then).
        let saturday = today.adding(days: (6 - today.weekday.rawValue + 7) % 7)
        XCTAssertEqual(convocation(workingDay).status, 303)
        for day in [today, saturday] where FrenchPublicHolidays.holiday(on: day) == nil && day.weekday != .sunday {
            XCTAssertEqual(convocation(day, place: "").status, 303, "\(day.iso)")
        }
        XCTAssertGreaterThanOrEqual(try stored(person).documents, 2)
    }

    func testWhenTheAuditRowCannotBeWrittenTheDocumentIsNotStoredEither() throws {
        let (person, _) = try Fixtures.applicant(db, phone: nil)
        let b = try agent()
        let trigger = "refuse_audit_\(person.id)"
        try db.execute(
            """
            CREATE FUNCTION \(trigger)() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.applicant_id = \(person.id) AND NEW.action = 'deposit_document' THEN
              RAISE EXCEPTION 'simulated audit failure'; END IF; RETURN NEW; END $$;
            CREATE TRIGGER \(trigger) BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION \(trigger)();
            """)
        defer { _ = try? db.execute("DROP TRIGGER \(trigger) ON audit_events; DROP FUNCTION \(trigger)();") }
        let r = deposit(b, person, MiniPDF.build())
        XCTAssertEqual(r.status, 500, "the deposit failed as a whole")
        XCTAssertEqual(try stored(person).documents, 0, "no unaudited deposit")
        XCTAssertEqual(try stored(person).audit, 0)
    }
}

/// A one-page PDF with a correct cross-reference table (qpdf reads it without warnings).
enum MiniPDF {
    static func build(catalog: String = "", header: String = "%PDF-1.7\n") -> [UInt8] {
        let content = "BT /F1 18 Tf 72 720 Td (Decision OFPRA) Tj ET"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R \(catalog) >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var out = Array(header.utf8)
        var offsets = [Int]()
        for (i, body) in objects.enumerated() {
            offsets.append(out.count)
            out += Array("\(i + 1) 0 obj\n\(body)\nendobj\n".utf8)
        }
        let xref = out.count
        out += Array("xref\n0 \(objects.count + 1)\n0000000000 65535 f \n".utf8)
        for o in offsets { out += Array(String(format: "%010d 00000 n \n", o).utf8) }
        out += Array("trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        return out
    }
}
