import Domain
import Foundation
import Logging
import Outbox
import Postgres
import Security

/// Attestations never lapse silently: while a request is open, the worker renews each one
/// `RenewalPolicy.renewWithinDays` before it ends (a new six months, the old one "replaced" on
/// /verifier, an e-mail and SMS to the person). A renewal that cannot be made (OFPRA ended the
/// protection) becomes an incident at the top of the prefecture's queue, once, and the person
/// is told whom to contact. Idempotent: each request is locked and its live attestation read
/// again before anything is issued, so two runs (or two workers) renew once.
public struct AttestationRenewals: Sendable {
    public struct Report: Equatable, Sendable {
        public var renewed = 0
        public var blocked = 0
    }

    let issuer: AttestationIssuer
    let logger: Logger

    public init(key: DocumentSigningKey, publicURL: String, logger: Logger = Logger(label: "renewals")) {
        issuer = AttestationIssuer(key: key, publicURL: publicURL)
        self.logger = logger
    }

    /// Every open request whose live attestation ends within the incident window.
    public func run(today: CivilDate, db: PGConnection) throws -> Report {
        let candidates: [Int64] = try db.query(
            """
            SELECT DISTINCT q.id FROM anef_requests q JOIN anef_attestations t ON t.request_id = q.id
            WHERE q.state IN ('filed', 'under_review', 'documents_requested', 'favourable', 'card_in_production', 'card_available')
              AND t.kind = 'api' AND t.replaced_by IS NULL AND t.revoked_at IS NULL AND t.valid_until <= $1::date + $2::int
            ORDER BY q.id
            """, [today.iso, RenewalPolicy.incidentWithinDays]
        ).rows.map { try $0.get("id") }
        var report = Report()
        for id in candidates {
            switch try renewIfDue(request: id, today: today, db: db) {
            case .renew: report.renewed += 1
            case .blocked: report.blocked += 1
            case .notYet, .closed: break
            }
        }
        if report != Report() { logger.info("attestations renewed=\(report.renewed) blocked=\(report.blocked)") }
        return report
    }

    /// One request, in its own transaction. `force`: an instructor renews by hand (any time, even
    /// when the automatic renewal is blocked: the instructor decided).
    @discardableResult
    func renewIfDue(request id: Int64, today: CivilDate, force: Bool = false, staff: Int64? = nil, db: PGConnection) throws
        -> RenewalPolicy.Decision
    {
        try db.transaction { tx in
            guard
                let row = try tx.query("SELECT state, account_id FROM anef_requests WHERE id = $1 FOR UPDATE", [id]).first,
                let state = PermitRequestState(rawValue: try row.get("state")),
                let account = try AnefAccounts.find(id: try row.get("account_id"), db: tx),
                let request = try AnefRequests.find(account: account.id, db: tx),
                let protection = try Protections.find(id: account.protectionId, db: tx),
                let live = try Attestations.live(request: id, db: tx), let until = live.validUntil,
                let prefecture = request.department.flatMap(Prefecture.init(department:))
            else { return .closed }
            let ended = try Protections.hasEnded(id: protection.id, db: tx)
            var decision = RenewalPolicy.decide(state: state, validUntil: until, protectionEnded: ended, today: today)
            if force, state.isOpen { decision = .renew }
            switch decision {
            case .renew:
                let from = RenewalPolicy.nextFirstDay(after: until, today: today)
                let holder = AttestationIssuer.Holder(account: account, protection: protection, request: request, prefecture: prefecture)
                _ = try issuer.renew(holder, replacing: live, from: from, today: today, db: tx)
                try tx.query(
                    "INSERT INTO anef_events (request_id, event, actor, staff_id, detail) VALUES ($1, 'attestation_renewed', $2, $3, $4)",
                    [id, staff == nil ? "system" : "staff", staff, live.number])
                try AnefMessages.toPerson(account, "anef_attestation_renewed", dedup: "anef-renewal:\(live.id)", db: tx)
            case .blocked:
                guard try !Instruction.renewalBlockedReported(request: id, attestation: live.number, db: tx) else { return .notYet }
                try AnefRequests.event(id, "renewal_blocked", actor: "system", detail: live.number, db: tx)
                try AnefMessages.toPerson(account, "anef_renewal_blocked", dedup: "anef-renewal-blocked:\(live.id)", db: tx)
            case .notYet, .closed:
                break
            }
            return decision
        }
    }
}
