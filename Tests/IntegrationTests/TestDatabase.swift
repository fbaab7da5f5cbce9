import Foundation
import Postgres
import XCTest

/// The real PostgreSQL of `make test` (ASYLUM_TEST_DATABASE_URL). Without it these tests fail
/// with `MissingTestEnvironment` rather than skip: a green run means they ran. Unit tests alone:
/// `swift test --filter 'DomainTests|UnitTests|PDFTests'`.
enum TestDatabase {
    static var conninfo: String? { ProcessInfo.processInfo.environment["ASYLUM_TEST_DATABASE_URL"] }

    static let root: String =
        ProcessInfo.processInfo.environment["ASYLUM_ROOT"]
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func connect() throws -> PGConnection {
        guard let conninfo, !conninfo.isEmpty else { throw MissingTestEnvironment(variable: "ASYLUM_TEST_DATABASE_URL") }
        let db = PGConnection(conninfo: conninfo)
        try Migrator(directory: root + "/Migrations").migrate(db)
        return db
    }
}

/// A database-backed test run without its stack: a failure that says what to do, never a skip.
struct MissingTestEnvironment: Error, CustomStringConvertible {
    let variable: String
    var description: String {
        "\(variable) is not set: run `make test`, or set ASYLUM_TEST_DATABASE_URL (and ASYLUM_SPOOL_DIR) from a stack started "
            + "with `scripts/services.sh start $PWD/.run-test PORT PGPORT debug; source .run-test/env` (see README, Tests)"
    }
}
