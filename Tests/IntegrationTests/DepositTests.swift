import Domain
import Foundation
import Outbox
import Postgres
import XCTest

@testable import Web

/// A deposit writes the document and the message that announces it together, or neither.
final class DepositTests: IntegrationTestCase {
    let pdf = Array("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".utf8)

    func counts(_ person: Applicant) throws -> (documents: Int, messages: Int) {
        let d: Int = try db.query("SELECT count(*) AS n FROM documents WHERE applicant_id = $1", [person.id]).first!.get("n")
        let m: Int = try db.query(
            """
            SELECT count(*) AS n FROM outbox_messages m JOIN documents d ON m.subject_ref = 'document:' || d.public_id::text
            WHERE d.applicant_id = $1
            """, [person.id]
        ).first!.get("n")
        return (d, m)
    }

    func testADepositAndItsMessageCommitTogether() throws {
        let (person, _) = try Fixtures.applicant(db, phone: "+3367\(Int.random(in: 1_000_000...9_999_999))")
        let outcome = try DocumentDeposit.deposit(.convocationCancellation, pdf: pdf, interview: nil, for: person, by: nil, db: db)
        XCTAssertFalse(outcome.unannounced)
        XCTAssertEqual(try counts(person).documents, 1)
        XCTAssertEqual(try counts(person).messages, 1)
        let message = try XCTUnwrap(Outbox.messages(subjectRef: "document:\(outcome.document.publicId.uuidString.lowercased())", db).first)
        XCTAssertEqual(message.template, "document_deposited")
        XCTAssertTrue(message.params.isEmpty, "the message carries nothing about the document")
    }

    func testAFailureAfterTheInsertLeavesNeitherDocumentNorMessage() throws {
        let phone = "+3368\(Int.random(in: 1_000_000...9_999_999))"
        let (person, _) = try Fixtures.applicant(db, phone: phone)
        // Make the outbox insert fail for this recipient only, after the document row is written.
        let trigger = "refuse_\(person.id)"
        try db.execute(
            """
            CREATE FUNCTION \(trigger)() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.recipient = '\(phone)' THEN RAISE EXCEPTION 'simulated outbox failure'; END IF; RETURN NEW; END $$;
            CREATE TRIGGER \(trigger) BEFORE INSERT ON outbox_messages FOR EACH ROW EXECUTE FUNCTION \(trigger)();
            """)
        defer { _ = try? db.execute("DROP TRIGGER \(trigger) ON outbox_messages; DROP FUNCTION \(trigger)();") }
        XCTAssertThrowsError(try DocumentDeposit.deposit(.convocationCancellation, pdf: pdf, interview: nil, for: person, by: nil, db: db))
        XCTAssertEqual(try counts(person).documents, 0)
        XCTAssertEqual(try counts(person).messages, 0)
    }

    func testSomeoneWithoutContactsIsFlaggedNotSilentlySkipped() throws {
        let (person, _) = try Fixtures.applicant(db, phone: nil)
        let outcome = try DocumentDeposit.deposit(.sixMonthLetter, pdf: pdf, interview: nil, for: person, by: nil, db: db)
        XCTAssertTrue(outcome.unannounced)
        XCTAssertEqual(try counts(person).messages, 0)
    }

    func testTheReceiptPDFStatesTheDates() throws {
        let (person, key) = try Fixtures.applicant(db, phone: nil)
        let d = try DocumentDeposit.deposit(.decisionRejection, pdf: pdf, interview: nil, for: person, by: nil, db: db).document
        let b = Browser(app: app)
        try b.get("/usager/activation")
        b.post("/usager/activation", ["identifier": person.agdref!, "key": key])
        b.post("/usager/activation/mot-de-passe", ["password": "une phrase bien longue", "confirmation": "une phrase bien longue"])
        let r = try b.get("/usager/documents/\(d.publicId.uuidString.lowercased())/accuse?format=pdf")
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.header("Content-Type"), "application/pdf")
        XCTAssertTrue(r.body.starts(with: Array("%PDF-".utf8)))
        XCTAssertNil(try Documents.find(publicId: d.publicId, db: db)?.firstConsultedAt, "a receipt is not a consultation")
    }
}
