import Foundation

/// Reads the spool folder back for the staff page (and tests): newest first, with the
/// recipient, subject and text of each file decoded.
public struct SpoolReader: Sendable {
    public struct Entry: Sendable, Equatable {
        public let fileName: String
        public let channel: Channel
        public let outboxID: Int64
        public let date: Date
        public let recipient: String
        /// E-mail only.
        public let subject: String?
        /// The SMS text, or the e-mail's plain-text part.
        public let text: String
    }

    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Spool file names, newest first (the names start with a sortable timestamp).
    public func fileNames() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { !$0.hasPrefix(".") && Self.channel(of: $0) != nil }.sorted(by: >)
    }

    public func list(limit: Int = 100) -> [Entry] {
        fileNames().prefix(limit).compactMap { entry(named: $0) }
    }

    /// One file by name; nil for names that are not spool files (so a name taken from a URL
    /// can never reach outside the folder).
    public func entry(named name: String) -> Entry? {
        guard !name.contains("/"), !name.hasPrefix("."), let channel = Self.channel(of: name),
            let data = FileManager.default.contents(atPath: directory + "/" + name)
        else { return nil }
        let parts = name.split(separator: "-", maxSplits: 1)
        guard parts.count == 2, let date = MailDate.parseSortable(parts[0]),
            let id = Int64(parts[1].prefix { $0.isNumber })
        else { return nil }
        let raw = String(decoding: data, as: UTF8.self)
        let (headers, body) = Self.split(raw)
        switch channel {
        case .sms:
            return Entry(
                fileName: name, channel: .sms, outboxID: id, date: date, recipient: headers["to"] ?? "",
                subject: nil, text: body.trimmingCharacters(in: .whitespacesAndNewlines))
        case .email:
            return Entry(
                fileName: name, channel: .email, outboxID: id, date: date, recipient: headers["to"] ?? "",
                subject: MIMEEncoding.decodeHeader(headers["subject"] ?? ""),
                text: Self.plainText(headers: headers, body: body))
        }
    }

    static func channel(of name: String) -> Channel? {
        if name.hasSuffix(".eml") { return .email }
        if name.hasSuffix(".sms.txt") { return .sms }
        return nil
    }

    /// Header names lower-cased, folded lines joined; the body after the first blank line.
    static func split(_ raw: String) -> (headers: [String: String], body: String) {
        let text = raw.replacingOccurrences(of: "\r\n", with: "\n")
        let end = text.range(of: "\n\n")
        let head = end.map { text[..<$0.lowerBound] } ?? Substring(text)
        let body = end.map { String(text[$0.upperBound...]) } ?? ""
        var headers = [String: String]()
        var last: String?
        for line in head.split(separator: "\n") {
            if line.first == " " || line.first == "\t", let key = last {
                headers[key, default: ""] += "\r\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                let key = line[..<colon].lowercased()
                headers[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                last = key
            }
        }
        return (headers, body)
    }

    /// The text/plain part of one of our own messages (single part or multipart/alternative).
    static func plainText(headers: [String: String], body: String) -> String {
        let contentType = headers["content-type"] ?? "text/plain"
        if contentType.hasPrefix("multipart/"), let b = contentType.range(of: "boundary=\"") {
            let boundary = contentType[b.upperBound...].prefix { $0 != "\"" }
            for part in body.components(separatedBy: "--" + boundary) {
                let (partHeaders, partBody) = split(part.hasPrefix("\n") ? String(part.dropFirst()) : part)
                if (partHeaders["content-type"] ?? "").hasPrefix("text/plain") {
                    return decode(partBody, headers: partHeaders)
                }
            }
            return ""
        }
        return decode(body, headers: headers)
    }

    private static func decode(_ body: String, headers: [String: String]) -> String {
        if headers["content-transfer-encoding"]?.lowercased() == "base64" {
            let data = Data(base64Encoded: body.filter { !$0.isWhitespace }) ?? Data()
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines) + "\n"
        }
        guard headers["content-transfer-encoding"]?.lowercased() == "quoted-printable" else { return body }
        // split() turned CRLF into LF; quoted-printable soft breaks are then "=\n".
        return String(decoding: MIMEEncoding.decodeQuotedPrintable(body), as: UTF8.self)
            .trimmingCharacters(in: .newlines) + "\n"
    }
}
