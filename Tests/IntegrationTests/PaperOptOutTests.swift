import Domain
import Foundation
import I18n
import Outbox
import Postgres
import Security
import XCTest

@testable import HTTP
@testable import Web

/// Opting out to paper letters, through the pipeline on a real PostgreSQL: SPADA → OFII → OFPRA,
/// the COURRIER_POST letter, paper mode, and the mail room's list.
final class PaperOptOutTests: XCTestCase {
    var app: App!
    var db: PGConnection!
    var spada: Structure!
    var otherSpada: Structure!
    var office: Structure!
    var otherOffice: Structure!
    let password = "fixture-password-1"
    /// A real scan-like PDF: qpdf reads it without warnings, as OFPRA's deposit check requires.
    let pdf = MiniPDF.build()

    override func setUpWithError() throws {
        (app, db) = try Fixtures.app()
        spada = try Structures.upsert(
            kind: .spada, name: "SPADA Renonciation Test", city: "35000 Rennes",
            address: "12 rue de la Paix", db: db)
        otherSpada = try Structures.upsert(kind: .spada, name: "SPADA Autre Test", city: "69001 Lyon", db: db)
        office = try Structures.upsert(kind: .ofii, name: "OFII Rennes Test", city: "35000 Rennes", db: db)
        otherOffice = try Structures.upsert(kind: .ofii, name: "OFII Lyon Test", city: "69001 Lyon", db: db)
        try staff("optout-spada", .spadaStaff, spada.id)
        try staff("optout-spada-other", .spadaStaff, otherSpada.id)
        try staff("optout-ofii", .ofiiAgent, office.id)
        try staff("optout-ofii-other", .ofiiAgent, otherOffice.id)
        try staff("optout-ofpra", .ofpraAgent, nil)
        try staff("optout-cada", .cadaStaff, try Structures.upsert(kind: .cada, name: "CADA Renonciation Test", city: "Rennes", db: db).id)
    }

    /// XCTest keeps every test-case instance until the suite ends: release the connection now.
    override func tearDown() {
        db?.close()
        db = nil
        app = nil
    }

    // MARK: helpers

    @discardableResult
    func staff(_ name: String, _ role: Role, _ structure: Int64?) throws -> StaffAccount {
        try StaffAccounts.upsert(
            email: EmailAddress("\(name)@test.invalid")!, displayName: name, role: role,
            structureId: structure, password: password, hasher: .fastForTests, db: db)
    }

    func logIn(_ name: String) throws -> Browser {
        let b = Browser(app: app)
        try b.get("/connexion")
        XCTAssertEqual(b.post("/connexion", ["email": "\(name)@test.invalid", "password": password]).status, 303)
        return b
    }

    /// Enrolled at our SPADA (which then follows the person), registered in scope, space open.
    func person() throws -> Applicant {
        let enrolled = try Applicants.enrol(
            .init(
                surname: "Renonce\(Int.random(in: 0...1_000_000_000))", givenNames: "Samira",
                birthDate: "1991-04-05", nationality: "x", language: "fr",
                phone: "+33611111111", email: nil, spadaId: spada.id), by: nil, db: db)
        _ = try Applicants.register(
            id: enrolled.id,
            .init(
                agdref: Fixtures.agdref(), gudaSite: "rennes", registeredOn: "2024-01-10", procedure: "normal", requalifiedOn: nil,
                unaccompaniedMinor: false, overseas: false, eligibility: Applicants.inScope), by: try Fixtures.staff(db, .gudaAgent).id,
            db: db)
        _ = try Applicants.openSpace(id: enrolled.id, ofpraNumber: nil, db: db)
        return try XCTUnwrap(Applicants.find(id: enrolled.id, db: db))
    }

    func latest(_ p: Applicant) throws -> PaperOptOut { try XCTUnwrap(PaperOptOuts.latest(applicant: p.id, db: db)) }

    var today: String { ParisCalendar.civilDate(of: Date()).iso }

    func text(_ key: String) -> String { escapedHTML(app.catalogues[.french].text(key)) }

    func request(_ p: Applicant, by spadaBrowser: Browser, reason: String = "vulnerability", detail: String = "") -> Response {
        spadaBrowser.post(
            "/pro/personnes/\(p.id)/renonciation",
            ["optout_reason": reason, "optout_detail": detail, "optout_office": String(office.id)])
    }

    /// Requested, convoked and signed: the form waits for OFPRA.
    func forwarded(_ p: Applicant) throws -> PaperOptOut {
        XCTAssertEqual(request(p, by: try logIn("optout-spada")).location, "/pro/personnes/\(p.id)?notice=optout_requested")
        let ofii = try logIn("optout-ofii")
        let id = try latest(p).id
        XCTAssertEqual(ofii.post("/agents/ofii/renonciations/\(id)/convocation", ["convoked_on": today]).status, 303)
        XCTAssertEqual(
            ofii.postFile("/agents/ofii/renonciations/\(id)/formulaire", ["signed_on": today], file: "form_file", pdf).location,
            "/agents/ofii/renonciations?notice=optout_forwarded")
        return try latest(p)
    }

    func context(staff name: String? = nil, applicant: Applicant? = nil) throws -> RequestContext {
        let ctx = RequestContext(request: Request(method: .get, path: "/"), app: app, db: db, language: .french)
        if let name { ctx.staff = try StaffAccounts.credentials(email: "\(name)@test.invalid", db: db)?.account }
        ctx.applicant = applicant
        return ctx
    }

    /// The context a staff handler is given (`StaffContext`), for the staff member `name`.
    func staffContext(_ name: String) throws -> StaffContext {
        try XCTUnwrap(StaffContext.narrow(try context(staff: name)))
    }

    func deposit(_ kind: DocumentKind, for p: Applicant) throws -> DocumentRecord {
        let fresh = try XCTUnwrap(Applicants.find(id: p.id, db: db))
        return try DocumentDeposit.deposit(kind, pdf: pdf, interview: nil, for: fresh, by: nil, db: db).document
    }

    func audited(_ action: String, _ p: Applicant) throws -> Bool {
        try db.query("SELECT 1 FROM audit_events WHERE action = $1 AND applicant_id = $2", [action, p.id]).first != nil
    }

    // MARK: tests

    func testWholePathFromSpadaToThePostalList() throws {
        let p = try person()
        let spadaBrowser = try logIn("optout-spada")
        // The SPADA's panel offers the form, with the office in its own city chosen.
        let panel = try OptOutRoutes.panel(try staffContext("optout-spada"), p)
        XCTAssertEqual(panel["none"] as? Bool, true)
        let form = try XCTUnwrap(panel["form"] as? [String: Any])
        XCTAssertEqual(form["action"] as? String, "/pro/personnes/\(p.id)/renonciation")
        // The person is told how to ask, and nothing else yet.
        let untouched = try XCTUnwrap(OptOutRoutes.applicantStatus(try context(applicant: p), p))
        let howTo = app.views.render("partials/optout-status", ["optoutStatus": untouched, "t": app.catalogues[.french].tree])
        XCTAssertTrue(howTo.contains(text("optout.status.none")))
        XCTAssertFalse(howTo.contains("<dl"))

        XCTAssertEqual(request(p, by: spadaBrowser).location, "/pro/personnes/\(p.id)?notice=optout_requested")
        XCTAssertTrue(try audited("optout_request", p))
        XCTAssertEqual(try latest(p).step, .requested)
        // A deposit before the acceptance is not for the mail room.
        let before = try deposit(.convocationCancellation, for: p)
        XCTAssertFalse(try PostalDispatches.isQueued(document: before.id, db: db))

        let ofpra = try logIn("optout-ofpra")
        XCTAssertFalse(try ofpra.get("/agents/ofpra/courrier").html.contains(escapedHTML(p.fullName)))

        // OFII: the request is in the office's queue; convocation, then the signed form.
        let ofii = try logIn("optout-ofii")
        let queue = try ofii.get("/agents/ofii/renonciations")
        XCTAssertEqual(queue.status, 200)
        XCTAssertTrue(queue.html.contains(escapedHTML(p.fullName)))
        let id = try latest(p).id
        XCTAssertEqual(try ofii.get("/agents/ofii/renonciations/\(id)").status, 200)
        XCTAssertEqual(
            ofii.post("/agents/ofii/renonciations/\(id)/convocation", ["convoked_on": today]).location,
            "/agents/ofii/renonciations/\(id)?notice=optout_convoked")
        XCTAssertEqual(try latest(p).step, .convoked)
        let upload = ofii.postFile("/agents/ofii/renonciations/\(id)/formulaire", ["signed_on": today], file: "form_file", pdf)
        XCTAssertEqual(upload.location, "/agents/ofii/renonciations?notice=optout_forwarded", upload.html)
        let sent = try latest(p)
        XCTAssertEqual(sent.step, .forwarded)
        XCTAssertEqual(sent.signedFormSha256, Digest.sha256(pdf))
        XCTAssertTrue(try audited("optout_signed_form", p))

        // OFPRA: the form is in its queue and opens as the PDF OFII sent.
        XCTAssertTrue(try ofpra.get("/agents/ofpra/renonciations").html.contains(escapedHTML(p.fullName)))
        let detail = try ofpra.get("/agents/ofpra/renonciations/\(id)")
        XCTAssertEqual(detail.status, 200)
        XCTAssertTrue(detail.html.contains("12 rue de la Paix"), "the agent sees where letters will go")
        let scan = try ofpra.get("/agents/ofpra/renonciations/\(id)/formulaire")
        XCTAssertEqual(scan.header("Content-Type"), "application/pdf")
        XCTAssertEqual(scan.body, pdf)
        XCTAssertTrue(try audited("optout_form_view", p))

        XCTAssertEqual(
            ofpra.post("/agents/ofpra/renonciations/\(id)/acceptation", [:]).location,
            "/agents/ofpra/renonciations?notice=optout_accepted")
        let accepted = try latest(p)
        XCTAssertEqual(accepted.step, .accepted)
        let inPaper = try XCTUnwrap(Applicants.find(id: p.id, db: db))
        XCTAssertNotNil(inPaper.paperModeSince)
        // The COURRIER_POST letter is a real PDF in the person's space, and it is the opt-out's letter.
        let letter = try XCTUnwrap(Documents.forApplicant(p.id, db: db).first { $0.kind == .courrierPost })
        XCTAssertEqual(accepted.courrierPostDocumentId, letter.id)
        let bytes = try Documents.content(id: letter.id, db: db)
        XCTAssertNil(PDFCheck.problem(in: bytes))
        XCTAssertGreaterThan(bytes.count, 1000)
        XCTAssertFalse(try PostalDispatches.isQueued(document: letter.id, db: db), "the letter announcing the post is not posted")
        XCTAssertFalse(try PostalDispatches.isQueued(document: before.id, db: db))
        // The person is told a document is waiting, as for any deposit.
        XCTAssertEqual(try Outbox.messages(subjectRef: "document:\(letter.publicId.uuidString.lowercased())", db).count, 1)

        // From now on, every deposit also goes to the mail room, with the SPADA's address.
        let later = try deposit(.decisionRejection, for: p)
        XCTAssertTrue(try PostalDispatches.isQueued(document: later.id, db: db))
        let list = try ofpra.get("/agents/ofpra/courrier")
        XCTAssertEqual(list.status, 200)
        for expected in [
            p.fullName, "SPADA Renonciation Test", "12 rue de la Paix", "35000 Rennes",
            app.catalogues[.french].text("documents.kinds.decision_rejection"),
        ] {
            XCTAssertTrue(list.html.contains(escapedHTML(expected)), expected)
        }
        XCTAssertTrue(list.html.contains("/static/css/postal.css"))
        let dispatch = try XCTUnwrap(PostalDispatches.pending(db: db).first { $0.documentId == later.id })
        XCTAssertEqual(
            ofpra.post("/agents/ofpra/courrier/\(dispatch.id)/poste", [:]).location, "/agents/ofpra/courrier?notice=postal_posted")
        XCTAssertNil(try PostalDispatches.pending(db: db).first { $0.documentId == later.id })
        XCTAssertEqual(
            ofpra.post("/agents/ofpra/courrier/\(dispatch.id)/poste", [:]).location, "/agents/ofpra/courrier?notice=postal_already_posted")
        XCTAssertTrue(try audited("postal_posted", p))

        // The SPADA and the person see the state with each step's date.
        let after = try OptOutRoutes.panel(try staffContext("optout-spada"), inPaper)
        XCTAssertNotNil(after["paperSince"] as? String)
        XCTAssertNil(after["form"] as? [String: Any], "no second request once in paper mode")
        let steps = try XCTUnwrap((after["request"] as? [String: Any])?["steps"] as? [[String: Any]])
        XCTAssertEqual(steps.count, 5)
        let mine = try XCTUnwrap(OptOutRoutes.applicantStatus(try context(applicant: inPaper), inPaper))
        XCTAssertTrue((mine["text"] as? String ?? "").hasPrefix("Depuis le"))
        XCTAssertEqual((mine["steps"] as? [[String: Any]])?.count, 5)
        let page = app.views.render("pro/optout-request", ["optout": after, "t": app.catalogues[.french].tree])
        XCTAssertTrue(page.contains(escapedHTML(app.catalogues[.french].text("optout.states.accepted"))))
    }

    func testARefusalKeepsThePersonDigitalWithTheReasonVisible() throws {
        let p = try person()
        let o = try forwarded(p)
        let ofpra = try logIn("optout-ofpra")
        let empty = ofpra.post("/agents/ofpra/renonciations/\(o.id)/refus", ["refusal_reason": " "])
        XCTAssertEqual(empty.status, 422)
        XCTAssertTrue(empty.html.contains(text("form.required")))
        XCTAssertEqual(
            ofpra.post("/agents/ofpra/renonciations/\(o.id)/refus", ["refusal_reason": "Formulaire incomplet"]).location,
            "/agents/ofpra/renonciations?notice=optout_refused")
        XCTAssertEqual(try latest(p).step, .refused)
        let still = try XCTUnwrap(Applicants.find(id: p.id, db: db))
        XCTAssertNil(still.paperModeSince)
        XCTAssertFalse(try Documents.forApplicant(p.id, db: db).contains { $0.kind == .courrierPost })
        XCTAssertFalse(try PostalDispatches.isQueued(document: try deposit(.reclassification, for: p).id, db: db))
        // The reason reaches the person and the SPADA, which may record a new request.
        let mine = try XCTUnwrap(OptOutRoutes.applicantStatus(try context(applicant: still), still))
        XCTAssertEqual(mine["refusalReason"] as? String, "Formulaire incomplet")
        let shown = app.views.render("partials/optout-status", ["optoutStatus": mine, "t": app.catalogues[.french].tree])
        XCTAssertTrue(shown.contains("Formulaire incomplet"))
        let panel = try OptOutRoutes.panel(try staffContext("optout-spada"), still)
        XCTAssertEqual((panel["request"] as? [String: Any])?["refusalReason"] as? String, "Formulaire incomplet")
        XCTAssertNotNil(panel["form"] as? [String: Any])
        let spadaPage = app.views.render("pro/optout-request", ["optout": panel, "t": app.catalogues[.french].tree])
        XCTAssertTrue(spadaPage.contains("Formulaire incomplet"))
        XCTAssertTrue(spadaPage.contains(text("optout.states.refused")))
        XCTAssertEqual(
            ofpra.post("/agents/ofpra/renonciations/\(o.id)/acceptation", [:]).location,
            "/agents/ofpra/renonciations/\(o.id)?notice=optout_already_decided")
        XCTAssertNil(try Applicants.find(id: p.id, db: db)?.paperModeSince)
    }

    func testRecordLevelChecks() throws {
        let p = try person()
        // SPADA staff of a structure that does not follow the person.
        let stranger = try logIn("optout-spada-other")
        XCTAssertEqual(request(p, by: stranger).status, 404)
        XCTAssertNil(try PaperOptOuts.latest(applicant: p.id, db: db))
        XCTAssertThrowsError(try OptOutRoutes.panel(try staffContext("optout-spada-other"), p))
        // CADA staff do not record requests; OFII agents do not decide.
        XCTAssertEqual(request(p, by: try logIn("optout-cada")).status, 403)
        XCTAssertEqual(request(p, by: try logIn("optout-spada")).status, 303)
        let id = try latest(p).id
        // An OFII agent of another office neither sees nor acts on the request.
        let otherOfii = try logIn("optout-ofii-other")
        XCTAssertFalse(try otherOfii.get("/agents/ofii/renonciations").html.contains(escapedHTML(p.fullName)))
        XCTAssertEqual(try otherOfii.get("/agents/ofii/renonciations/\(id)").status, 404)
        XCTAssertEqual(otherOfii.post("/agents/ofii/renonciations/\(id)/convocation", ["convoked_on": today]).status, 404)
        XCTAssertNil(try latest(p).convokedOn)
        XCTAssertEqual(try otherOfii.get("/agents/ofpra/renonciations").status, 403)
        XCTAssertEqual(try otherOfii.get("/agents/ofpra/courrier").status, 403)
        XCTAssertEqual(try stranger.get("/agents/ofii/renonciations").status, 403)
        // A CADA hosting the person sees the state and dates, not the reason, and records nothing.
        let cada = try XCTUnwrap(StaffAccounts.credentials(email: "optout-cada@test.invalid", db: db)).account
        try FollowLinks.open(
            applicant: p.id, structure: try XCTUnwrap(cada.structureId), kind: .accommodation,
            startedOn: today, by: nil, db: db)
        let seen = try OptOutRoutes.panel(try staffContext("optout-cada"), p)
        let request = try XCTUnwrap(seen["request"] as? [String: Any])
        XCTAssertEqual(request["reason"] as? String, "")
        XCTAssertEqual((request["steps"] as? [[String: Any]])?.count, 1)
        XCTAssertNil(seen["form"] as? [String: Any])
        let cadaPage = app.views.render("pro/optout-request", ["optout": seen, "t": app.catalogues[.french].tree])
        XCTAssertTrue(cadaPage.contains(text("optout.states.requested")))
        XCTAssertFalse(cadaPage.contains(text("optout.reason")))
        XCTAssertFalse(cadaPage.contains("<form"))
    }

    func testTheScannedFormMustBeAPDF() throws {
        let p = try person()
        XCTAssertEqual(request(p, by: try logIn("optout-spada")).status, 303)
        let id = try latest(p).id
        let ofii = try logIn("optout-ofii")
        XCTAssertEqual(ofii.post("/agents/ofii/renonciations/\(id)/convocation", ["convoked_on": today]).status, 303)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0, count: 64)
        let refused = ofii.postFile(
            "/agents/ofii/renonciations/\(id)/formulaire", ["signed_on": today], file: "form_file", png,
            filename: "formulaire.pdf")
        XCTAssertEqual(refused.status, 422)
        XCTAssertTrue(refused.html.contains("error-summary"))
        XCTAssertTrue(refused.html.contains(text("documents.upload.not_pdf")))
        XCTAssertTrue(refused.html.contains("value=\"\(today)\""), "the typed date is kept")
        let early = ofii.postFile("/agents/ofii/renonciations/\(id)/formulaire", ["signed_on": "2000-01-01"], file: "form_file", pdf)
        XCTAssertEqual(early.status, 422)
        XCTAssertTrue(early.html.contains(text("optout.ofii.signed_on_invalid")))
        XCTAssertEqual(try latest(p).step, .convoked)
    }

    /// The signed form is checked like an OFPRA deposit: OFPRA opens it, so a PDF with active
    /// content or an attachment is refused with the reason, and nothing is stored or forwarded.
    func testTheScannedFormIsValidatedLikeADeposit() throws {
        let p = try person()
        XCTAssertEqual(request(p, by: try logIn("optout-spada")).status, 303)
        let id = try latest(p).id
        let ofii = try logIn("optout-ofii")
        XCTAssertEqual(ofii.post("/agents/ofii/renonciations/\(id)/convocation", ["convoked_on": today]).status, 303)
        let cases: [([UInt8], PDFCheck.Problem)] = [
            (MiniPDF.build(catalog: "/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>"), .activeContent),
            (MiniPDF.build(catalog: "/Names << /EmbeddedFiles << /Names [(a.exe) << /Type /Filespec /F (a.exe) >>] >> >>"), .attachments),
        ]
        for (bytes, problem) in cases {
            let r = ofii.postFile("/agents/ofii/renonciations/\(id)/formulaire", ["signed_on": today], file: "form_file", bytes)
            XCTAssertEqual(r.status, 422, "\(problem)")
            XCTAssertTrue(r.html.contains(text(DomainText.key(problem))), "\(problem): the agent is told why")
        }
        XCTAssertEqual(try latest(p).step, .convoked, "nothing forwarded to OFPRA")
        XCTAssertNil(try PaperOptOuts.signedForm(id: id, db: db), "nothing stored")
        XCTAssertEqual(
            ofii.postFile("/agents/ofii/renonciations/\(id)/formulaire", ["signed_on": today], file: "form_file", pdf).status, 303)
        XCTAssertEqual(try PaperOptOuts.signedForm(id: id, db: db), pdf)
    }

    func testStepsOutOfOrderAreRefused() throws {
        let p = try person()
        let spadaBrowser = try logIn("optout-spada")
        XCTAssertEqual(request(p, by: spadaBrowser).status, 303)
        let id = try latest(p).id
        let ofpra = try logIn("optout-ofpra")
        let ofii = try logIn("optout-ofii")
        // OFPRA cannot decide, nor OFII send a form, before the earlier steps.
        XCTAssertEqual(ofpra.post("/agents/ofpra/renonciations/\(id)/acceptation", [:]).status, 409)
        XCTAssertEqual(ofpra.post("/agents/ofpra/renonciations/\(id)/refus", ["refusal_reason": "x"]).status, 409)
        XCTAssertEqual(
            ofii.postFile("/agents/ofii/renonciations/\(id)/formulaire", ["signed_on": today], file: "form_file", pdf).status, 409)
        XCTAssertEqual(try latest(p).step, .requested)
        // One request at a time.
        XCTAssertEqual(request(p, by: spadaBrowser).location, "/pro/personnes/\(p.id)?notice=optout_already_open")
        XCTAssertEqual(
            try db.query("SELECT count(*) AS n FROM paper_optouts WHERE applicant_id = $1", [p.id]).first?.get("n", as: Int.self), 1)
        XCTAssertNil(try OptOutRoutes.panel(try staffContext("optout-spada"), p)["form"] as? [String: Any])
        // The database refuses a skipped step even without the routes.
        XCTAssertThrowsError(
            try db.query(
                "UPDATE paper_optouts SET decided_at = now(), decided_by = $2, decision = 'refused', refusal_reason = 'x' WHERE id = $1",
                [id, try XCTUnwrap(StaffAccounts.credentials(email: "optout-ofpra@test.invalid", db: db)).account.id]))
        // Accepting twice deposits one letter.
        XCTAssertEqual(ofii.post("/agents/ofii/renonciations/\(id)/convocation", ["convoked_on": today]).status, 303)
        XCTAssertEqual(
            ofii.postFile("/agents/ofii/renonciations/\(id)/formulaire", ["signed_on": today], file: "form_file", pdf).status, 303)
        XCTAssertEqual(ofii.post("/agents/ofii/renonciations/\(id)/convocation", ["convoked_on": today]).status, 409, "forwarded: too late")
        XCTAssertEqual(ofpra.post("/agents/ofpra/renonciations/\(id)/acceptation", [:]).status, 303)
        XCTAssertEqual(
            ofpra.post("/agents/ofpra/renonciations/\(id)/acceptation", [:]).location,
            "/agents/ofpra/renonciations/\(id)?notice=optout_already_decided")
        XCTAssertEqual(try Documents.forApplicant(p.id, db: db).filter { $0.kind == .courrierPost }.count, 1)
        // In paper mode there is nothing left to ask.
        XCTAssertEqual(request(p, by: spadaBrowser).status, 409)
    }

    func testAnOtherReasonNeedsDetailsAndTheFormKeepsWhatWasTyped() throws {
        let p = try person()
        let r = request(p, by: try logIn("optout-spada"), reason: "other", detail: "")
        XCTAssertEqual(r.status, 422)
        XCTAssertTrue(r.html.contains(text("optout.form.detail_required")))
        XCTAssertTrue(r.html.contains("<option value=\"other\" selected>"), "the chosen reason is kept")
        XCTAssertEqual(r.html.components(separatedBy: "error-summary\"").count - 1, 1, "one error summary")
        XCTAssertNil(try PaperOptOuts.latest(applicant: p.id, db: db))
        XCTAssertEqual(request(p, by: try logIn("optout-spada"), reason: "other", detail: "Hébergée chez un tiers").status, 303)
        XCTAssertEqual(try latest(p).reasonDetail, "Hébergée chez un tiers")
    }
}

extension Browser {
    /// A multipart form with one file, as a browser sends an upload.
    func postFile(
        _ path: String, _ fields: [String: String], file name: String, _ bytes: [UInt8],
        filename: String = "scan.pdf"
    ) -> Response {
        let boundary = "----optout\(Int.random(in: 100_000...999_999))"
        var all = fields
        all["_csrf"] = app.csrf.token(bindingTo: cookies["session"] ?? cookies["csrf"] ?? "")
        var body = [UInt8]()
        for (k, v) in all {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n".utf8)
        }
        body += Array(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: application/pdf\r\n\r\n"
                .utf8)
        body += bytes
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        return handler.handle(
            Request(
                method: .post, path: path, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"],
                cookies: cookies, body: body, remoteAddress: address))
    }
}
