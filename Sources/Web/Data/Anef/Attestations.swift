import Domain
import Foundation
import Postgres

/// A filing receipt or an attestation (API) as issued.
struct IssuedAttestation: Sendable {
    enum Kind: String, Sendable { case receipt, api }
    let id: Int64
    let publicId: UUID
    let number: String
    let requestId: Int64
    let kind: Kind
    let validFrom: CivilDate
    let validUntil: CivilDate?
    let certificateId: String
    let barcode: String
    let issuedAt: Date
    let replaced: Bool
    let revoked: Bool

    func status(today: CivilDate) -> AttestationStatus {
        AttestationStatus.of(validFrom: validFrom, validUntil: validUntil, replaced: replaced, revoked: revoked, today: today)
    }
}

enum Attestations {
    static let columns = """
        id, public_id, number, request_id, kind, valid_from::text AS valid_from, valid_until::text AS valid_until,
        certificate_id, barcode, issued_at, replaced_by IS NOT NULL AS replaced, revoked_at IS NOT NULL AS revoked
        """

    /// The next document number, e.g. API-2026-000043 (the request's and these share a sequence).
    static func nextNumber(prefix: String, db: PGConnection) throws -> String {
        try db.query(
            "SELECT $1 || '-' || to_char(now() AT TIME ZONE 'Europe/Paris', 'YYYY') || '-' || lpad(nextval('anef_numbers')::text, 6, '0') AS n",
            [prefix]
        ).first?.get("n") ?? prefix
    }

    static func insert(
        number: String, request: Int64, kind: IssuedAttestation.Kind, validFrom: CivilDate, validUntil: CivilDate?,
        certificateId: String, barcode: String, pdf: [UInt8], db: PGConnection
    ) throws -> Int64 {
        try db.query(
            """
            INSERT INTO anef_attestations (number, request_id, kind, valid_from, valid_until, certificate_id, barcode, pdf)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
            """, [number, request, kind.rawValue, validFrom.iso, validUntil?.iso, certificateId, barcode, PGBytes(pdf)]
        ).first?.get("id") ?? 0
    }

    static func markReplaced(_ id: Int64, by newer: Int64, db: PGConnection) throws {
        try db.query("UPDATE anef_attestations SET replaced_by = $2 WHERE id = $1 AND replaced_by IS NULL", [id, newer])
    }

    /// The live attestation of a request (not replaced, not revoked), if any.
    static func live(request: Int64, db: PGConnection) throws -> IssuedAttestation? {
        try db.query(
            """
            SELECT \(columns) FROM anef_attestations
            WHERE request_id = $1 AND kind = 'api' AND replaced_by IS NULL AND revoked_at IS NULL
            ORDER BY valid_until DESC LIMIT 1
            """, [request]
        ).first.map(decode)
    }

    static func forRequest(_ request: Int64, db: PGConnection) throws -> [IssuedAttestation] {
        try db.query("SELECT \(columns) FROM anef_attestations WHERE request_id = $1 ORDER BY issued_at DESC, id DESC", [request])
            .rows.map(decode)
    }

    static func find(number: String, db: PGConnection) throws -> IssuedAttestation? {
        try db.prepared("attestation_by_number", "SELECT \(columns) FROM anef_attestations WHERE number = $1", [number]).first.map(decode)
    }

    /// The PDF of an attestation of this account's request only.
    static func pdf(publicId: UUID, account: Int64, db: PGConnection) throws -> (IssuedAttestation, [UInt8])? {
        guard
            let r = try db.query(
                """
                SELECT \(columns.split(separator: "\n").joined(separator: " ")), pdf FROM anef_attestations
                WHERE public_id = $1 AND request_id IN (SELECT id FROM anef_requests WHERE account_id = $2)
                """, [publicId, account]
            ).first
        else { return nil }
        return (try decode(r), try r.get("pdf", as: PGBytes.self).bytes)
    }

    static func decode(_ r: PGRow) throws -> IssuedAttestation {
        guard let kind = IssuedAttestation.Kind(rawValue: try r.get("kind")), let from = CivilDate(iso: try r.get("valid_from")) else {
            throw PGError(.decoding, "unreadable attestation row")
        }
        return IssuedAttestation(
            id: try r.get("id"), publicId: try r.get("public_id"), number: try r.get("number"), requestId: try r.get("request_id"),
            kind: kind, validFrom: from, validUntil: try r.optional("valid_until", as: String.self).flatMap(CivilDate.init(iso:)),
            certificateId: try r.get("certificate_id"), barcode: try r.get("barcode"), issuedAt: try r.get("issued_at"),
            replaced: try r.get("replaced"), revoked: try r.get("revoked"))
    }
}

/// The public keys that signed attestations, for `/verifier/cles` and the verifier.
enum SigningKeys {
    struct Published {
        let certificateId: String
        let publicKeyPEM: String
        let firstUsedAt: Date
        let retiredAt: Date?
    }

    static func publish(certificateId: String, publicKeyPEM: String, db: PGConnection) throws {
        try db.prepared(
            "signing_key_publish",
            "INSERT INTO signing_keys (certificate_id, public_key_pem) VALUES ($1, $2) ON CONFLICT (certificate_id) DO NOTHING",
            [certificateId, publicKeyPEM])
    }

    static func find(_ certificateId: String, db: PGConnection) throws -> Published? {
        try db.query("SELECT * FROM signing_keys WHERE certificate_id = $1", [certificateId]).first.map(decode)
    }

    static func all(db: PGConnection) throws -> [Published] {
        try db.query("SELECT * FROM signing_keys ORDER BY first_used_at DESC").rows.map(decode)
    }

    static func decode(_ r: PGRow) throws -> Published {
        Published(
            certificateId: try r.get("certificate_id"), publicKeyPEM: try r.get("public_key_pem"),
            firstUsedAt: try r.get("first_used_at"), retiredAt: try r.optional("retired_at"))
    }
}
