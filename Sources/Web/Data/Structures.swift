import Postgres

public struct Structure: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case spada, cada, huda, guda, ofii, ofpra, prefecture }
    public let id: Int64
    public let kind: Kind
    public let name: String
    public let city: String
    public let address: String
    public let phone: String
    public let gudaSite: String?
    /// For a prefecture: the department whose requests it instructs ("35", "2A", "974").
    public var department: String? = nil
    /// For a prefecture: when its counter is open (said in the card's convocation).
    public var openingHours: String = ""
}

/// SPADA/CADA/HUDA structures, GUDA sites, OFII offices: where staff work and who follows whom.
public enum Structures {
    static let columns = "id, kind, name, city, address, phone, guda_site, department, opening_hours"

    public static func all(_ db: PGConnection) throws -> [Structure] {
        try db.query("SELECT \(columns) FROM structures ORDER BY kind, name").rows.map(decode)
    }

    public static func find(id: Int64, db: PGConnection) throws -> Structure? {
        try db.prepared("structure_by_id", "SELECT \(columns) FROM structures WHERE id = $1", [id]).first.map(decode)
    }

    /// Creates the structure, or returns the existing one with that kind and name.
    @discardableResult
    public static func upsert(
        kind: Structure.Kind, name: String, city: String, address: String = "", phone: String = "",
        gudaSite: String? = nil, department: String? = nil, email: String? = nil, db: PGConnection
    ) throws -> Structure {
        let row = try db.query(
            """
            INSERT INTO structures (kind, name, city, address, phone, guda_site, department, email)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (kind, name) DO UPDATE SET city = EXCLUDED.city, address = EXCLUDED.address,
                phone = EXCLUDED.phone, guda_site = EXCLUDED.guda_site, department = EXCLUDED.department,
                email = EXCLUDED.email
            RETURNING \(columns)
            """, [kind.rawValue, name, city, address, phone, gudaSite, department, email]
        ).first
        guard let row else { throw PGError(.query, "structure upsert returned no row") }
        return try decode(row)
    }

    static func decode(_ row: PGRow) throws -> Structure {
        guard let kind = Structure.Kind(rawValue: try row.get("kind")) else { throw PGError(.decoding, "structure kind") }
        return Structure(
            id: try row.get("id"), kind: kind, name: try row.get("name"), city: try row.get("city"),
            address: try row.get("address"), phone: try row.get("phone"),
            gudaSite: try row.optional("guda_site"), department: try row.optional("department"),
            openingHours: try row.get("opening_hours"))
    }
}
