import Domain
import Foundation
import Postgres

extension OutboxRecord {
    static let columns = """
        id, channel, recipient, template, language, params::text AS params, dedup_key, subject_ref, state,
        attempts, next_attempt_at, locked_by, locked_at, last_error, provider_ref, created_at, updated_at, sent_at,
        delivery_status, delivery_status_at
        """

    init(row: PGRow) throws {
        id = try row.get("id")
        guard let channel = Channel(rawValue: try row.get("channel")) else {
            throw PGError(.decoding, "unknown channel")
        }
        self.channel = channel
        recipient = try row.get("recipient")
        template = try row.get("template")
        language = try row.get("language")
        params = ParamsJSON.decode(try row.get("params"))
        dedupKey = try row.optional("dedup_key")
        subjectRef = try row.optional("subject_ref")
        guard let state = MessageState(rawValue: try row.get("state")) else {
            throw PGError(.decoding, "unknown state")
        }
        self.state = state
        attempts = try row.get("attempts")
        nextAttemptAt = try row.get("next_attempt_at")
        lockedBy = try row.optional("locked_by")
        lockedAt = try row.optional("locked_at")
        lastError = try row.optional("last_error")
        providerRef = try row.optional("provider_ref")
        createdAt = try row.get("created_at")
        updatedAt = try row.get("updated_at")
        sentAt = try row.optional("sent_at")
        guard let delivery = DeliveryStatus(rawValue: try row.get("delivery_status")) else {
            throw PGError(.decoding, "unknown delivery status")
        }
        deliveryStatus = delivery
        deliveryStatusAt = try row.get("delivery_status_at")
    }
}

/// Template params travel as a JSON object of strings (numbers and booleans written by hand
/// in SQL are accepted and turned into their text).
enum ParamsJSON {
    static func encode(_ params: [String: String]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: params, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String) -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [:] }
        var out = [String: String]()
        for (key, value) in object {
            switch value {
            case let s as String: out[key] = s
            case let n as NSNumber: out[key] = n.stringValue
            case is NSNull: continue
            default: out[key] = String(describing: value)
            }
        }
        return out
    }
}
