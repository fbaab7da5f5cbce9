import Domain
import Foundation
import HTTP
import Security

/// Delivery receipts: the SMS gateway's callbacks (GOV.UK Notify's JSON, see `ReceiptPayload`)
/// and the mail bounce processor's (the same JSON, `notification_type` "email"), authenticated
/// by `Authorization: Bearer <ASYLUM_RECEIPT_TOKEN>` (route access `.providerCallback`: no
/// session, no CSRF token, the token checked before the handler runs).
///
/// Answers: 204 stored (a replay too), 401 no or wrong token, 400 not a receipt, 404 no message
/// under that reference, 409 a receipt that does not match its message. Bodies say no more
/// than the status; the log says which message and what was settled, never the recipient.
enum ReceiptRoutes {
    static let path = "/api/accuses-de-reception"

    static func register(_ routes: inout Routes) {
        routes.add(.post, path, receive)
    }

    static func receive(_ ctx: RequestContext) throws -> Response {
        let receipt: ReceiptPayload
        switch ReceiptPayload.parse(ctx.request.body) {
        case .failure(let problem):
            ctx.logger.notice("delivery receipt refused", metadata: ["problem": "\(problem.rawValue)"])
            return answer(400)
        case .success(let parsed):
            receipt = parsed
        }
        switch try DeliveryReceipts.record(receipt, db: ctx.db) {
        case .unknownReference:
            ctx.logger.notice(
                "delivery receipt for no message of ours",
                metadata: ["outbox_id": "\(receipt.messageID.map(String.init) ?? "-")", "status": "\(receipt.status.rawValue)"])
            return answer(404)
        case .mismatch(let what):
            ctx.logger.warning(
                "delivery receipt does not match its message: refused",
                metadata: ["outbox_id": "\(receipt.messageID ?? 0)", "mismatch": "\(what)", "status": "\(receipt.status.rawValue)"])
            return answer(409)
        case .recorded(let settled, let replay, let changed):
            ctx.logger.info(
                "delivery receipt",
                metadata: [
                    "outbox_id": "\(receipt.messageID ?? 0)", "status": "\(receipt.status.rawValue)",
                    "reported_at": "\(receipt.reportedAt)", "delivery_status": "\(settled.rawValue)",
                    "replay": "\(replay)", "changed": "\(changed)",
                ])
            return answer(204)
        }
    }

    /// True when the request carries the configured token (compared in constant time: both
    /// sides are hashed first, so not even the length shows). No token configured: never.
    static func isAuthorized(_ ctx: RequestContext) -> Bool {
        guard let expected = ctx.app.config.receiptToken, !expected.isEmpty,
            let header = ctx.request.header(.authorization), header.hasPrefix("Bearer ")
        else { return false }
        let given = header.dropFirst("Bearer ".count).trimmingCharacters(in: .whitespaces)
        return Digest.constantTimeEqual(Digest.sha256(given), Digest.sha256(expected))
    }

    /// The same 401 whatever was wrong with the token.
    static func unauthorized() -> Response {
        var r = answer(401)
        r.setHeader(.wwwAuthenticate, "Bearer")
        return r
    }

    /// A bare status for a machine: no page, nothing to cache.
    static func answer(_ status: Int) -> Response {
        Response(status: .init(code: status), body: [])
    }
}

extension Config {
    /// ASYLUM_RECEIPT_TOKEN: at least 32 characters when set. Required in production when SMS go
    /// through the HTTP gateway (ASYLUM_SMS_TRANSPORT=http, read by the worker from the same
    /// environment): without receipts an SMS would stay "sending" for ever.
    static func receiptToken(_ env: [String: String], environment: Environment) throws -> String? {
        let token = env["ASYLUM_RECEIPT_TOKEN"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if token.isEmpty {
            if environment == .production, env["ASYLUM_SMS_TRANSPORT"] == "http" {
                throw ConfigError(
                    description: "set ASYLUM_RECEIPT_TOKEN (at least 32 random characters): the SMS gateway's delivery receipts present it")
            }
            return nil
        }
        guard token.count >= 32 else { throw ConfigError(description: "ASYLUM_RECEIPT_TOKEN must be at least 32 characters") }
        return token
    }
}
