import Domain
import Foundation

/// A delivery receipt as GOV.UK Notify's callbacks write it (our SMS gateway's, and the bounce
/// processor's for e-mail):
/// `{"id", "reference", "to", "status", "created_at", "completed_at", "sent_at", "notification_type"}`.
/// `reference` is the message's idempotency key (`outbox-<id>`); `to` is read by nobody (a
/// phone number or an address: never logged, never stored).
struct ReceiptPayload: Equatable {
    /// The outbox id named by `reference`; nil when it is not one of ours (answered 404).
    let messageID: Int64?
    /// The provider's id of the message.
    let providerID: String?
    let status: DeliveryStatus
    /// The provider's time of that status: `completed_at`, else `sent_at`, else `created_at`.
    let reportedAt: Date
    let channel: String?

    enum Problem: String, Error {
        case notJSON = "not a JSON object"
        case missingReference = "reference missing"
        case unknownStatus = "unknown status"
        case badTime = "no valid time (completed_at, sent_at or created_at)"
        case badField = "a field of the wrong type"
        case unknownType = "unknown notification_type"
    }

    static func parse(_ body: [UInt8]) -> Result<ReceiptPayload, Problem> {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            return .failure(.notJSON)
        }
        func text(_ key: String) -> String?? {
            switch object[key] {
            case nil, is NSNull: return .some(nil)
            case let s as String: return .some(s)
            default: return nil
            }
        }
        guard let reference = text("reference"), let id = text("id"), let word = text("status"),
            let type = text("notification_type"), let completed = text("completed_at"), let sent = text("sent_at"),
            let created = text("created_at")
        else { return .failure(.badField) }
        guard let reference, !reference.isEmpty else { return .failure(.missingReference) }
        guard let status = word.flatMap(DeliveryStatus.init(receipt:)) else { return .failure(.unknownStatus) }
        if let type, type != "sms", type != "email" { return .failure(.unknownType) }
        // The first time given must be valid: a garbled completed_at is not replaced by sent_at.
        guard let given = completed ?? sent ?? created, let at = Self.time(given) else { return .failure(.badTime) }
        return .success(
            ReceiptPayload(messageID: Self.messageID(reference), providerID: id, status: status, reportedAt: at, channel: type))
    }

    /// `outbox-<id>` (RenderedMessage.idempotencyKey) → id.
    static func messageID(_ reference: String) -> Int64? {
        guard reference.hasPrefix("outbox-") else { return nil }
        let digits = reference.dropFirst("outbox-".count)
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy(\.isASCIIDigitCharacter) else { return nil }
        return Int64(digits)
    }

    /// RFC 3339 (Notify writes `2017-05-14T12:15:30.000000Z`): fractions of any length, `Z` or
    /// an offset. nil for anything else, or a time before 2000 or more than a day ahead (a
    /// provider's clock that far off is a bug to refuse, not a fact to record).
    static func time(_ text: String, now: Date = Date()) -> Date? {
        let pattern = #"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$"#
        guard let match = text.range(of: pattern, options: .regularExpression), match == text.startIndex..<text.endIndex else {
            return nil
        }
        let digits = text.split(whereSeparator: { !$0.isASCIIDigitCharacter }).map { Int($0) ?? -1 }
        var c = DateComponents()
        (c.year, c.month, c.day, c.hour, c.minute, c.second) = (digits[0], digits[1], digits[2], digits[3], digits[4], digits[5])
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard (1...12).contains(c.month!), (1...31).contains(c.day!), c.hour! < 24, c.minute! < 60, c.second! < 61,
            let base = calendar.date(from: c), calendar.component(.day, from: base) == c.day!
        else { return nil }
        var seconds = base.timeIntervalSince1970
        if let dot = text.firstIndex(of: ".") {
            let fraction = text[dot...].prefix { $0 == "." || $0.isASCIIDigitCharacter }
            seconds += Double("0" + fraction) ?? 0
        }
        let zone = text.suffix(6)
        if zone.first == "+" || zone.first == "-" {
            let sign: Double = zone.first == "+" ? 1 : -1
            let parts = zone.dropFirst().split(separator: ":").map { Double($0) ?? 0 }
            seconds -= sign * (parts[0] * 3600 + parts[1] * 60)
        }
        // Microseconds, as PostgreSQL keeps them: a replay then matches what was stored.
        let date = Date(timeIntervalSince1970: (seconds * 1_000_000).rounded() / 1_000_000)
        guard date.timeIntervalSince1970 >= 946_684_800, date.timeIntervalSince(now) <= 86_400 else { return nil }
        return date
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
