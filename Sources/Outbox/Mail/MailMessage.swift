import Foundation
import I18n

/// An RFC 5322 message with a UTF-8 text part and an optional HTML alternative: the bytes the
/// spool writes as .eml and the SMTP transport uploads.
struct MailMessage {
    var from: MailAddress
    var to: String
    var subject: String
    var text: String
    var html: String?
    var language: String
    var outboxID: Int64
    var date: Date

    /// Stable per outbox message: if a message is ever delivered twice, mail clients can tell.
    var messageID: String { "<outbox.\(outboxID)@\(from.domain)>" }

    /// `parts` keeps the encoded bodies of recent messages: a batch of the same notice in one
    /// language is encoded once (the headers are still written for each message).
    func rendered(parts: EncodedParts? = nil) -> String {
        let date = MailDate.rfc5322(date)
        var out = ""
        out.reserveCapacity(512 + text.utf8.count * 3 / 2 + (html?.utf8.count ?? 0) * 3 / 2)
        out += "Date: " + date
        out += "\r\nFrom: " + from.header
        out += "\r\nTo: " + to
        out += "\r\nSubject: " + MIMEEncoding.encodedWords(subject)
        out += "\r\nMessage-ID: " + messageID
        out += "\r\nMIME-Version: 1.0\r\nContent-Language: " + language
        out += "\r\nAuto-Submitted: auto-generated\r\nX-Outbox-Id: " + String(outboxID) + "\r\n"
        let textPart = parts?.part(type: "text/plain", text) ?? Self.part(type: "text/plain", text)
        guard let html else {
            return out + textPart + "\r\n"
        }
        // "=_" never occurs in quoted-printable or base64 output, so the boundary cannot clash with a body.
        let boundary = "=_outbox_" + String(outboxID)
        let htmlPart = parts?.part(type: "text/html", html) ?? Self.part(type: "text/html", html)
        out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n"
        out += "--" + boundary + "\r\n" + textPart + "\r\n"
        out += "--" + boundary + "\r\n" + htmlPart + "\r\n"
        out += "--" + boundary + "--\r\n"
        return out
    }
}

extension MailMessage {
    /// Quoted-printable keeps mostly-Latin text readable in the raw file; text in another
    /// script would triple in size, so it goes as base64.
    static func part(type: String, _ body: String) -> String {
        var nonASCII = 0
        for byte in body.utf8 where byte > 127 { nonASCII += 1 }
        let useBase64 = nonASCII * 3 > body.utf8.count
        return "Content-Type: " + type + "; charset=UTF-8\r\nContent-Transfer-Encoding: "
            + (useBase64 ? "base64" : "quoted-printable") + "\r\n\r\n"
            + (useBase64 ? MIMEEncoding.base64Lines(body) : MIMEEncoding.quotedPrintable(body))
    }
}

/// The last few encoded body parts, for one transport (one worker thread). Messages of one
/// template and language have the same bodies; comparing a body with a cached one is cheap
/// (the same string storage when the worker's render cache handed out the same text).
final class EncodedParts {
    private var entries = [(type: String, body: String, encoded: String)]()
    private var next = 0
    static let capacity = 16

    func part(type: String, _ body: String) -> String {
        for entry in entries where entry.body == body && entry.type == type { return entry.encoded }
        let encoded = MailMessage.part(type: type, body)
        if entries.count < Self.capacity {
            entries.append((type, body, encoded))
        } else {
            entries[next] = (type, body, encoded)
            next = (next + 1) % Self.capacity
        }
        return encoded
    }
}

/// ASYLUM_MAIL_FROM: "addr@example.org" or "Display Name <addr@example.org>".
public struct MailAddress: Sendable, Equatable {
    public let name: String?
    public let address: String

    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let open = trimmed.lastIndex(of: "<"), trimmed.hasSuffix(">") {
            let display = trimmed[..<open].trimmingCharacters(in: .whitespaces)
                .trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            name = display.isEmpty ? nil : display
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        } else {
            name = nil
            address = trimmed
        }
        guard MessageValidation.isEmailAddress(address), !(name ?? "").contains(where: \.isNewline) else { return nil }
    }

    var domain: String { address.split(separator: "@").last.map(String.init) ?? "localhost" }

    var header: String {
        guard let name else { return address }
        let encoded = MIMEEncoding.encodedWords(name)
        // Plain ASCII names are quoted (they may hold commas or dots); encoded words may not be.
        let display = encoded == name ? "\"" + name.replacingOccurrences(of: "\"", with: "") + "\"" : encoded
        return "\(display) <\(address)>"
    }
}
