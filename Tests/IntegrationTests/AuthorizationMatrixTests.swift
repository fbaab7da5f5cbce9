import Domain
import Foundation
import Outbox
import Postgres
import Security
import XCTest

@testable import HTTP
@testable import Web

/// Walks every registered route with every role, an applicant, a person mid-activation and a
/// logged-out visitor, and checks that what happens is what `AccessMatrix` says.
final class AuthorizationMatrixTests: IntegrationTestCase {
    enum Actor: CustomStringConvertible {
        case anonymous
        case applicant(Int64)
        /// An applicant whose space OFPRA closed, still readable (`ClosedSpaceAccess.readOnly`).
        case readOnlyApplicant(Int64)
        case activating(Int64)
        case anef(Int64)
        case staff(StaffAccount)
        var description: String {
            switch self {
            case .anonymous: "anonymous"
            case .applicant: "applicant"
            case .readOnlyApplicant: "applicant of a read-only space"
            case .activating: "activating applicant"
            case .anef: "ANEF account"
            case .staff(let s): s.role.rawValue
            }
        }
    }

    /// A browser already signed in as `actor` (sessions created directly: no password hashing).
    func browser(_ actor: Actor) throws -> Browser {
        let b = Browser(app: app)
        let subject: (Session.Subject, Int64)?
        switch actor {
        case .anonymous: subject = nil
        case .applicant(let id), .readOnlyApplicant(let id): subject = (.applicant, id)
        case .activating(let id): subject = (.activation, id)
        case .anef(let id): subject = (.anef, id)
        case .staff(let s): subject = (.staff, s.id)
        }
        if let (kind, id) = subject {
            b.cookies["session"] = try app.sessions.start(subject: kind, id: id, replacing: nil, db: db).token
        } else {
            try b.get("/connexion")  // the pre-login CSRF cookie
        }
        return b
    }

    func staffWithStructures() throws -> [StaffAccount] {
        try Role.allCases.map { role in
            let kind: Structure.Kind? =
                switch role {
                case .spadaStaff: .spada
                case .cadaStaff: .cada
                case .hudaStaff: .huda
                case .gudaAgent: .guda
                case .ofiiAgent: .ofii
                default: nil
                }
            let structure = try kind.map {
                try Structures.upsert(
                    kind: $0, name: "Matrix \($0.rawValue)", city: "Rennes",
                    gudaSite: $0 == .guda ? "rennes" : nil, db: db)
            }
            return try StaffAccounts.upsert(
                email: EmailAddress("matrix-\(role.rawValue)@test.invalid")!, displayName: "Matrix \(role.rawValue)",
                role: role, structureId: structure?.id, password: "matrix-password-1",
                hasher: .fastForTests, db: db)
        }
    }

    func isRefused(_ r: Response) -> Bool {
        if r.status == 403 { return true }
        guard r.status == 303, let to = r.location else { return false }
        return ["/connexion?", "/usager/connexion?", "/usager/activation?", "/anef/connexion?"].contains { to.hasPrefix($0) }
    }

    func testEveryRouteWithEveryActorMatchesTheMatrix() throws {
        let (owner, _) = try Fixtures.applicant(db)
        let (other, _) = try Fixtures.applicant(db)
        let document = try DocumentDeposit.deposit(
            .convocationCancellation, pdf: Array("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".utf8),
            interview: nil, for: owner, by: nil, db: db
        ).document
        let anef = try AnefFixtures.account(db, protection: try AnefFixtures.protection(db))
        // Closed by OFPRA after a decision: read-only for ASYLUM_CLOSED_ACCESS_DAYS.
        let (closed, _) = try Fixtures.applicant(db)
        _ = try DocumentDeposit.deposit(
            .decisionRejection, pdf: Array("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".utf8), interview: nil, for: closed, by: nil, db: db)
        _ = try Applicants.close(id: closed.id, reason: "final_decision", by: try Fixtures.staff(db, .ofpraAgent).id, db: db)
        let actors: [Actor] =
            [.anonymous, .applicant(other.id), .readOnlyApplicant(closed.id), .activating(other.id), .anef(anef.id)]
            + (try staffWithStructures()).map { .staff($0) }
        var checked = 0
        let registered = app.routes.all
        XCTAssertEqual(registered.count, AccessMatrix.rules.count, "every rule matches a registered route")
        for (method, pattern, route) in registered {
            XCTAssertEqual(AccessMatrix.rules["\(method) \(pattern)"]?.access, route.access, "\(method) \(pattern)")
            XCTAssertEqual(AccessMatrix.rules["\(method) \(pattern)"]?.scope, route.scope, "\(method) \(pattern)")
            let id = pattern.hasPrefix("/usager/documents") ? document.publicId.uuidString.lowercased() : String(other.id)
            var path = pattern.replacingOccurrences(of: ":id", with: id)
            if pattern == "/__test/sleep" { path += "?ms=1" }
            for actor in actors {
                let b = try browser(actor)
                let r = method == .get ? try b.get(path) : b.post(path, [:])
                let allowed: Bool
                switch route.access {
                case .anyone, .testOnly: allowed = true
                case .anyStaff: if case .staff = actor { allowed = true } else { allowed = false }
                case .staff(let roles): if case .staff(let s) = actor { allowed = roles.contains(s.role) } else { allowed = false }
                case .applicant: if case .applicant = actor { allowed = true } else { allowed = false }
                case .applicantReadOnly:
                    switch actor {
                    case .applicant, .readOnlyApplicant: allowed = true
                    default: allowed = false
                    }
                case .activation: if case .activating = actor { allowed = true } else { allowed = false }
                case .anefAccount: if case .anef = actor { allowed = true } else { allowed = false }
                case .providerCallback:
                    // A machine's token, held by no person or session: 401 for every actor.
                    XCTAssertEqual(r.status, 401, "\(method) \(pattern) as \(actor)")
                    checked += 1
                    continue
                case .documentOwner:
                    // Nobody here owns the document: refused (logged-out visitors asked to log in), never served.
                    XCTAssertTrue(r.status == 404 || isRefused(r), "\(method) \(pattern) as \(actor): \(r.status)")
                    XCTAssertNotEqual(r.header("Content-Type"), "application/pdf")
                    checked += 1
                    continue
                }
                XCTAssertEqual(!isRefused(r), allowed, "\(method) \(pattern) as \(actor): \(r.status) \(r.location ?? "")")
                if case .readOnlyApplicant = actor, route.access == .applicant {
                    XCTAssertEqual(r.status, 403, "\(method) \(pattern): the read-only page, not a login")
                }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 600)
        // The owner does get their document.
        let mine = try browser(.applicant(owner.id))
        XCTAssertEqual(try mine.get("/usager/documents/\(document.publicId.uuidString.lowercased())/pdf").status, 200)
    }

    func testRecordLevelChecksStopStaffOfAnotherStructure() throws {
        let staff = try staffWithStructures()
        let spada = try XCTUnwrap(staff.first { $0.role == .spadaStaff })
        let (person, _) = try Fixtures.applicant(db)  // followed by "SPADA Test", not by the matrix SPADA
        let b = try browser(.staff(spada))
        XCTAssertEqual(try b.get("/pro/personnes/\(person.id)").status, 404)
        XCTAssertEqual(b.post("/pro/personnes/\(person.id)/cle", ["present": "1"]).status, 404)
        XCTAssertEqual(b.post("/pro/personnes/\(person.id)/renonciation", ["reason": "vulnerability"]).status, 404)
        try FollowLinks.open(
            applicant: person.id, structure: spada.structureId!, kind: .domiciliation, startedOn: "2024-01-01",
            by: nil, db: db)
        XCTAssertEqual(try b.get("/pro/personnes/\(person.id)").status, 200)
    }

    // MARK: record-level scope, from the same table

    /// Who may have which scope: national and platform scopes only for OFPRA and administrators,
    /// a structure, site or office scope only for the roles that have one.
    func testEachRecordScopeFitsTheRolesOfItsRoute() {
        for (key, rule) in AccessMatrix.rules where rule.scope != .none {
            let roles: Set<Role>
            if case .staff(let r) = rule.access { roles = r } else { roles = [] }
            switch rule.scope {
            case .none: break
            case .ownRecord: XCTAssertTrue([.applicant, .applicantReadOnly, .documentOwner, .anefAccount].contains(rule.access), key)
            case .followedByOwnStructure: XCTAssertTrue(!roles.isEmpty && roles.isSubset(of: [.spadaStaff, .cadaStaff, .hudaStaff]), key)
            case .ownGudaSite: XCTAssertEqual(roles, [.gudaAgent], key)
            case .ownOfiiOffice: XCTAssertEqual(roles, [.ofiiAgent], key)
            case .national: XCTAssertEqual(roles, [.ofpraAgent], key)
            case .ownPrefecture: XCTAssertEqual(roles, [.prefectureInstructor], key)
            case .platform: XCTAssertEqual(roles, [.administrator], key)
            }
        }
    }

    /// One route's record, an actor in scope, one of the same role out of scope (nil when the
    /// scope is national or the whole platform), and a form that would change something.
    struct Scenario {
        var path: String
        var right: Actor
        var wrong: Actor?
        var form: [String: String] = [:]
    }

    func account(_ role: Role, _ structure: Structure?) throws -> StaffAccount {
        try StaffAccounts.upsert(
            email: EmailAddress("scope-\(role.rawValue)-\(structure?.id ?? 0)@test.invalid")!,
            displayName: "Scope \(role.rawValue)", role: role, structureId: structure?.id,
            password: "matrix-password-1", hasher: .fastForTests, db: db)
    }

    func structure(_ kind: Structure.Kind, site: String? = nil) throws -> Structure {
        try Structures.upsert(kind: kind, name: "Scope \(kind.rawValue) \(UUID())", city: "Rennes", gudaSite: site, db: db)
    }

    /// A person enrolled by a SPADA of Rennes, not registered yet.
    func enrolled() throws -> Applicant {
        let spada = try structure(.spada, site: "rennes")
        return try Applicants.enrol(
            .init(
                surname: "Scope", givenNames: "Person", birthDate: "1990-01-01", nationality: "x",
                language: "fr", phone: nil, email: nil, spadaId: spada.id), by: nil, db: db)
    }

    func forwardedOptOut(office: Structure) throws -> PaperOptOut {
        let (person, _) = try Fixtures.applicant(db)
        let spada = try account(.spadaStaff, try Fixtures.structure(db))
        let optOut = try XCTUnwrap(
            PaperOptOuts.request(
                applicant: person.id, reason: .vulnerability, detail: nil, office: office.id,
                by: spada.id, db: db))
        return optOut
    }

    /// One scenario per role the route allows (each professional role for structure scopes).
    func scenarios(_ method: HTTPRequest.Method, _ pattern: String, _ route: Web.Route) throws -> [Scenario] {
        guard route.scope == .followedByOwnStructure, case .staff(let roles) = route.access else {
            return [try scenario(method, pattern, route, role: nil)]
        }
        return try roles.sorted { $0.rawValue < $1.rawValue }.map { try scenario(method, pattern, route, role: $0) }
    }

    func scenario(_ method: HTTPRequest.Method, _ pattern: String, _ route: Web.Route, role: Role?) throws -> Scenario {
        let today = ParisCalendar.civilDate(of: Date()).iso
        func path(_ id: Any) -> String { pattern.replacingOccurrences(of: ":id", with: "\(id)") }
        switch route.scope {
        case .none:
            preconditionFailure("no record in \(pattern)")
        case .followedByOwnStructure:
            guard let role else { preconditionFailure(pattern) }
            let kind: Structure.Kind = role == .spadaStaff ? .spada : role == .cadaStaff ? .cada : .huda
            let own = try structure(kind)
            let other = try structure(kind)
            let (person, _) = try Fixtures.applicant(db, phone: nil)
            try FollowLinks.open(
                applicant: person.id, structure: own.id, kind: kind == .spada ? .domiciliation : .accommodation,
                startedOn: "2024-01-01", by: nil, db: db)
            let right = try account(role, own)
            var s = Scenario(path: path(person.id), right: .staff(right), wrong: .staff(try account(role, other)))
            switch pattern {
            case "/pro/personnes/:id/cle":
                let page = try browser(.staff(right)).get("/pro/personnes/\(person.id)")
                s.form = [
                    "att_surname": person.surname, "att_birth_date": person.birthDate, "att_agdref": person.agdref!,
                    "present": "1", "print_token": Page.printToken(page.html) ?? "",
                ]
            case "/pro/personnes/:id/hebergement":
                s.form = ["structure": String(try structure(.cada).id), "started_on": today]
            case "/pro/personnes/:id/hebergement/fin":
                s.form = ["structure": String(own.id)]
            case "/pro/personnes/:id/renonciation":
                s.form = ["optout_reason": "vulnerability", "optout_office": String(try structure(.ofii).id)]
            case "/pro/inscriptions/:id/coordonnees":
                let code = VerificationCode.generate(using: SodiumRandom(), now: Date())
                let id = try ContactVerifications.create(
                    applicant: person.id, channel: "sms", target: "+33612345678", code: code,
                    secret: app.config.secret, db: db)
                s.form = ["verification": String(id), "code": code.digits]
            default: break
            }
            return s
        case .ownGudaSite:
            let right = try account(.gudaAgent, try structure(.guda, site: "rennes"))
            let wrong = try account(.gudaAgent, try structure(.guda, site: "bordeaux"))
            if pattern.hasSuffix("/notice") {
                let (person, _) = try Fixtures.applicant(db)
                try db.query("UPDATE applicants SET registered_by = $2, registered_at = now() WHERE id = $1", [person.id, right.id])
                let queue = try browser(.staff(right)).get("/agents/guda")
                return Scenario(
                    path: path(person.id), right: .staff(right), wrong: .staff(wrong),
                    form: ["print_token": Page.printToken(queue.html, for: path(person.id)) ?? ""])
            }
            let person = try enrolled()
            let form = try browser(.staff(right)).get("/agents/guda/personnes/\(person.id)")
            return Scenario(
                path: path(person.id), right: .staff(right), wrong: .staff(wrong),
                form: [
                    "agdref": Fixtures.agdref(), "registered_on": today, "procedure": "normal",
                    "print_token": Page.printToken(form.html) ?? "",
                ])
        case .ownOfiiOffice:
            let own = try structure(.ofii)
            let other = try structure(.ofii)
            let optOut = try forwardedOptOut(office: own)
            return Scenario(
                path: path(optOut.id), right: .staff(try account(.ofiiAgent, own)),
                wrong: .staff(try account(.ofiiAgent, other)), form: ["convoked_on": today])
        case .ownPrefecture:
            // A filed request of Ille-et-Vilaine: its prefecture's instructor, and the Rhône's.
            let made = try AnefFixtures.filled(db)
            try db.query(
                """
                UPDATE anef_requests SET state = 'filed', filed_at = now(), department = '35', civil_status_checked_at = now(),
                  marital_status = 'single', address_kind = 'own', postcode = '35000', city = 'Rennes', declared_truthful = true
                WHERE id = $1
                """, [made.request.id])
            let rennes = try Structures.upsert(kind: .prefecture, name: "Matrix 35", city: "Rennes", department: "35", db: db)
            let lyon = try Structures.upsert(kind: .prefecture, name: "Matrix 69", city: "Lyon", department: "69", db: db)
            var id = pattern.hasPrefix("/agents/prefecture/pieces/") ? made.fileId.uuidString.lowercased() : String(made.request.id)
            var form: [String: String] = [:]
            if pattern.hasPrefix("/agents/prefecture/signalements/") {
                let report = try BlockageReports.create(
                    .init(
                        department: "35", name: "Matrix", contact: "matrix@example.org", identifier: nil, tried: "x", saw: "y",
                        withStructure: nil, screenshot: ("image/png", Array("png".utf8))), db: db)
                id = try String(
                    XCTUnwrap(
                        db.query("SELECT id FROM anef_blockage_reports WHERE public_id = $1", [report]).first?.get("id", as: Int64.self)))
                form = ["answer": "Venez au guichet."]
            }
            return Scenario(
                path: path(id), right: .staff(try account(.prefectureInstructor, rennes)),
                wrong: .staff(try account(.prefectureInstructor, lyon)), form: form)
        case .national:
            let ofpra = Actor.staff(try account(.ofpraAgent, nil))
            if pattern.hasPrefix("/agents/ofpra/renonciations/") {
                let office = try structure(.ofii)
                let o = try forwardedOptOut(office: office)
                _ = try PaperOptOuts.recordConvocation(id: o.id, office: office.id, on: ParisCalendar.civilDate(of: Date()), db: db)
                _ = try PaperOptOuts.recordSignedForm(
                    id: o.id, office: office.id, signedOn: ParisCalendar.civilDate(of: Date()),
                    pdf: Array("%PDF-1.4\n%%EOF\n".utf8), db: db)
                return Scenario(path: path(o.id), right: ofpra, form: ["refusal_reason": "Matrix"])
            }
            if pattern.hasPrefix("/agents/ofpra/courrier/") {
                let (person, _) = try Fixtures.applicant(db)
                let document = try DocumentDeposit.deposit(
                    .convocationCancellation, pdf: Array("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".utf8),
                    interview: nil, for: person, by: nil, db: db
                ).document
                let id: Int64 = try XCTUnwrap(
                    db.query(
                        """
                        INSERT INTO postal_dispatches (document_id, applicant_id) VALUES ($1, $2) RETURNING id
                        """, [document.id, person.id]
                    ).first?.get("id"))
                return Scenario(path: path(id), right: ofpra)
            }
            let (person, _) = try Fixtures.applicant(db, open: !pattern.hasPrefix("/agents/ofpra/espaces/"))
            return Scenario(path: path(person.id), right: ofpra, form: ["reason": "withdrawal", "ofpra_number": ""])
        case .platform:
            let id = try db.transaction { tx -> Int64 in
                switch try Outbox.enqueue(
                    OutboxMessage(
                        channel: .email, recipient: "matrix@example.org", template: "contact_code",
                        language: "fr", params: ["code": "123456"]), in: tx)
                {
                case .queued(let id), .alreadyQueued(let id): return id
                }
            }
            return Scenario(path: path(id), right: .staff(try account(.administrator, nil)))
        case .ownRecord where pattern.hasPrefix("/anef/"):
            // Another account's child, file or attestation: not found, nothing changed.
            let owner = try AnefFixtures.filled(db)
            let other = try AnefFixtures.account(db, protection: try AnefFixtures.protection(db))
            if pattern.hasPrefix("/anef/mandats/") {
                let spada = try Fixtures.structure(db)
                try Mandates.grant(account: owner.account.id, structure: spada.id, until: CivilDate(year: 2099, month: 1, day: 1)!, db: db)
                let mandate: Int64 = try XCTUnwrap(
                    db.query("SELECT id FROM anef_mandates WHERE account_id = $1 AND revoked_at IS NULL", [owner.account.id]).first?.get(
                        "id"))
                return Scenario(path: path(mandate), right: .anef(owner.account.id), wrong: .anef(other.id))
            }
            let id: String =
                pattern.hasPrefix("/anef/pieces/")
                ? owner.fileId.uuidString.lowercased()
                : pattern.hasPrefix("/anef/attestations/") ? owner.attestationId.uuidString.lowercased() : String(owner.childId)
            return Scenario(path: path(id), right: .anef(owner.account.id), wrong: .anef(other.id))
        case .ownRecord:
            let (owner, _) = try Fixtures.applicant(db)
            let (other, _) = try Fixtures.applicant(db)
            if pattern.hasPrefix("/usager/documents/") {
                // A convocation: the one kind with a calendar file.
                let interview = InterviewAppointment(
                    date: CivilDate(year: 2030, month: 1, day: 10)!, time: TimeOfDay(hhmm: "09:30")!,
                    place: "OFPRA", address: "201 rue Carnot", interpreterLanguage: nil)
                // The legal-aid declaration is about a rejection.
                let rejection = pattern.hasSuffix("/aide-juridictionnelle")
                let document = try DocumentDeposit.deposit(
                    rejection ? .decisionRejection : .convocation, pdf: Array("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".utf8),
                    interview: rejection ? nil : interview, for: owner, by: nil, db: db
                ).document
                return Scenario(
                    path: path(document.publicId.uuidString.lowercased()), right: .applicant(owner.id), wrong: .applicant(other.id))
            }
            let code = VerificationCode.generate(using: SodiumRandom(), now: Date())
            let id = try ContactVerifications.create(
                applicant: owner.id, channel: "sms", target: "+33612345679", code: code,
                secret: app.config.secret, db: db)
            return Scenario(path: path(id), right: .applicant(owner.id), wrong: .applicant(other.id), form: ["code": code.digits])
        }
    }

    /// A fingerprint of what an action could change (the audit trail and sessions excepted; the
    /// outbox only by count, as the worker updates its rows meanwhile).
    func snapshot() throws -> String {
        let tables = [
            "applicants", "follow_links", "paper_optouts", "postal_dispatches", "documents", "auth_events",
            "contact_verifications", "print_tokens", "anef_children", "anef_files", "anef_requests", "anef_events",
            "anef_document_requests", "anef_blockage_reports", "anef_attestations", "anef_mandates",
        ]
        var parts = try tables.map { t in
            try db.query("SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) AS h FROM \(t) x").first?.get(
                "h", as: String.self) ?? ""
        }
        parts.append(String(try db.query("SELECT count(*) AS n FROM outbox_messages").first?.get("n", as: Int.self) ?? 0))
        return parts.joined(separator: "|")
    }

    func send(_ method: HTTPRequest.Method, _ path: String, _ form: [String: String], as actor: Actor) throws -> Response {
        let b = try browser(actor)
        return method == .get ? try b.get(path) : b.post(path, form)
    }

    /// Every route naming a record, as an actor of the right role but the wrong site/structure
    /// (404 or 403, nothing changed), then as the right one (the action goes through).
    func testEveryRouteWithARecordIdActsOnlyWithinTheActorsScope() throws {
        var walked = 0
        var outOfScope = 0
        for (method, pattern, route) in app.routes.all where pattern.contains(":id") {
            let what = "\(method) \(pattern)"
            for s in try scenarios(method, pattern, route) {
                if let wrong = s.wrong {
                    let before = try snapshot()
                    let r = try send(method, s.path, s.form, as: wrong)
                    XCTAssertTrue(
                        [403, 404].contains(r.status), "\(what) as \(wrong) of another site/structure: \(r.status) \(r.location ?? "")")
                    XCTAssertNil(Page.key(r.html), "\(what): a key shown out of scope")
                    XCTAssertEqual(try snapshot(), before, "\(what) out of scope changed something")
                    outOfScope += 1
                }
                let r = try send(method, s.path, s.form, as: s.right)
                XCTAssertFalse(
                    [403, 404].contains(r.status) || isRefused(r), "\(what) as \(s.right) in scope: \(r.status) \(r.location ?? "")")
            }
            walked += 1
        }
        XCTAssertEqual(walked, AccessMatrix.rules.keys.filter { $0.contains(":id") }.count)
        XCTAssertGreaterThanOrEqual(outOfScope, 20)
    }
}
