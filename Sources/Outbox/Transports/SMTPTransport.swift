import Foundation

/// Real SMTP through libcurl: one connection per message (a few per second at most here).
///
/// Outcomes: accepted is `delivered` (the mail server took it; a bounce reported later to
/// POST /api/accuses-de-reception can still make it a permanent failure); a 5xx reply is
/// permanent (the server refused this message or recipient); a 4xx reply is temporary; a
/// connection error, a timeout or 421 (service not available) is unreachable (temporary, and a
/// sign of an outage). A refused login or TLS handshake is also temporary: it concerns every
/// message, so they wait for the configuration to be fixed instead of all going dead.
public final class SMTPTransport: Transport {
    public struct Settings: Sendable {
        public var url: String
        public var from: MailAddress
        public var user: String?
        public var password: String?
        /// STARTTLS required on smtp:// (smtps:// is TLS from the start anyway).
        public var startTLS: Bool
        public var connectTimeout: Int = 10_000
        public var totalTimeout: Int = 60_000

        public init(url: String, from: MailAddress, user: String? = nil, password: String? = nil, startTLS: Bool = false) {
            self.url = url
            self.from = from
            self.user = user
            self.password = password
            self.startTLS = startTLS
        }
    }

    let settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    public func deliver(_ message: RenderedMessage) -> DeliveryResult {
        guard case .email(let subject, let text, let html) = message.content else {
            return .permanentFailure("smtp: not an e-mail")
        }
        let mail = MailMessage(
            from: settings.from, to: message.recipient, subject: subject, text: text,
            html: html, language: message.language, outboxID: message.outboxID, date: Date())
        let request: CurlRequest
        do {
            request = try CurlRequest()
            try request.url(settings.url)
            try request.timeouts(connectMilliseconds: settings.connectTimeout, totalMilliseconds: settings.totalTimeout)
            if let user = settings.user { try request.credentials(user: user, password: settings.password ?? "") }
            try request.requireTLS(settings.startTLS || settings.url.hasPrefix("smtps://"))
            try request.mailFrom("<\(settings.from.address)>")
            try request.mailRecipient("<\(message.recipient)>")
            try request.upload(Array(mail.rendered().utf8))
        } catch {
            return .temporaryFailure("smtp setup: \(error)")
        }
        do {
            try request.perform()
            return .sent(providerRef: mail.messageID)
        } catch let failure as CurlRequest.Failure {
            return Self.classify(failure, reply: request.responseCode)
        } catch {
            return .temporaryFailure("smtp: \(error)")
        }
    }

    static func classify(_ failure: CurlRequest.Failure, reply: Int) -> DeliveryResult {
        let why = reply > 0 ? "smtp \(reply): \(failure.message)" : "smtp: \(failure.message)"
        if failure.isConfiguration { return .temporaryFailure(why) }
        if (500...599).contains(reply) { return .permanentFailure(why) }
        if reply == 421 || (reply == 0 && failure.isTransient) { return .unreachable(why) }
        return .temporaryFailure(why)
    }
}
