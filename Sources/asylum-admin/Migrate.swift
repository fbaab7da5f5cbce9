import ArgumentParser
import Foundation
import Postgres
import Web

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply the pending Migrations/*.sql files in order.")

    func run() throws {
        let env = ProcessInfo.processInfo.environment
        let root = env["ASYLUM_ROOT"] ?? FileManager.default.currentDirectoryPath
        let db = PGConnection(conninfo: env["ASYLUM_DATABASE_URL"] ?? "dbname=asylum")
        let applied = try Migrator(directory: root + "/Migrations").migrate(db)
        print(applied.isEmpty ? "database is up to date" : "applied: " + applied.joined(separator: ", "))
    }
}
