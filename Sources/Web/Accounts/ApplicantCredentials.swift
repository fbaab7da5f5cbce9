import Domain
import Foundation
import HTTP
import Postgres
import Security

/// The checks shared by login, activation and password reset: find the person by identifier,
/// apply the throttles, verify a secret, count the failure. Every failure looks the same from
/// outside (same message, same work: unknown identifiers verify against a decoy hash).
struct ApplicantCredentials {
    enum Secret { case password, key }

    enum Outcome {
        case success(Applicant)
        case failure
        /// Too many attempts: wait this many seconds.
        case throttled(seconds: Int)
        /// Ten failures: only a reset with the key unlocks the account.
        case locked
    }

    let ctx: RequestContext
    let scope: String

    func check(identifier raw: String, secret: String, kind: Secret) throws -> Outcome {
        let address = ctx.request.remoteAddress
        if case .wait(let s) = try AddressThrottle.decision(scope: scope, address: address, db: ctx.db) {
            return .throttled(seconds: s)
        }
        let person = try find(raw)
        if let person {
            switch ThrottlePolicy(delayFrom: 5, lockAt: 10, maximumDelay: 300, memory: 1e9).decision(consecutiveFailures: person.failedLogins,
                                                   lastFailureAt: person.lastFailedAt, now: Date()) {
            case .wait(let s): return .throttled(seconds: s)
            case .locked where kind == .password: return .locked
            case .locked, .allowed: break
            }
        }
        let hashes = try person.map { try Applicants.credentials(id: $0.id, db: ctx.db) }
        let ok: Bool
        switch kind {
        case .password:
            // A locked-out key can never be a password: only the password hash is consulted.
            ok = SecretWork.verify(secret, hash: hashes?.passwordHash ?? PasswordHasher.decoyHash)
                && hashes?.passwordHash != nil
        case .key:
            ok = KeyIssuer.matches(secret, keyHash: hashes?.keyHash)
        }
        guard ok, let person else {
            try recordFailure(person)
            return .failure
        }
        try AddressThrottle.reset(scope: scope, address: address, db: ctx.db)
        return .success(person)
    }

    func find(_ raw: String) throws -> Applicant? {
        switch ApplicantIdentifier.parse(raw) {
        case .agdref(let n)?:
            return try Applicants.find(identifier: n.digits, db: ctx.db)
        case .ofpra(let n)?:
            return try Applicants.find(identifier: n.value, db: ctx.db)
        case nil:
            return nil
        }
    }

    private func recordFailure(_ person: Applicant?) throws {
        try AddressThrottle.recordFailure(scope: scope, address: ctx.request.remoteAddress, db: ctx.db)
        guard let person else { return }
        try ctx.db.transaction { tx in
            let failures = try Applicants.recordFailure(id: person.id, lock: false, db: tx)
            try AuthEvents.record(scope == "applicant-login" ? "login_failed" : "key_check_failed",
                                  applicant: person.id, by: .system, address: ctx.request.remoteAddress, db: tx)
            if let lockAt = ThrottlePolicy(delayFrom: 5, lockAt: 10, maximumDelay: 300, memory: 1e9).lockAt, failures >= lockAt, person.lockedAt == nil {
                try Applicants.lock(id: person.id, db: tx)
                try AuthEvents.record("locked", applicant: person.id, by: .system, address: ctx.request.remoteAddress, db: tx)
            }
        }
    }
}
