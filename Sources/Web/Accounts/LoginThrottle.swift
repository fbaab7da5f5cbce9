import Domain
import Foundation
import Postgres

/// Failed attempts per client address, in PostgreSQL so every app thread and process agrees.
/// Per-account counters live on the account rows (`failed_logins`, `last_failed_at`).
enum AddressThrottle {
    /// Counters older than this start again from zero.
    static let memory: TimeInterval = 3600

    static func decision(scope: String, address: String, db: PGConnection, now: Date = Date()) throws -> ThrottleDecision {
        guard let row = try db.prepared("throttle_get", """
            SELECT failures, last_failed_at FROM address_throttle WHERE scope = $1 AND address = $2
            """, [scope, address]).first else { return .allowed }
        let last: Date = try row.get("last_failed_at")
        if now.timeIntervalSince(last) > memory { return .allowed }
        return ThrottlePolicy.address.decision(consecutiveFailures: try row.get("failures"), lastFailureAt: last, now: now)
    }

    static func recordFailure(scope: String, address: String, db: PGConnection) throws {
        try db.prepared("throttle_fail", """
            INSERT INTO address_throttle (scope, address, failures, last_failed_at) VALUES ($1, $2, 1, now())
            ON CONFLICT (scope, address) DO UPDATE SET
              failures = CASE WHEN address_throttle.last_failed_at < now() - make_interval(secs => $3)
                              THEN 1 ELSE address_throttle.failures + 1 END,
              last_failed_at = now()
            """, [scope, address, Int(memory)])
    }

    static func reset(scope: String, address: String, db: PGConnection) throws {
        try db.prepared("throttle_reset", "DELETE FROM address_throttle WHERE scope = $1 AND address = $2", [scope, address])
    }
}
