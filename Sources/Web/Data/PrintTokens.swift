import Foundation
import Postgres
import Security

/// Single-use tokens carried by the forms that print a connection key. The form gets the
/// staff member's unused token for that person and purpose (one at a time: reloading the form
/// does not pile up rows); the POST uses it up in the transaction that mints the key, so a
/// re-post of the same form (F5, back button, double click) cannot mint a second key.
enum PrintTokens {
    enum Purpose: String {
        case gudaRegistration = "guda_registration"
        case gudaReprint = "guda_reprint"
        case structureRecovery = "structure_recovery"
    }

    /// What a POST's token says: use it now, it was already used (key printed), or it is not ours.
    enum Use { case fresh, alreadyUsed, unknown }

    static let fieldName = "print_token"

    /// The token to put in the form (an unused one of the last day, or a new one).
    static func forForm(_ purpose: Purpose, staff: Int64, applicant: Int64, db: PGConnection) throws -> String {
        if let token: String = try db.query(
            """
            SELECT token FROM print_tokens WHERE staff_id = $1 AND applicant_id = $2 AND purpose = $3
              AND used_at IS NULL AND created_at > now() - interval '1 day' ORDER BY created_at DESC LIMIT 1
            """, [staff, applicant, purpose.rawValue]
        ).first?.get("token") {
            return token
        }
        let token = SecureRandom.token()
        try db.query(
            "INSERT INTO print_tokens (token, purpose, staff_id, applicant_id) VALUES ($1, $2, $3, $4)",
            [token, purpose.rawValue, staff, applicant])
        return token
    }

    /// Uses the token up (inside the caller's transaction). Only the staff member and person it
    /// was made for can use it.
    static func use(_ token: String?, _ purpose: Purpose, staff: Int64, applicant: Int64, db: PGConnection) throws -> Use {
        guard let token, !token.isEmpty, token.count <= 100 else { return .unknown }
        let params: [PGEncodable?] = [token, purpose.rawValue, staff, applicant]
        if try db.query(
            """
            UPDATE print_tokens SET used_at = now() WHERE token = $1 AND purpose = $2 AND staff_id = $3
              AND applicant_id = $4 AND used_at IS NULL AND created_at > now() - interval '1 day'
            """, params
        ).affectedRows == 1 {
            return .fresh
        }
        let used =
            try db.query(
                """
                SELECT 1 FROM print_tokens WHERE token = $1 AND purpose = $2 AND staff_id = $3 AND applicant_id = $4
                  AND used_at IS NOT NULL
                """, params
            ).first != nil
        return used ? .alreadyUsed : .unknown
    }
}
