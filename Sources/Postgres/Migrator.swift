import Foundation
import Logging

/// Applies numbered plain SQL files (`001_name.sql`, `002_…`) in order, each in its own
/// transaction, and records them in `schema_migrations`. An advisory lock keeps two
/// concurrent `migrate` runs from racing.
public struct Migrator {
    public let directory: String
    let logger: Logger

    public init(directory: String, logger: Logger = Logger(label: "migrate")) {
        self.directory = directory
        self.logger = logger
    }

    public struct Migration: Sendable {
        public let version: Int
        public let name: String
        public let path: String
    }

    public func migrations() throws -> [Migration] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sql") }
        var seen = Set<Int>()
        return try files.compactMap { file -> Migration? in
            let digits = file.prefix { $0.isNumber }
            guard let version = Int(digits), !digits.isEmpty else {
                throw PGError(.query, "migration file without a number: \(file)")
            }
            guard seen.insert(version).inserted else { throw PGError(.query, "two migrations numbered \(version)") }
            return Migration(version: version, name: file, path: directory + "/" + file)
        }.sorted { $0.version < $1.version }
    }

    /// Returns the names of the migrations it applied.
    @discardableResult
    public func migrate(_ db: PGConnection) throws -> [String] {
        try db.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """)
        try db.query("SELECT pg_advisory_lock(727274)")
        defer { _ = try? db.query("SELECT pg_advisory_unlock(727274)") }
        let done = Set(try db.query("SELECT version FROM schema_migrations").rows.map { try $0.get("version", as: Int.self) })
        var applied = [String]()
        for m in try migrations() where !done.contains(m.version) {
            let sql = try String(contentsOfFile: m.path, encoding: .utf8)
            try db.transaction { tx in
                try tx.execute(sql)
                try tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name])
            }
            logger.info("applied migration \(m.name)")
            applied.append(m.name)
        }
        return applied
    }
}
