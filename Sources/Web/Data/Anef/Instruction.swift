import Domain
import Foundation
import Postgres

/// An open or answered request for documents.
struct DocumentAsk: Sendable {
    let id: Int64
    let what: String
    let why: String
    let dueOn: CivilDate
    let requestedAt: Date
    let answeredAt: Date?
}

/// The instruction's writes: asks for documents, decisions, the card. Each runs in the
/// caller's transaction with the state move (`PrefectureRequests.move`) it belongs to.
enum Instruction {
    static func ask(request: Int64, what: String, why: String, due: CivilDate, staff: Int64, db: PGConnection) throws {
        try db.query(
            "INSERT INTO anef_document_requests (request_id, what, why, due_on, requested_by) VALUES ($1, $2, $3, $4, $5)",
            [request, what, why, due.iso, staff])
    }

    static func openAsk(request: Int64, db: PGConnection) throws -> DocumentAsk? {
        try asks(request: request, db: db).first { $0.answeredAt == nil }
    }

    static func asks(request: Int64, db: PGConnection) throws -> [DocumentAsk] {
        try db.query(
            """
            SELECT id, what, why, due_on::text AS due_on, requested_at, answered_at FROM anef_document_requests
            WHERE request_id = $1 ORDER BY requested_at DESC
            """, [request]
        ).rows.compactMap { r in
            guard let due = CivilDate(iso: try r.get("due_on")) else { return nil }
            return DocumentAsk(
                id: try r.get("id"), what: try r.get("what"), why: try r.get("why"), dueOn: due, requestedAt: try r.get("requested_at"),
                answeredAt: try r.optional("answered_at"))
        }
    }

    static func markAnswered(_ ask: Int64, db: PGConnection) throws -> Bool {
        try db.query("UPDATE anef_document_requests SET answered_at = now() WHERE id = $1 AND answered_at IS NULL", [ask])
            .affectedRows == 1
    }

    static func recordDecision(request: Int64, reasons: String?, card: CardType?, db: PGConnection) throws {
        try db.query(
            "UPDATE anef_requests SET decided_at = now(), decision_reasons = $2, card_type = $3 WHERE id = $1",
            [request, reasons, card?.rawValue])
    }

    static func setPickup(request: Int64, on day: CivilDate, at time: TimeOfDay, office: Int64?, db: PGConnection) throws {
        try db.query(
            "UPDATE anef_requests SET card_pickup_on = $2, card_pickup_time = $3, card_office_id = $4 WHERE id = $1",
            [request, day.iso, time.hhmm, office])
    }

    /// Decision, card and pickup as stored (read by both sides).
    struct Outcome {
        let reasons: String?
        let card: CardType?
        let decidedAt: Date?
        let pickupOn: CivilDate?
        let pickupTime: TimeOfDay?
        let officeId: Int64?
    }

    static func outcome(request: Int64, db: PGConnection) throws -> Outcome {
        let r = try db.query(
            """
            SELECT decision_reasons, card_type, decided_at, card_pickup_on::text AS card_pickup_on, card_pickup_time, card_office_id
            FROM anef_requests WHERE id = $1
            """, [request]
        ).first
        return Outcome(
            reasons: try r?.optional("decision_reasons"),
            card: try r?.optional("card_type", as: String.self).flatMap(CardType.init(rawValue:)),
            decidedAt: try r?.optional("decided_at"),
            pickupOn: try r?.optional("card_pickup_on", as: String.self).flatMap(CivilDate.init(iso:)),
            pickupTime: try r?.optional("card_pickup_time", as: String.self).flatMap(TimeOfDay.init(hhmm:)),
            officeId: try r?.optional("card_office_id"))
    }

    /// Whether the renewal of this attestation was already reported blocked (one incident, one message).
    static func renewalBlockedReported(request: Int64, attestation number: String, db: PGConnection) throws -> Bool {
        try db.query(
            "SELECT 1 FROM anef_events WHERE request_id = $1 AND event = 'renewal_blocked' AND detail = $2", [request, number]
        ).first != nil
    }
}
