import Domain
import Foundation
import Postgres
import XCTest

@testable import HTTP
@testable import Web

/// The ANEF side against a real database: the interconnection written with OFPRA's decision,
/// filing refused until complete (by the handler and by the schema), and `/verifier`'s answers
/// for a genuine document as it ages, is replaced or revoked, and for a tampered one.
final class AnefTests: IntegrationTestCase {
    func testADecisionGrantingStatusRecordsTheProtectionInTheDepositsTransaction() throws {
        let (person, _) = try Fixtures.applicant(db)
        let pdf = Array("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".utf8)
        _ = try DocumentDeposit.deposit(.decisionRejection, pdf: pdf, interview: nil, for: person, by: nil, db: db)
        XCTAssertNil(try Protections.find(applicantId: person.id, db: db), "a rejection grants nothing")
        _ = try DocumentDeposit.deposit(.decisionSubsidiaryProtection, pdf: pdf, interview: nil, for: person, by: nil, db: db)
        let p = try XCTUnwrap(Protections.find(applicantId: person.id, db: db))
        XCTAssertEqual(p.kind, .subsidiaryProtection)
        XCTAssertEqual(p.foreignerNumber, person.agdref)
        XCTAssertEqual(p.surnames, person.surname)
        // OFPRA numbers the file it decides on; the lookup finds it by either number.
        let numbered = try XCTUnwrap(Applicants.find(id: person.id, db: db))
        XCTAssertEqual(numbered.ofpraNumber, p.ofpraNumber)
        let lookup = DatabaseProtectionLookup(db: db)
        XCTAssertEqual(try ProtectionIdentifier.parse(person.agdref!)?.find(in: lookup)?.id, p.id)
        XCTAssertEqual(try ProtectionIdentifier.parse(p.ofpraNumber)?.find(in: lookup)?.id, p.id)
        // A deposit that fails leaves no protection behind (one transaction).
        let (other, _) = try Fixtures.applicant(db)
        XCTAssertThrowsError(
            try DocumentDeposit.deposit(.decisionRefugeeStatus, pdf: pdf, interview: nil, for: other, by: nil, db: db) { _, _ in
                throw HTTPError(500, "audit failed")
            })
        XCTAssertNil(try Protections.find(applicantId: other.id, db: db))
    }

    func testAnIncompleteRequestIsNotFiledAndTheSchemaRefusesAHalfFiledOne() throws {
        let p = try AnefFixtures.protection(db)
        let account = try AnefFixtures.account(db, protection: p)
        let b = Browser(app: app)
        b.cookies["session"] = try app.sessions.start(subject: .anef, id: account.id, replacing: nil, db: db).token
        XCTAssertEqual(try b.get("/anef/demande").status, 200)
        let r = b.post("/anef/demande/deposer", [:])
        XCTAssertEqual(r.status, 422)
        XCTAssertTrue(r.html.contains("error-summary"))
        let request = try XCTUnwrap(AnefRequests.find(account: account.id, db: db))
        XCTAssertTrue(request.isDraft)
        XCTAssertTrue(try Attestations.forRequest(request.id, db: db).isEmpty)
        XCTAssertThrowsError(
            try db.query("UPDATE anef_requests SET state = 'filed', filed_at = now() WHERE id = $1", [request.id]),
            "the CHECK refuses a filed request without its parts")
    }

    /// A foreigner number someone else already holds (a family member's open account) ends the
    /// sign-up on the "account exists" page, not in a 500, and nothing is created.
    func testASignUpWhoseNumberIsAlreadyTakenGetsAPageNotAnError() throws {
        let p = try AnefFixtures.protection(db)
        let other = try AnefFixtures.account(db, protection: try AnefFixtures.protection(db), family: true)
        try db.query("UPDATE anef_accounts SET foreigner_number = $2 WHERE id = $1", [other.id, p.foreignerNumber])
        let b = Browser(app: app)
        try b.get("/anef/creer-un-compte")
        let r = b.post(
            "/anef/creer-un-compte",
            [
                "identifier": p.ofpraNumber, "surnames": "HAILE", "given_names": "selam", "birth_date": "11/02/1993",
                "email": "taken@example.org", "phone": "06 12 34 56 78", "password": "un-long-chemin-de-pierres-9",
                "confirmation": "un-long-chemin-de-pierres-9",
            ])
        XCTAssertEqual(r.status, 409, r.html)
        XCTAssertEqual(try db.query("SELECT count(*)::int AS n FROM anef_accounts WHERE protection_id = $1", [p.id]).first?.get("n"), 0)
    }

    /// A complete draft filed through the handler: receipt and attestation issued at once.
    func filed() throws -> (AnefAccount, PermitRequest, IssuedAttestation) {
        let p = try AnefFixtures.protection(db)
        let account = try AnefFixtures.account(db, protection: p)
        let b = Browser(app: app)
        b.cookies["session"] = try app.sessions.start(subject: .anef, id: account.id, replacing: nil, db: db).token
        XCTAssertEqual(try b.get("/anef/demande").status, 200)
        let request = try XCTUnwrap(AnefRequests.find(account: account.id, db: db))
        XCTAssertTrue(
            try AnefRequests.saveDraft(
                id: request.id,
                [
                    ("civil_status_checked_at", Date()), ("marital_status", "single"), ("address_kind", "own"),
                    ("address_line", "2 rue de la Paix"), ("postcode", "75002"), ("city", "Paris"), ("contacts_checked_at", Date()),
                    ("photo_code", "AB" + String(repeating: "7", count: 14) + String(Int.random(in: 100_000...999_999))),
                    ("declared_truthful", true),
                ], db: db))
        _ = try AnefFiles.store(
            request: request.id, kind: .addressProof, contentType: "application/pdf", bytes: Array("%PDF-1.4\n%%EOF\n".utf8),
            afterFiling: false, db: db)
        let r = b.post("/anef/demande/deposer", [:])
        XCTAssertEqual(r.location, "/anef?notice=anef_filed", r.html)
        // Filing twice files once.
        XCTAssertEqual(b.post("/anef/demande/deposer", [:]).location, "/anef?notice=anef_already_filed")
        let docs = try Attestations.forRequest(request.id, db: db)
        XCTAssertEqual(docs.map(\.kind.rawValue).sorted(), ["api", "receipt"])
        let api = try XCTUnwrap(docs.first { $0.kind == .api })
        XCTAssertEqual(api.validUntil, AttestationValidity.lastDay(from: api.validFrom))
        XCTAssertEqual(try XCTUnwrap(AnefRequests.find(account: account.id, db: db)).department, "75")
        return (account, request, api)
    }

    func verdict(_ text: String) throws -> (Int, String?) {
        let r = try Browser(app: app).get("/verifier?d=" + FormData.percentEncode(text))
        let status = r.html.range(of: #"data-status="([a-z_]+)""#, options: .regularExpression).map {
            String(r.html[$0].dropFirst(13).dropLast())
        }
        return (r.status.code, status)
    }

    func testTheVerifierSaysValidExpiredReplacedOrRevokedAndRefusesATamperedText() throws {
        let (_, _, api) = try filed()
        XCTAssertEqual(try verdict(api.barcode).1, "valid")
        // One character of the data changed: the signature no longer matches.
        var chars = Array(api.barcode)
        let i = try XCTUnwrap(chars.firstIndex(of: "\u{1D}")) - 1
        chars[i] = chars[i] == "A" ? "B" : "A"
        let tampered = try verdict(String(chars))
        XCTAssertEqual(tampered.0, 422)
        XCTAssertNil(tampered.1)
        XCTAssertEqual(try verdict("DC04 not a document").0, 422)
        // Time passes: expired (the dates are the database's; the signed text is unchanged).
        try db.query(
            "UPDATE anef_attestations SET valid_from = valid_from - 400, valid_until = valid_until - 400 WHERE id = $1", [api.id])
        XCTAssertEqual(try verdict(api.barcode).1, "expired")
        // A renewal replaces it; a revocation wins over everything.
        try db.query(
            """
            UPDATE anef_attestations SET replaced_by = (SELECT id FROM anef_attestations WHERE request_id = $2 AND kind = 'receipt')
            WHERE id = $1
            """, [api.id, api.requestId])
        XCTAssertEqual(try verdict(api.barcode).1, "replaced")
        try db.query("UPDATE anef_attestations SET revoked_at = now() WHERE id = $1", [api.id])
        XCTAssertEqual(try verdict(api.barcode).1, "revoked")
    }

    func testTheKeysPageListsTheKeyThatSignedAndTheVerifierRefusesAnUnknownOne() throws {
        let (_, _, api) = try filed()
        let keys = try Browser(app: app).get("/verifier/cles")
        XCTAssertTrue(keys.html.contains(api.certificateId))
        XCTAssertTrue(keys.html.contains("BEGIN PUBLIC KEY"))
        // The same text under a certificate id we never published.
        let forged = api.barcode.replacingOccurrences(of: "AP00" + api.certificateId, with: "AP00ZZZZ")
        XCTAssertEqual(try verdict(forged).0, 422)
    }
}
