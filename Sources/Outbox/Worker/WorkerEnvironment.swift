import Foundation

/// The worker's settings from its environment (ASYLUM_*), checked before anything starts so a
/// misconfigured worker stops at once instead of failing message by message.
public struct WorkerEnvironment: Sendable {
    public enum EmailTransportKind: String, Sendable { case spool, smtp }
    public enum SMSTransportKind: String, Sendable { case spool, http }

    public var databaseURL: String
    public var root: String
    public var spoolDirectory: String
    public var emailTransport: EmailTransportKind
    public var smsTransport: SMSTransportKind
    public var smtp: SMTPTransport.Settings?
    public var sms: HTTPSMSTransport.Settings?
    public var mailFrom: MailAddress
    public var publicURL: String
    public var workerID: String
    public var environment: String
    /// ASYLUM_SPOOL_DELAY_MS, honoured only when ASYLUM_ENV=test (crash tests).
    public var spoolDelayMilliseconds: Int
    /// ASYLUM_SPOOL_FSYNC=1: fsync each spool file before it appears.
    public var spoolSync: Bool
    /// ASYLUM_OUTAGE_THRESHOLD (seconds, default 180): the database or a provider out of reach
    /// this long is recorded as a platform outage.
    public var outageThreshold: TimeInterval
    /// The clock of the reminder and escalation jobs (`TestClock` in the test environment only).
    public var legalClock: any Clock

    public var isProduction: Bool { environment == "production" }
    public var templatesDirectory: String { root + "/Views/messages" }
    /// The catalogues the messages take their words from (`<code>.json`).
    public var localesDirectory: String { root + "/Locales" }

    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    public init(_ env: [String: String] = ProcessInfo.processInfo.environment) throws {
        func value(_ name: String) -> String? {
            guard let v = env[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        func required(_ name: String, _ why: String) throws -> String {
            guard let v = value(name) else { throw Problem(description: "\(name) is required (\(why))") }
            return v
        }
        environment = value("ASYLUM_ENV") ?? "development"
        databaseURL = try required("ASYLUM_DATABASE_URL", "libpq conninfo of the portal database")
        root = value("ASYLUM_ROOT") ?? FileManager.default.currentDirectoryPath
        spoolDirectory = value("ASYLUM_SPOOL_DIR") ?? root + "/.run/spool"
        workerID = value("ASYLUM_WORKER_ID") ?? "\(ProcessInfo.processInfo.hostName):\(getpid())"
        publicURL = value("ASYLUM_PUBLIC_URL") ?? "http://127.0.0.1:8080"
        spoolDelayMilliseconds = environment == "test" ? Int(value("ASYLUM_SPOOL_DELAY_MS") ?? "") ?? 0 : 0
        spoolSync = value("ASYLUM_SPOOL_FSYNC") == "1"
        guard let threshold = TimeInterval(value("ASYLUM_OUTAGE_THRESHOLD") ?? "180"), threshold > 0 else {
            throw Problem(description: "ASYLUM_OUTAGE_THRESHOLD must be a positive number of seconds")
        }
        outageThreshold = threshold
        do {
            legalClock = try TestClock.from(env, environment: environment)
        } catch let refused as TestClock.Refused {
            throw Problem(description: refused.description)
        }

        // In production the transports must be named: a default spool would quietly mark
        // every message sent while nobody receives anything.
        let isProduction = environment == "production"
        if isProduction {
            _ = try required("ASYLUM_EMAIL_TRANSPORT", "spool or smtp, explicitly in production")
            _ = try required("ASYLUM_SMS_TRANSPORT", "spool or http, explicitly in production")
            _ = try required("ASYLUM_PUBLIC_URL", "links in messages")
            _ = try required("ASYLUM_MAIL_FROM", "sender of e-mails")
        }
        guard let email = EmailTransportKind(rawValue: value("ASYLUM_EMAIL_TRANSPORT") ?? "spool") else {
            throw Problem(description: "ASYLUM_EMAIL_TRANSPORT must be spool or smtp")
        }
        guard let sms = SMSTransportKind(rawValue: value("ASYLUM_SMS_TRANSPORT") ?? "spool") else {
            throw Problem(description: "ASYLUM_SMS_TRANSPORT must be spool or http")
        }
        emailTransport = email
        smsTransport = sms
        let fromText = value("ASYLUM_MAIL_FROM") ?? "Portail asile <ne-pas-repondre@localhost.localdomain>"
        guard let from = MailAddress(fromText) else {
            throw Problem(description: "ASYLUM_MAIL_FROM must look like \"Name <address@domain>\" or address@domain")
        }
        mailFrom = from
        guard publicURL.hasPrefix("https://") || (!isProduction && publicURL.hasPrefix("http://")) else {
            throw Problem(description: "ASYLUM_PUBLIC_URL must be an https:// address")
        }
        while publicURL.hasSuffix("/") { publicURL.removeLast() }

        if email == .smtp {
            let url = try required("ASYLUM_SMTP_URL", "e.g. smtp://127.0.0.1:2525")
            guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://") else {
                throw Problem(description: "ASYLUM_SMTP_URL must start with smtp:// or smtps://")
            }
            let startTLS = value("ASYLUM_SMTP_STARTTLS") == "1"
            let user = value("ASYLUM_SMTP_USER")
            if isProduction, user != nil, !startTLS, !url.hasPrefix("smtps://") {
                throw Problem(description: "SMTP credentials would travel in clear: set ASYLUM_SMTP_STARTTLS=1 or use smtps://")
            }
            smtp = SMTPTransport.Settings(
                url: url, from: from, user: user,
                password: value("ASYLUM_SMTP_PASSWORD"), startTLS: startTLS)
        }
        if sms == .http {
            let url = try required("ASYLUM_SMS_URL", "the SMS provider's endpoint")
            let token = try required("ASYLUM_SMS_TOKEN", "the SMS provider's API token")
            if isProduction, !url.hasPrefix("https://") {
                throw Problem(description: "ASYLUM_SMS_URL must be https:// in production")
            }
            self.sms = HTTPSMSTransport.Settings(url: url, token: token)
        }
    }

    /// Builds the transports (once per worker thread: curl handles and files are not shared).
    public func makeTransports() throws -> [Channel: Transport] {
        var spool: SpoolTransport?
        func spoolTransport() throws -> SpoolTransport {
            if let spool { return spool }
            let made = try SpoolTransport(
                directory: spoolDirectory, from: mailFrom,
                delayMilliseconds: spoolDelayMilliseconds, syncFiles: spoolSync)
            spool = made
            return made
        }
        var transports = [Channel: Transport]()
        if let smtp { transports[.email] = SMTPTransport(settings: smtp) } else { transports[.email] = try spoolTransport() }
        if let sms { transports[.sms] = HTTPSMSTransport(settings: sms) } else { transports[.sms] = try spoolTransport() }
        return transports
    }

    /// The settings worth a log line at start-up (never secrets).
    public var summary: String {
        "env=\(environment) worker=\(workerID) email=\(emailTransport.rawValue) sms=\(smsTransport.rawValue)"
            + (emailTransport == .spool || smsTransport == .spool ? " spool=\(spoolDirectory)" : "")
            + (smtp.map { " smtp=\(Self.redacted($0.url)) starttls=\($0.startTLS)" } ?? "")
            + (sms.map { " sms_url=\(Self.redacted($0.url))" } ?? "")
    }

    /// A URL without its user:password@ part, for logs.
    static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") else { return url }
        return String(url[..<scheme.upperBound]) + "…@" + url[url.index(after: at)...]
    }
}
