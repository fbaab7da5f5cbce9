import Domain
import Foundation
import Postgres

@testable import Web

/// ANEF records written straight through the data layer (no codes, no hashing): a protection,
/// an open account, its request with a child, a file and an attestation.
enum AnefFixtures {
    struct Made {
        let protection: ProtectionRecord
        let account: AnefAccount
        let request: PermitRequest
        let childId: Int64
        let fileId: UUID
        let attestationId: UUID
    }

    static func number() -> String { String(Int64.random(in: 1_000_000_000...9_999_999_999)) }

    static func protection(_ db: PGConnection, kind: ProtectionKind = .refugee, surnames: String = "Haile") throws -> ProtectionRecord {
        let ofpra = "OF" + String(Int.random(in: 10_000_000...99_999_999))
        try Protections.record(
            kind, grantedBy: .ofpra, on: CivilDate(year: 2026, month: 1, day: 5)!, applicantId: nil, ofpraNumber: ofpra,
            foreignerNumber: number(), surnames: surnames, givenNames: "Selam", birthDate: "1993-02-11", birthPlace: "Asmara",
            nationality: kind == .stateless ? nil : "érythréenne", by: nil, db: db)
        return try unwrap(DatabaseProtectionLookup(db: db).protection(ofpraNumber: ofpra))
    }

    static func account(_ db: PGConnection, protection p: ProtectionRecord, family: Bool = false) throws -> AnefAccount {
        let id = try AnefAccounts.createPending(
            .init(
                role: family ? .family : .protected, protectionId: p.id, relationship: family ? .child : nil,
                foreignerNumber: family ? number() : p.foreignerNumber, surnames: family ? "Haile" : p.surnames,
                givenNames: family ? "Yonas" : p.givenNames, birthDate: family ? "2010-06-01" : p.birthDate.iso,
                email: "anef-\(UUID().uuidString.prefix(8))@example.org", phone: "+33612340000", passwordHash: "x",
                language: "fr"), db: db)
        try AnefAccounts.markVerified(id: id, channel: .verifyEmail, db: db)
        try AnefAccounts.markVerified(id: id, channel: .verifyPhone, db: db)
        _ = try AnefAccounts.openIfVerified(id: id, db: db)
        return try unwrap(AnefAccounts.find(id: id, db: db))
    }

    static func filled(_ db: PGConnection) throws -> Made {
        let p = try protection(db)
        let a = try account(db, protection: p)
        let r = try AnefRequests.findOrStart(account: a.id, db: db)
        try AnefRequests.addChild(r.id, surnames: "Haile", givenNames: "Lula", birthDate: CivilDate(year: 2020, month: 3, day: 1)!, db: db)
        let child: Int64 = try unwrap(try AnefRequests.children(r.id, db: db).last?.id)
        _ = try AnefFiles.store(
            request: r.id, kind: .hostAttestation, contentType: "application/pdf", bytes: Array("%PDF-1.4\n%%EOF\n".utf8),
            afterFiling: false, db: db)
        let file = try unwrap(try AnefFiles.current(request: r.id, db: db).first?.publicId)
        try SigningKeys.publish(certificateId: "TEST", publicKeyPEM: "-", db: db)
        let number = "API-TEST-\(r.id)"
        _ = try Attestations.insert(
            number: number, request: r.id, kind: .api, validFrom: CivilDate(year: 2026, month: 1, day: 6)!,
            validUntil: CivilDate(year: 2026, month: 7, day: 5)!, certificateId: "TEST", barcode: "DC04",
            pdf: Array("%PDF-1.4\n%%EOF\n".utf8),
            db: db)
        let attestation = try unwrap(try Attestations.find(number: number, db: db)?.publicId)
        return Made(protection: p, account: a, request: r, childId: child, fileId: file, attestationId: attestation)
    }

    struct Missing: Error {}
    static func unwrap<T>(_ value: T?) throws -> T {
        guard let value else { throw Missing() }
        return value
    }
}
