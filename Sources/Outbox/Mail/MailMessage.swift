import Foundation

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

    func rendered() -> String {
        var headers = [
            "Date: \(MailDate.rfc5322(date))",
            "From: \(from.header)",
            "To: \(to)",
            "Subject: \(MIMEEncoding.encodedWords(subject))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
            "Content-Language: \(language)",
            "Auto-Submitted: auto-generated",
            "X-Outbox-Id: \(outboxID)",
        ]
        let textPart = Self.part(type: "text/plain", text)
        guard let html else {
            return (headers + [textPart]).joined(separator: "\r\n") + "\r\n"
        }
        // "=_" never occurs in quoted-printable or base64 output, so the boundary cannot clash with a body.
        let boundary = "=_outbox_\(outboxID)"
        headers.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
        let htmlPart = Self.part(type: "text/html", html)
        return headers.joined(separator: "\r\n") + "\r\n\r\n"
            + "--\(boundary)\r\n\(textPart)\r\n"
            + "--\(boundary)\r\n\(htmlPart)\r\n"
            + "--\(boundary)--\r\n"
    }
}

extension MailMessage {
    /// Quoted-printable keeps mostly-Latin text readable in the raw file; text in another
    /// script would triple in size, so it goes as base64.
    static func part(type: String, _ body: String) -> String {
        var nonASCII = 0
        for byte in body.utf8 where byte > 127 { nonASCII += 1 }
        let useBase64 = nonASCII * 3 > body.utf8.count
        return [
            "Content-Type: \(type); charset=UTF-8",
            "Content-Transfer-Encoding: \(useBase64 ? "base64" : "quoted-printable")",
            "",
            useBase64 ? MIMEEncoding.base64Lines(body) : MIMEEncoding.quotedPrintable(body),
        ].joined(separator: "\r\n")
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
