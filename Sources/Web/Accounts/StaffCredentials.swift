import Domain
import Foundation
import Outbox
import Postgres
import Security

/// The staff login check, with the same rules as the applicant's: per-address and
/// per-identifier counters (unknown e-mail addresses included), one argon2 verification
/// whatever the case, and a lock the owner lifts with a code e-mailed to them.
struct StaffCredentials {
    enum Outcome {
        case success(StaffAccount)
        /// Wrong password, unknown address or locked account: deliberately one case.
        case failure
        case throttled(seconds: Int)
    }

    static let addressScope = "staff-login"
    /// The unlock code is e-mailed at the lock, perhaps at night: it lasts a day.
    static let unlockCodeValidity: TimeInterval = 24 * 3600

    let ctx: RequestContext
    var throttle: IdentifierThrottle { .staffPassword(ctx.app.config.secret) }

    static func normalise(_ email: String) -> String { email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }

    func check(email: String, password: String) throws -> Outcome {
        let address = ctx.request.remoteAddress
        if case .wait(let s) = try AddressThrottle.decision(scope: Self.addressScope, address: address, db: ctx.db) {
            return .throttled(seconds: s)
        }
        let identifier = Self.normalise(email)
        let decision = try throttle.decision(identifier, db: ctx.db)
        if case .wait(let s) = decision { return .throttled(seconds: s) }
        let found = try StaffAccounts.credentials(email: email, db: ctx.db)
        // Verified even when locked or unknown: the work must not tell them apart.
        let ok = SecretWork.verify(password, hash: found?.passwordHash ?? PasswordHasher.decoyHash) && found != nil
        guard ok, decision != .locked, let account = found?.account else {
            try recordFailure(identifier, found?.account)
            return .failure
        }
        try throttle.clear([identifier], db: ctx.db)
        return .success(account)
    }

    private func recordFailure(_ identifier: String, _ account: StaffAccount?) throws {
        let address = ctx.request.remoteAddress
        try ctx.db.transaction { tx in
            try AddressThrottle.recordFailure(scope: Self.addressScope, address: address, db: tx)
            let failures = try throttle.recordFailure(identifier, db: tx)
            guard let account else { return }
            try AuthEvents.record("login_failed", staff: account.id, by: .system, address: address, db: tx)
            switch throttle.policy.notice(afterFailures: failures) {
            case .warned?:
                try AuthEvents.record("login_warning", staff: account.id, by: .system, address: address, db: tx)
                try mail("login_attempts_warning", to: account, db: tx)
            case .locked?:
                try StaffAccounts.markLocked(id: account.id, db: tx)
                try AuthEvents.record("locked", staff: account.id, by: .system, address: address, db: tx)
                let code = ConnectionKey.generate(using: SodiumRandom())
                try StaffAccounts.setUnlockCode(
                    id: account.id, codeHMAC: Self.hmac(code.canonical, ctx.app.config.secret),
                    expiresAt: Date().addingTimeInterval(Self.unlockCodeValidity), db: tx)
                try mail("staff_unlock_code", to: account, params: ["code": code.grouped], db: tx)
            case nil:
                break
            }
        }
    }

    /// Lifts the lock when the code matches the account's live code (used up at once).
    func unlock(email: String, code typed: String) throws -> Bool {
        let found = try StaffAccounts.credentials(email: email, db: ctx.db)
        let canonical = ConnectionKey.normalize(typed)?.canonical ?? typed
        return try ctx.db.transaction { tx in
            guard try StaffAccounts.useUnlockCode(id: found?.account.id, codeHMAC: Self.hmac(canonical, ctx.app.config.secret), db: tx),
                let account = found?.account
            else { return false }
            try throttle.clear([Self.normalise(email)], db: tx)
            try AuthEvents.record("unlocked", staff: account.id, by: .staff(account.id), address: ctx.request.remoteAddress, db: tx)
            return true
        }
    }

    /// An administrator set a new password: the lock and its pending code go with the old one.
    static func liftLock(of account: StaffAccount, secret: [UInt8], db: PGConnection) throws {
        try IdentifierThrottle.staffPassword(secret).clear([normalise(account.email)], db: db)
        try StaffAccounts.dropUnlockCode(id: account.id, db: db)
    }

    static func hmac(_ canonical: String, _ secret: [UInt8]) -> [UInt8] {
        Digest.hmacSHA256(key: secret, message: Array("staff-unlock|\(canonical)".utf8))
    }

    private func mail(_ template: String, to account: StaffAccount, params: [String: String] = [:], db: PGConnection) throws {
        // An address stored before the e-mail rule may break it: the outbox would refuse it and
        // roll back the failure count and the lock with it. The lock stands; an administrator
        // lifts it (new password) and corrects the address.
        guard EmailAddress.isWellFormed(account.email) else {
            ctx.logger.warning("staff \(account.id): \(template) not sent, the stored e-mail address breaks the e-mail rule")
            return
        }
        try Outbox.enqueue(
            OutboxMessage(
                channel: .email, recipient: account.email, template: template, language: "fr",
                params: params, subjectRef: "staff:\(account.id)"), in: db)
    }
}
