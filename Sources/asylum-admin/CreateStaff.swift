import ArgumentParser
import Domain
import Foundation
import Postgres
import Security
import Web

struct CreateStaff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-staff",
        abstract: "Create (or update) a staff account. The password is read from standard input.")

    @Option(help: "E-mail address used to log in.") var email: String
    @Option(help: "Name shown in the interface.") var name: String
    @Option(help: "One of: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).") var role: String

    func run() throws {
        guard let role = Role(rawValue: role) else { throw ValidationError("unknown role \(role)") }
        guard let address = EmailAddress(email) else { throw ValidationError("not an e-mail address: \(email)") }
        guard let password = readLine(strippingNewline: true), password.count >= 12 else {
            throw ValidationError("give a password of at least 12 characters on standard input")
        }
        let db = PGConnection(conninfo: ProcessInfo.processInfo.environment["ASYLUM_DATABASE_URL"] ?? "dbname=asylum")
        let account = try StaffAccounts.upsert(
            email: address, displayName: name, role: role, password: password,
            hasher: .interactive, db: db)
        print("staff account \(account.id): \(account.email) (\(account.role.rawValue))")
    }
}
