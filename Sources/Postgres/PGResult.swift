/// Rows copied out of a libpq result, so nothing outlives PQclear.
public struct PGResult: Sendable {
    public let columns: [String]
    public let rows: [PGRow]
    /// Rows touched by INSERT/UPDATE/DELETE (PQcmdTuples).
    public let affectedRows: Int

    public var first: PGRow? { rows.first }
}

public struct PGRow: Sendable {
    let index: [String: Int]
    let values: [String?]

    /// A required column: throws if the column is missing or NULL.
    public func get<T: PGDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let i = index[column] else { throw PGError(.decoding, "no column \(column)") }
        guard let text = values[i] else { throw PGError(.decoding, "column \(column) is NULL") }
        return try T(pgText: text)
    }

    /// A nullable column.
    public func optional<T: PGDecodable>(_ column: String, as type: T.Type = T.self) throws -> T? {
        guard let i = index[column] else { throw PGError(.decoding, "no column \(column)") }
        guard let text = values[i] else { return nil }
        return try T(pgText: text)
    }

    public func isNull(_ column: String) -> Bool {
        guard let i = index[column] else { return true }
        return values[i] == nil
    }
}
