import ArgumentParser
import Domain
import Foundation
import Postgres
import Security
import Web

struct SeedDemo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-demo",
        abstract: "Create demo accounts (idempotent) and print the demo logins.")

    /// Demo-only password, printed by `make run`; never use it outside a local demo.
    static let demoPassword = "demo-asile-2026"

    func run() throws {
        let db = PGConnection(conninfo: ProcessInfo.processInfo.environment["ASYLUM_DATABASE_URL"] ?? "dbname=asylum")
        let staff: [(String, String, Role)] = [
            ("admin@demo.asile.test", "Camille Admin", .administrator),
            ("guda.rennes@demo.asile.test", "Yann Le Goff (GUDA Rennes)", .gudaAgent),
            ("spada.rennes@demo.asile.test", "Awa Diallo (SPADA Rennes)", .spadaStaff),
            ("cada.rennes@demo.asile.test", "Hugo Martin (CADA Rennes)", .cadaStaff),
            ("huda.lyon@demo.asile.test", "Inès Haddad (HUDA Lyon)", .hudaStaff),
            ("ofii.rennes@demo.asile.test", "Paul Morel (OFII Rennes)", .ofiiAgent),
            ("ofpra@demo.asile.test", "Léa Bernard (OFPRA)", .ofpraAgent),
            ("prefecture@demo.asile.test", "Marc Petit (Préfecture)", .prefectureInstructor),
        ]
        print("Demo staff logins (password: \(Self.demoPassword)):")
        try db.transaction { tx in
            for (email, name, role) in staff {
                try StaffAccounts.upsert(email: EmailAddress(email)!, displayName: name, role: role,
                                         password: Self.demoPassword, hasher: .interactive, db: tx)
                print("  \(role.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) \(email)")
            }
        }
    }
}
