import Domain
import Foundation
import Postgres
import Security

/// Failed attempts per client address, in PostgreSQL so every app thread and process agrees.
/// A success never resets it: an attacker's own account must not buy more guesses.
enum AddressThrottle {
    static let policy = ThrottlePolicy.address

    static func decision(scope: String, address: String, db: PGConnection, now: Date = Date()) throws -> ThrottleDecision {
        guard
            let row = try db.prepared(
                "throttle_get",
                """
                SELECT failures, last_failed_at FROM address_throttle WHERE scope = $1 AND address = $2
                """, [scope, address]
            ).first
        else { return .allowed }
        return policy.decision(consecutiveFailures: try row.get("failures"), lastFailureAt: try row.get("last_failed_at"), now: now)
    }

    static func recordFailure(scope: String, address: String, db: PGConnection) throws {
        try db.prepared(
            "throttle_fail",
            """
            INSERT INTO address_throttle (scope, address, failures, last_failed_at) VALUES ($1, $2, 1, now())
            ON CONFLICT (scope, address) DO UPDATE SET
              failures = CASE WHEN address_throttle.last_failed_at < now() - make_interval(secs => $3)
                              THEN 1 ELSE address_throttle.failures + 1 END,
              last_failed_at = now()
            """, [scope, address, Int(policy.memory)])
    }
}

/// Failed attempts per typed identifier, known or not: an unknown identifier is slowed down
/// and locked exactly like an existing one, so the answers never tell them apart. Keyed by an
/// HMAC of the normalised identifier under the server secret.
struct IdentifierThrottle {
    let scope: String
    let policy: ThrottlePolicy
    let secret: [UInt8]

    static func applicantPassword(_ secret: [UInt8]) -> Self { .init(scope: "applicant-password", policy: .password, secret: secret) }
    static func applicantKey(_ secret: [UInt8]) -> Self { .init(scope: "applicant-key", policy: .key, secret: secret) }
    static func staffPassword(_ secret: [UInt8]) -> Self { .init(scope: "staff-password", policy: .password, secret: secret) }

    func hmac(_ identifier: String) -> PGBytes {
        PGBytes(Digest.hmacSHA256(key: secret, message: Array("throttle|\(scope)|\(identifier)".utf8)))
    }

    func decision(_ identifier: String, db: PGConnection, now: Date = Date()) throws -> ThrottleDecision {
        guard
            let row = try db.prepared(
                "id_throttle_get",
                """
                SELECT failures, last_failed_at FROM identifier_throttle WHERE scope = $1 AND identifier_hmac = $2
                """, [scope, hmac(identifier)]
            ).first
        else { return .allowed }
        return policy.decision(consecutiveFailures: try row.get("failures"), lastFailureAt: try row.get("last_failed_at"), now: now)
    }

    /// Counts a failure; returns the new count (what the owner may have to be told about).
    func recordFailure(_ identifier: String, db: PGConnection) throws -> Int {
        // Housekeeping: counts past their memory go away (locks stay until the owner lifts them).
        try db.prepared(
            "id_throttle_forget",
            """
            DELETE FROM identifier_throttle WHERE last_failed_at < now() - make_interval(secs => $1) AND failures < $2
            """, [Int(policy.memory), policy.lockAt ?? Int(Int32.max)])
        return try db.prepared(
            "id_throttle_fail",
            """
            INSERT INTO identifier_throttle (scope, identifier_hmac, failures, last_failed_at) VALUES ($1, $2, 1, now())
            ON CONFLICT (scope, identifier_hmac) DO UPDATE SET
              failures = CASE WHEN identifier_throttle.last_failed_at < now() - make_interval(secs => $3)
                                   AND identifier_throttle.failures < $4
                              THEN 1 ELSE identifier_throttle.failures + 1 END,
              last_failed_at = now()
            RETURNING failures
            """, [scope, hmac(identifier), Int(policy.memory), policy.lockAt ?? Int(Int32.max)]
        ).first?.get("failures") ?? 1
    }

    /// The owner proved themselves (success, key reset, unlock code): their counts start again.
    func clear(_ identifiers: [String], db: PGConnection) throws {
        for identifier in identifiers {
            try db.prepared(
                "id_throttle_clear", "DELETE FROM identifier_throttle WHERE scope = $1 AND identifier_hmac = $2",
                [scope, hmac(identifier)])
        }
    }
}
