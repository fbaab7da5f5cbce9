import Domain

/// Checks applied when a message is queued (a programming error then throws) and again when
/// it is delivered (rows may come from SQL written by hand: the message is then `failed`).
enum MessageValidation {
    static func check(_ message: OutboxMessage) throws {
        try checkRecipient(message.recipient, channel: message.channel)
        guard MessageCatalog.templates[message.template] != nil else {
            throw OutboxError.invalidMessage("unknown template \(message.template)")
        }
        let missing = MessageCatalog.missingParams(template: message.template, params: message.params)
        guard missing.isEmpty else {
            throw OutboxError.invalidMessage("template \(message.template) needs \(missing.joined(separator: ", "))")
        }
        guard isLanguageTag(message.language) else {
            throw OutboxError.invalidMessage("language must be a code like fr, en, ar")
        }
    }

    static func checkRecipient(_ recipient: String, channel: Channel) throws {
        switch channel {
        case .sms:
            guard isPhoneNumber(recipient) else {
                throw OutboxError.invalidMessage("SMS recipient must be an international number like +33612345678")
            }
        case .email:
            guard isEmailAddress(recipient) else {
                throw OutboxError.invalidMessage("e-mail recipient must be a bare address like name@example.org")
            }
        }
    }

    /// E.164: a plus sign and 8 to 15 digits.
    static func isPhoneNumber(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.first == UInt8(ascii: "+"), (9...16).contains(u.count) else { return false }
        return u.dropFirst().allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// A bare address (no display name): the same rule as every form (`Domain.EmailAddress`),
    /// so nothing a form accepted is refused here, and headers and SMTP stay safe.
    static func isEmailAddress(_ s: String) -> Bool {
        EmailAddress.isWellFormed(s)
    }

    static func isLanguageTag(_ s: String) -> Bool {
        (2...8).contains(s.count) && s.allSatisfy { $0.isASCII && ($0.isLetter || $0 == "-") }
    }
}
