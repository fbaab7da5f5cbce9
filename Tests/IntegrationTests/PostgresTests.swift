import Foundation
import XCTest

@testable import Postgres

final class PostgresTests: XCTestCase {
    var db: PGConnection!

    override func setUpWithError() throws {
        db = try TestDatabase.connect()
        try db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS t (id serial PRIMARY KEY, name text, n bigint, ok boolean, at timestamptz, data bytea)")
        try db.execute("TRUNCATE t")
    }

    /// XCTest keeps every test instance until the end: release the connections now.
    override func tearDown() {
        db?.close()
        db = nil
    }

    func testValuesTravelAsParametersNotSQL() throws {
        let hostile = "Robert'); DROP TABLE t; --"
        try db.query("INSERT INTO t (name) VALUES ($1)", [hostile])
        let row = try db.query("SELECT name FROM t WHERE name = $1", [hostile]).first
        XCTAssertEqual(try row?.get("name", as: String.self), hostile)
        XCTAssertEqual(try db.query("SELECT count(*) AS c FROM t").first?.get("c", as: Int.self), 1)
    }

    /// libpq takes text parameters as C strings: a NUL would cut the value where it stands and
    /// store the rest silently. The layer refuses such a value instead, on both ways to query.
    func testATextParameterWithANulIsRefusedNotCut() throws {
        let cut = "abc\u{0}; the rest"
        for attempt in [
            { try self.db.query("INSERT INTO t (name) VALUES ($1)", [cut]) },
            { try self.db.prepared("nul_insert", "INSERT INTO t (name) VALUES ($1)", [cut]) },
        ] {
            XCTAssertThrowsError(try attempt()) { error in
                let pg = error as? PGError
                XCTAssertEqual(pg?.kind, .query)
                XCTAssertEqual(pg?.sqlState, "22021", "the code PostgreSQL gives a NUL in text")
                XCTAssertFalse(pg?.isConnectionFailure ?? true)
            }
        }
        XCTAssertEqual(try db.query("SELECT count(*) AS c FROM t").first?.get("c", as: Int.self), 0, "nothing stored")
        // The connection is still usable, and a value without NUL still goes through.
        try db.query("INSERT INTO t (name) VALUES ($1)", ["abc"])
        XCTAssertEqual(try db.query("SELECT name FROM t").first?.get("name", as: String.self), "abc")
    }

    func testTypedDecodingRoundTrips() throws {
        let when = Date(timeIntervalSince1970: 1_700_000_000.123456)
        let bytes = PGBytes([0, 1, 0xfe, 0xff])
        try db.query(
            "INSERT INTO t (name, n, ok, at, data) VALUES ($1, $2, $3, $4, $5)",
            ["العربية é", Int64(1) << 40, true, when, bytes])
        let row = try XCTUnwrap(db.query("SELECT * FROM t").first)
        XCTAssertEqual(try row.get("name", as: String.self), "العربية é")
        XCTAssertEqual(try row.get("n", as: Int64.self), 1 << 40)
        XCTAssertEqual(try row.get("ok", as: Bool.self), true)
        XCTAssertEqual(try row.get("at", as: Date.self).timeIntervalSince1970, when.timeIntervalSince1970, accuracy: 0.000_001)
        XCTAssertEqual(try row.get("data", as: PGBytes.self), bytes)
    }

    func testNullsAreOptionalAndRequiredColumnsSayWhy() throws {
        try db.query("INSERT INTO t (name) VALUES ($1)", [String?.none])
        let row = try XCTUnwrap(db.query("SELECT name FROM t").first)
        XCTAssertNil(try row.optional("name", as: String.self))
        XCTAssertThrowsError(try row.get("name", as: String.self)) { XCTAssertTrue("\($0)".contains("NULL")) }
        XCTAssertThrowsError(try row.get("nope", as: String.self))
    }

    func testTransactionRollsBackOnError() throws {
        struct Boom: Error {}
        XCTAssertThrowsError(
            try db.transaction { tx in
                try tx.query("INSERT INTO t (name) VALUES ('lost')")
                throw Boom()
            })
        XCTAssertEqual(try db.query("SELECT count(*) AS c FROM t").first?.get("c", as: Int.self), 0)
    }

    func testNestedTransactionIsASavepoint() throws {
        struct Boom: Error {}
        try db.transaction { tx in
            try tx.query("INSERT INTO t (name) VALUES ('kept')")
            _ = try? tx.transaction { inner in
                try inner.query("INSERT INTO t (name) VALUES ('undone')")
                throw Boom()
            }
        }
        let names = try db.query("SELECT name FROM t").rows.map { try $0.get("name", as: String.self) }
        XCTAssertEqual(names, ["kept"])
    }

    func testQueryErrorsCarryTheSQLState() throws {
        try db.execute("CREATE TEMP TABLE IF NOT EXISTS u (k text PRIMARY KEY)")
        try db.execute("TRUNCATE u")
        try db.query("INSERT INTO u VALUES ($1)", ["a"])
        XCTAssertThrowsError(try db.query("INSERT INTO u VALUES ($1)", ["a"])) { error in
            let pg = error as? PGError
            XCTAssertEqual(pg?.isUniqueViolation, true)
            XCTAssertEqual(pg?.isConnectionFailure, false)
        }
        // The connection is still usable after a query error.
        XCTAssertEqual(try db.query("SELECT 1 AS one").first?.get("one", as: Int.self), 1)
    }

    func testReconnectsAfterTheServerDropsTheConnection() throws {
        let pid = try XCTUnwrap(db.query("SELECT pg_backend_pid() AS p").first?.get("p", as: Int.self))
        let killer = try TestDatabase.connect()
        // pg_terminate_backend alone only signals; with a timeout it returns once the backend is
        // gone, so the goodbye (57P01) is waiting on our idle connection.
        XCTAssertEqual(try killer.query("SELECT pg_terminate_backend($1, 5000) AS done", [pid]).first?.get("done", as: Bool.self), true)
        // The next call sees it and runs on a new connection (outside a transaction the
        // statement was never run, so running it again is safe): no 503 after a restart.
        let newPid = try XCTUnwrap(db.query("SELECT pg_backend_pid() AS p").first?.get("p", as: Int.self))
        XCTAssertNotEqual(pid, newPid)
    }

    /// `query` prepares each SQL text once per connection: the server holds it after the first
    /// call; past the cache's limit statements still run (unprepared); a server that forgot its
    /// statements (DEALLOCATE, a pooler) gets them prepared again.
    func testQueriesArePreparedOncePerConnectionAndStillRunPastTheCache() throws {
        let sql = "SELECT $1::bigint * 2 AS doubled"
        XCTAssertEqual(try db.query(sql, [Int64(21)]).first?.get("doubled", as: Int64.self), 42)
        XCTAssertEqual(try db.query(sql, [Int64(5)]).first?.get("doubled", as: Int64.self), 10)
        let held = try db.query("SELECT count(*) AS n FROM pg_prepared_statements WHERE statement = $1", [sql])
        XCTAssertEqual(try held.first?.get("n", as: Int64.self), 1)
        for i in 0..<(PGConnection.statementCacheLimit + 20) {
            let row = try db.query("SELECT $1::bigint + \(i) AS v", [Int64(1)]).first
            XCTAssertEqual(try row?.get("v", as: Int64.self), Int64(i + 1))
        }
        try db.execute("DEALLOCATE ALL")
        XCTAssertEqual(try db.query(sql, [Int64(4)]).first?.get("doubled", as: Int64.self), 8)
    }

    func testPreparedStatementsSurviveAReconnect() throws {
        XCTAssertEqual(try db.prepared("t_one", "SELECT $1::int + 1 AS v", [41]).first?.get("v", as: Int.self), 42)
        db.close()
        XCTAssertEqual(try db.prepared("t_one", "SELECT $1::int + 1 AS v", [1]).first?.get("v", as: Int.self), 2)
    }

    func testUnreachableServerIsAConnectionFailure() {
        let dead = PGConnection(conninfo: "host=/nonexistent port=1 dbname=x connect_timeout=1")
        XCTAssertThrowsError(try dead.query("SELECT 1")) { XCTAssertEqual(($0 as? PGError)?.isConnectionFailure, true) }
    }

    func testMigrationsAreRecordedOnce() throws {
        let versions = try db.query("SELECT version FROM schema_migrations ORDER BY version").rows.map {
            try $0.get("version", as: Int.self)
        }
        XCTAssertTrue(versions.contains(1))
        XCTAssertEqual(try Migrator(directory: TestDatabase.root + "/Migrations").migrate(db), [])
    }

    func testTimestampParsingHandlesOffsetsAndFractions() throws {
        XCTAssertEqual(try PGTimestamp.parse("2022-05-02 00:00:00+02").timeIntervalSince1970, 1_651_442_400)
        XCTAssertEqual(try PGTimestamp.parse("2022-05-02 00:00:00.5+00").timeIntervalSince1970, 1_651_449_600.5)
        XCTAssertEqual(try PGTimestamp.parse("2022-05-02").timeIntervalSince1970, 1_651_449_600)
        XCTAssertEqual(PGTimestamp.format(Date(timeIntervalSince1970: 1_651_449_600.25)), "2022-05-02 00:00:00.250000+00")
    }
}
