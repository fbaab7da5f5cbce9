import ArgumentParser
import Domain
import Foundation
import Postgres
import Security
import Web

struct SeedDemo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-demo",
        abstract: "Create demo structures, staff and applicants (idempotent) and print the demo logins.")

    /// Demo-only passwords, printed by `make run`; never use them outside a local demo.
    static let staffPassword = "demo-asile-2026"
    static let applicantPassword = "soleil-sur-la-loire-42"

    func run() throws {
        let db = PGConnection(conninfo: ProcessInfo.processInfo.environment["ASYLUM_DATABASE_URL"] ?? "dbname=asylum")
        try db.transaction { tx in
            let s = try structures(tx)
            try staff(s, tx)
            try tx.query(
                "UPDATE structures SET opening_hours = $2 WHERE id = $1", [s.prefecture.id, "du lundi au vendredi, 9 h – 16 h"])
            try applicants(s, tx)
        }
    }

    struct DemoStructures { let spada, cada, huda, gudaRennes, gudaLyon, ofii, prefecture: Structure }

    func structures(_ db: PGConnection) throws -> DemoStructures {
        DemoStructures(
            spada: try Structures.upsert(
                kind: .spada, name: "SPADA Rennes – Coallia", city: "Rennes",
                address: "12 rue de Brest", phone: "02 99 00 00 01", gudaSite: "rennes",
                email: "equipe.spada-rennes@demo.asile.test", db: db),
            cada: try Structures.upsert(
                kind: .cada, name: "CADA Rennes Nord", city: "Rennes", address: "4 allée des Tilleuls",
                email: "equipe.cada-rennes@demo.asile.test", db: db),
            huda: try Structures.upsert(
                kind: .huda, name: "HUDA Lyon Est", city: "Lyon", address: "88 cours Gambetta",
                email: "equipe.huda-lyon@demo.asile.test", db: db),
            gudaRennes: try Structures.upsert(kind: .guda, name: "GUDA Rennes", city: "Rennes", gudaSite: "rennes", db: db),
            gudaLyon: try Structures.upsert(kind: .guda, name: "GUDA Lyon", city: "Lyon", gudaSite: "lyon", db: db),
            ofii: try Structures.upsert(kind: .ofii, name: "OFII Rennes", city: "Rennes", db: db),
            prefecture: try Structures.upsert(
                kind: .prefecture, name: "Préfecture d'Ille-et-Vilaine", city: "Rennes", address: "3 avenue de la Préfecture",
                department: "35", db: db))
    }

    func staff(_ s: DemoStructures, _ db: PGConnection) throws {
        let accounts: [(String, String, Role, Structure?)] = [
            ("admin@demo.asile.test", "Camille Admin", .administrator, nil),
            ("guda.rennes@demo.asile.test", "Yann Le Goff", .gudaAgent, s.gudaRennes),
            ("spada.rennes@demo.asile.test", "Awa Diallo", .spadaStaff, s.spada),
            ("cada.rennes@demo.asile.test", "Hugo Martin", .cadaStaff, s.cada),
            ("huda.lyon@demo.asile.test", "Inès Haddad", .hudaStaff, s.huda),
            ("ofii.rennes@demo.asile.test", "Paul Morel", .ofiiAgent, s.ofii),
            ("ofpra@demo.asile.test", "Léa Bernard", .ofpraAgent, nil),
            ("prefecture@demo.asile.test", "Marc Petit", .prefectureInstructor, s.prefecture),
        ]
        print("Demo staff (password for all: \(Self.staffPassword)):")
        for (email, name, role, structure) in accounts {
            try StaffAccounts.upsert(
                email: EmailAddress(email)!, displayName: name, role: role, structureId: structure?.id,
                password: Self.staffPassword, hasher: .interactive, db: db)
            print("  \(role.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) \(email)")
        }
    }

    /// Applicants at each step, so every page has something to show. Existing AGDREF numbers
    /// are left as they are: re-running the seed never changes a demo person's credentials.
    func applicants(_ s: DemoStructures, _ db: PGConnection) throws {
        print("Demo applicants (identifier = AGDREF number):")
        let spadaStaff = try StaffAccounts.credentials(email: "spada.rennes@demo.asile.test", db: db)?.account.id
        let gudaStaff = try StaffAccounts.credentials(email: "guda.rennes@demo.asile.test", db: db)!.account.id
        func person(
            _ surname: String, _ given: String, _ birth: String, _ nationality: String, _ lang: String,
            phone: String?, email: String?
        ) -> Applicants.Enrolment {
            .init(
                surname: surname, givenNames: given, birthDate: birth, nationality: nationality, language: lang,
                phone: phone, email: email, spadaId: s.spada.id)
        }
        let today = ParisCalendar.civilDate(of: Date()).iso

        // Enrolled at the SPADA, waiting for the GUDA.
        if try db.query("SELECT 1 FROM applicants WHERE surname = 'Tesfaye' AND agdref IS NULL").first == nil {
            _ = try Applicants.enrol(
                person("Tesfaye", "Mulu", "1996-04-02", "érythréenne", "ti", phone: "+33611223344", email: nil),
                by: spadaStaff, db: db)
        }
        print("  enrolled only       Mulu TESFAYE (waiting at the GUDA queue)")

        let activated = try demo(
            "1000000001",
            person(
                "Karimi", "Ahmad", "1994-03-27", "afghane", "ar",
                phone: "+33612345678", email: "ahmad.karimi@example.org"),
            registeredOn: today, open: true, db: db, spadaStaff: spadaStaff, gudaStaff: gudaStaff)
        if let activated, activated.activatedAt == nil {
            try Applicants.setPassword(id: activated.id, hash: PasswordHasher.interactive.hash(Self.applicantPassword), db: db)
            try AuthEvents.record("activated", applicant: activated.id, by: .applicant(activated.id), address: nil, db: db)
        }
        print("  activated           1000000001 / password \(Self.applicantPassword)")

        let open = try demo(
            "1000000002",
            person(
                "Haidari", "Zahra", "2000-11-15", "afghane", "fr",
                phone: nil, email: "zahra.h@example.org"),
            registeredOn: today, open: true, db: db, spadaStaff: spadaStaff, gudaStaff: gudaStaff)
        if let open, open.activatedAt == nil {
            let key = try KeyIssuer.issue(for: open, event: "key_issued", by: .system, address: nil, db: db)
            print("  space open          1000000002 / key \(key) (new key at each seed)")
        }
        let waiting = try demo(
            "1000000003",
            person(
                "Diallo", "Mamadou", "1990-01-09", "guinéenne", "fr",
                phone: "+33698765432", email: nil),
            registeredOn: today, open: false, db: db, spadaStaff: spadaStaff, gudaStaff: gudaStaff)
        if let waiting, waiting.spaceAvailableAt == nil {
            let key = try KeyIssuer.issue(for: waiting, event: "key_issued", by: .system, address: nil, db: db)
            print("  awaiting OFPRA      1000000003 / key \(key) (space not open yet)")
        }
        let silent = try demo(
            "1000000004", person("Ahmadi", "Fatima", "1988-07-30", "iranienne", "ar", phone: nil, email: nil),
            registeredOn: today, open: true, db: db, spadaStaff: spadaStaff, gudaStaff: gudaStaff)
        if let silent, silent.activatedAt == nil, try Applicants.credentials(id: silent.id, db: db).keyHash == nil {
            _ = try KeyIssuer.issue(for: silent, event: "key_issued", by: .system, address: nil, db: db)
        }
        print("  no contact details  1000000004 (key recovery by the SPADA: /pro/personnes)")
        // Protected people, for the ANEF side: a refugee who can create an account, a stateless person who cannot.
        for (agdref, ofpra, e, kind) in [
            (
                "1000000005", "OF10000005",
                person("Ghebre", "Amanuel", "1992-05-14", "érythréenne", "ti", phone: "+33644556677", email: "amanuel.g@example.org"),
                "refugee"
            ),
            (
                "1000000006", "OF10000006",
                person("Vasquez", "Elena", "1985-09-03", "—", "ru", phone: "+33655667788", email: "elena.v@example.org"), "stateless"
            ),
        ] {
            guard let p = try demo(agdref, e, registeredOn: today, open: true, db: db, spadaStaff: spadaStaff, gudaStaff: gudaStaff) else {
                continue
            }
            if p.ofpraNumber == nil { try Applicants.setOfpraNumber(id: p.id, ofpra, db: db) }
            try db.query(
                """
                INSERT INTO protections (applicant_id, ofpra_number, foreigner_number, kind, granted_by, granted_on, surnames,
                                         given_names, birth_date, birth_place, nationality)
                SELECT id, $2, agdref, $3, 'ofpra', current_date, surname, given_names, birth_date, 'Asmara',
                       CASE WHEN $3 = 'stateless' THEN NULL ELSE nationality END
                FROM applicants WHERE id = $1 ON CONFLICT DO NOTHING
                """, [p.id, p.ofpraNumber ?? ofpra, kind])
        }
        print("  ANEF (refugee)      1000000005 Amanuel GHEBRE, born 14/05/1992: /anef/creer-un-compte")
        print("  ANEF (stateless)    1000000006 Elena VASQUEZ, born 03/09/1985 (files at the prefecture)")
        if let activated {
            try FollowLinks.open(
                applicant: activated.id, structure: s.cada.id, kind: .accommodation,
                startedOn: ParisCalendar.civilDate(of: Date()).adding(days: -30).iso, by: spadaStaff, db: db)
            try documents(for: activated, db: db)
        }
    }

    /// Letters at various ages for the activated demo person: new today, read, unread past
    /// day 15 (deemed notified), and a rejection whose appeal deadline is running.
    func documents(for person: Applicant, db: PGConnection) throws {
        guard try Documents.forApplicant(person.id, db: db).isEmpty else { return }
        let today = ParisCalendar.civilDate(of: Date())
        // OFPRA interviews on working days: never a weekend or a public holiday.
        let interview = InterviewAppointment(
            date: FrenchPublicHolidays.nextWorkingDay(onOrAfter: today.adding(days: 12)), time: TimeOfDay(hour: 9, minute: 30)!,
            place: "OFPRA, salle 4", address: "201 rue Carnot, 94120 Fontenay-sous-Bois",
            interpreterLanguage: "prs")
        let plan: [(DocumentKind, Int, Bool)] = [
            (.introductionLetter, 40, true), (.sixMonthLetter, 16, false),
            (.decisionRejection, 20, false), (.convocation, 0, false),
        ]
        for (kind, age, read) in plan {
            let pdf = try DemoLetters.pdf(kind, for: person, interview: kind == .convocation ? interview : nil)
            let d = try DocumentDeposit.deposit(
                kind, pdf: pdf, interview: kind == .convocation ? interview : nil,
                for: person, by: nil, db: db
            ).document
            try db.query(
                """
                UPDATE documents SET deposited_at = now() - make_interval(days => $2),
                       first_consulted_at = CASE WHEN $3 THEN now() - make_interval(days => $2) + interval '2 hours' END
                WHERE id = $1
                """, [d.id, age, read])
        }
        print("  documents           1000000001 has a new convocation, a read letter, an unread one past day 15 and a rejection")
    }

    /// Enrols and registers a demo person in scope at GUDA Rennes, once.
    func demo(
        _ agdref: String, _ e: Applicants.Enrolment, registeredOn: String, open: Bool, db: PGConnection,
        spadaStaff: Int64?, gudaStaff: Int64
    ) throws -> Applicant? {
        if let existing = try Applicants.find(identifier: agdref, db: db) { return existing }
        let enrolled = try Applicants.enrol(e, by: spadaStaff, db: db)
        let registered = try Applicants.register(
            id: enrolled.id,
            .init(
                agdref: agdref, gudaSite: "rennes", registeredOn: registeredOn, procedure: "normal", requalifiedOn: nil,
                unaccompaniedMinor: false, overseas: false, eligibility: Applicants.inScope), by: gudaStaff, db: db)
        if open { _ = try Applicants.openSpace(id: enrolled.id, ofpraNumber: nil, db: db) }
        return try registered.flatMap { try Applicants.find(id: $0.id, db: db) }
    }
}
