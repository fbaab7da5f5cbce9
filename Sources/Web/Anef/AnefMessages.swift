import Domain
import I18n
import Outbox
import Postgres

/// The ANEF side's messages, queued in the caller's transaction like every other: codes, and
/// "your attestation is ready" (never its content).
enum AnefMessages {
    static func sendCodes(account: Int64, email: String?, phone: String?, language: String, ctx: RequestContext, db: PGConnection) throws {
        let lang = Language.orFrench(language).code
        let secret = ctx.app.config.secret
        if let email {
            let code = try AnefCodes.issue(account: account, purpose: .verifyEmail, secret: secret, db: db)
            try enqueue(.email, to: email, "anef_code", lang, ["code": code.digits], account: account, db: db)
        }
        if let phone {
            let code = try AnefCodes.issue(account: account, purpose: .verifyPhone, secret: secret, db: db)
            try enqueue(.sms, to: phone, "anef_code", lang, ["code": code.digits], account: account, db: db)
        }
    }

    /// One code, sent to both proven contacts: whichever the person can read.
    static func sendResetCode(_ account: AnefAccount, ctx: RequestContext, db: PGConnection) throws {
        let code = try AnefCodes.issue(account: account.id, purpose: .resetPassword, secret: ctx.app.config.secret, db: db)
        let lang = Language.orFrench(account.language).code
        try enqueue(.email, to: account.email, "anef_code", lang, ["code": code.digits], account: account.id, db: db)
        try enqueue(.sms, to: account.phone, "anef_code", lang, ["code": code.digits], account: account.id, db: db)
    }

    static func attestationReady(_ account: AnefAccount, request: PermitRequest, db: PGConnection) throws {
        let lang = Language.orFrench(account.language).code
        for (channel, to) in [(Channel.email, account.email), (.sms, account.phone)] where !to.isEmpty {
            try Outbox.enqueue(
                OutboxMessage(
                    channel: channel, recipient: to, template: "anef_attestation_ready", language: lang, params: [:],
                    dedupKey: "anef-request:\(request.id):filed:\(channel.rawValue)", subjectRef: "anef:\(account.id)"), in: db)
        }
    }

    /// A message about the request, to both proven contacts, in the person's language; `dedup`
    /// makes a repeated run of the same act send it once.
    static func toPerson(
        _ account: AnefAccount, _ template: String, params: [String: String] = [:], channels: [Channel] = [.email, .sms],
        dedup: String, db: PGConnection
    ) throws {
        let lang = Language.orFrench(account.language).code
        // A request filed at the counter may have no e-mail or phone: the page and the prefecture
        // tell the person then.
        for channel in channels where !(channel == .email ? account.email : account.phone).isEmpty {
            try Outbox.enqueue(
                OutboxMessage(
                    channel: channel, recipient: channel == .email ? account.email : account.phone, template: template,
                    language: lang, params: params, dedupKey: "\(dedup):\(channel.rawValue)", subjectRef: "anef:\(account.id)"), in: db)
        }
    }

    private static func enqueue(
        _ channel: Channel, to recipient: String, _ template: String, _ language: String, _ params: [String: String],
        account: Int64, db: PGConnection
    ) throws {
        try Outbox.enqueue(
            OutboxMessage(
                channel: channel, recipient: recipient, template: template, language: language, params: params,
                subjectRef: "anef:\(account)"), in: db)
    }
}
