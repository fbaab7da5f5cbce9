import Domain
import Foundation
import HTTP
import Postgres
import Security

/// The checks shared by login, activation and password reset: apply the throttles, find the
/// person, verify a secret, count the failure. Every failure looks the same from outside, for a
/// known, unknown or locked identifier alike: same answer, same counters (per typed
/// identifier, see `IdentifierThrottle`), same argon2 work (decoy hashes stand in).
struct ApplicantCredentials {
    enum Secret { case password, key }

    enum Outcome {
        case success(Applicant)
        /// Wrong secret, unknown identifier or locked account: deliberately one case.
        case failure
        /// Too many attempts: wait this many seconds.
        case throttled(seconds: Int)
    }

    let ctx: RequestContext
    let kind: Secret

    init(ctx: RequestContext, kind: Secret) {
        self.ctx = ctx
        self.kind = kind
    }

    /// For callers that only `find` a person (agents' search): the scope names the check.
    init(ctx: RequestContext, scope: String) {
        self.init(ctx: ctx, kind: scope == "applicant-login" ? .password : .key)
    }

    var addressScope: String { kind == .password ? "applicant-login" : "key" }
    var throttle: IdentifierThrottle {
        kind == .password ? .applicantPassword(ctx.app.config.secret) : .applicantKey(ctx.app.config.secret)
    }

    func check(identifier raw: String, secret typed: String) throws -> Outcome {
        let address = ctx.request.remoteAddress
        if case .wait(let s) = try AddressThrottle.decision(scope: addressScope, address: address, db: ctx.db) {
            return .throttled(seconds: s)
        }
        let identifier = Self.normalise(raw)
        let decision = try throttle.decision(identifier, db: ctx.db)
        if case .wait(let s) = decision { return .throttled(seconds: s) }
        let person = try find(raw)
        // Verified even when locked or unknown: the work must not tell them apart.
        let ok = try verify(typed, person)
        guard ok, decision != .locked, let person else {
            try recordFailure(identifier, person)
            return .failure
        }
        try throttle.clear([identifier], db: ctx.db)
        return .success(person)
    }

    private func verify(_ typed: String, _ person: Applicant?) throws -> Bool {
        switch kind {
        case .password:
            // A key can never be a password: only the password hash is consulted.
            let hash = try person.flatMap { try Applicants.credentials(id: $0.id, db: ctx.db).passwordHash }
            return SecretWork.verify(typed, hash: hash ?? PasswordHasher.decoyHash) && hash != nil
        case .key:
            return try KeyIssuer.matches(typed, applicant: person?.id, secret: ctx.app.config.secret, db: ctx.db)
        }
    }

    func find(_ raw: String) throws -> Applicant? {
        switch ApplicantIdentifier.parse(raw) {
        case .agdref(let n)?: try Applicants.find(identifier: n.digits, db: ctx.db)
        case .ofpra(let n)?: try Applicants.find(identifier: n.value, db: ctx.db)
        case nil: nil
        }
    }

    /// The identifier as the counters see it: the same person typed two ways counts once.
    static func normalise(_ raw: String) -> String {
        switch ApplicantIdentifier.parse(raw) {
        case .agdref(let n)?: n.digits
        case .ofpra(let n)?: n.value
        case nil: raw.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        }
    }

    /// Every identifier of a person, for lifting their counters once they proved themselves.
    static func identifiers(of person: Applicant) -> [String] { [person.agdref, person.ofpraNumber].compactMap { $0 } }

    private func recordFailure(_ identifier: String, _ person: Applicant?) throws {
        let address = ctx.request.remoteAddress
        try ctx.db.transaction { tx in
            try AddressThrottle.recordFailure(scope: addressScope, address: address, db: tx)
            let failures = try throttle.recordFailure(identifier, db: tx)
            guard let person else { return }
            try AuthEvents.record(
                kind == .password ? "login_failed" : "key_check_failed",
                applicant: person.id, by: .system, address: address, db: tx)
            switch throttle.policy.notice(afterFailures: failures) {
            case .warned?:
                try AuthEvents.record("login_warning", applicant: person.id, by: .system, address: address, db: tx)
                try ApplicantMessages.send("login_attempts_warning", to: person, db: tx)
            case .locked?:
                try Applicants.lock(id: person.id, db: tx)
                try AuthEvents.record("locked", applicant: person.id, by: .system, address: address, db: tx)
                // The way back in goes to the owner's verified contacts, with the lock itself.
                if person.verifiedPhone != nil || person.verifiedEmail != nil, person.closedAt == nil {
                    let key = try KeyIssuer.send(
                        for: person, act: .sentWithLockNotice, event: "key_sent_with_lock", by: .system,
                        address: address, secret: ctx.app.config.secret, db: tx)
                    try ApplicantMessages.send("access_locked", to: person, params: ["key": key], db: tx)
                }
            case nil:
                break
            }
        }
    }

    /// The owner proved themselves with a key (reset): every count on their identifiers goes.
    static func liftThrottles(for person: Applicant, secret: [UInt8], db: PGConnection) throws {
        for throttle in [IdentifierThrottle.applicantPassword(secret), .applicantKey(secret)] {
            try throttle.clear(identifiers(of: person), db: db)
        }
    }
}
