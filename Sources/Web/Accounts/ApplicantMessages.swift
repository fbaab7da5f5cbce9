import I18n
import Outbox
import Postgres

/// Queues a message to an applicant on every verified channel, in their language (the worker
/// sends French when that language lacks the message's texts). Runs in the caller's
/// transaction, like every enqueue.
enum ApplicantMessages {
    /// The registry's code for what the account stores (unknown codes read as French).
    static func language(of person: Applicant) -> String { Language.orFrench(person.language).code }

    @discardableResult
    static func send(
        _ template: String, to person: Applicant, params: [String: String] = [:],
        channels: [Channel] = [.sms, .email], dedupKey: String? = nil, db: PGConnection
    ) throws -> Int {
        let language = language(of: person)
        var sent = 0
        for channel in channels {
            let recipient = channel == .sms ? person.verifiedPhone : person.verifiedEmail
            guard let recipient else { continue }
            try Outbox.enqueue(
                OutboxMessage(
                    channel: channel, recipient: recipient, template: template, language: language,
                    params: params, dedupKey: dedupKey.map { "\($0):\(channel.rawValue)" },
                    subjectRef: "applicant:\(person.id)"), in: db)
            sent += 1
        }
        return sent
    }
}
