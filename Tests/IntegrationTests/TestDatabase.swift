import Foundation
import Postgres
import XCTest

/// The real PostgreSQL of `make test` (ASYLUM_TEST_DATABASE_URL). Without it these tests skip,
/// so a plain `swift test` on a laptop still runs the unit tests.
enum TestDatabase {
    static var conninfo: String? { ProcessInfo.processInfo.environment["ASYLUM_TEST_DATABASE_URL"] }

    static let root: String = ProcessInfo.processInfo.environment["ASYLUM_ROOT"]
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path

    static func connect() throws -> PGConnection {
        guard let conninfo else { throw XCTSkip("ASYLUM_TEST_DATABASE_URL is not set (run `make test`)") }
        let db = PGConnection(conninfo: conninfo)
        try Migrator(directory: root + "/Migrations").migrate(db)
        return db
    }
}
