import Domain
import Foundation
import Security

/// ANEF login: the same rules as the OFPRA space's (`ApplicantCredentials`). Unknown, wrong and
/// locked give one answer after the same argon2 work; counts per address and per typed number.
struct AnefCredentials {
    enum Outcome {
        case success(AnefAccount)
        case failure
        case throttled(seconds: Int)
    }

    let ctx: RequestContext

    static func throttle(_ secret: [UInt8]) -> IdentifierThrottle {
        IdentifierThrottle(scope: "anef-password", policy: .password, secret: secret)
    }

    /// Either number, typed any way, counts as one identifier.
    static func normalise(_ raw: String) -> String {
        switch ProtectionIdentifier.parse(raw) {
        case .foreigner(let n)?: n.digits
        case .ofpra(let n)?: n.value
        case nil: raw.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        }
    }

    func check(identifier raw: String, password: String) throws -> Outcome {
        let address = ctx.request.remoteAddress
        if case .wait(let s) = try AddressThrottle.decision(scope: "anef-login", address: address, db: ctx.db) {
            return .throttled(seconds: s)
        }
        let identifier = Self.normalise(raw)
        let throttle = Self.throttle(ctx.app.config.secret)
        let decision = try throttle.decision(identifier, db: ctx.db)
        if case .wait(let s) = decision { return .throttled(seconds: s) }
        let account = try AnefAccounts.forLogin(identifier, db: ctx.db)
        let hash = try account.flatMap { try AnefAccounts.passwordHash(id: $0.id, db: ctx.db) }
        let ok = SecretWork.verify(password, hash: hash ?? PasswordHasher.decoyHash) && hash != nil
        guard ok, decision != .locked, let account else {
            try ctx.db.transaction { tx in
                try AddressThrottle.recordFailure(scope: "anef-login", address: address, db: tx)
                _ = try throttle.recordFailure(identifier, db: tx)
                if let account { try AnefAccounts.event("login_failed", account: account.id, address: address, db: tx) }
            }
            return .failure
        }
        try throttle.clear([identifier], db: ctx.db)
        return .success(account)
    }
}
