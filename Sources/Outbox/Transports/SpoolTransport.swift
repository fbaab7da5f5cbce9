import Foundation

/// The default transport: every message becomes a file in the spool folder, an RFC 5322
/// `.eml` for e-mail and a small `.sms.txt` for SMS. Names start with a sortable UTC
/// timestamp, then the outbox id. Files appear atomically (hidden temp file, then rename),
/// so a reader never sees half a message.
public final class SpoolTransport: Transport {
    public let directory: String
    let from: MailAddress
    /// Slows every delivery down (crash tests): the worker only sets it when ASYLUM_ENV=test.
    let delayMilliseconds: Int
    /// fsync each file before the rename: durable across power loss, much slower on disks.
    let syncFiles: Bool

    public init(directory: String, from: MailAddress, delayMilliseconds: Int = 0, syncFiles: Bool = false) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.directory = directory
        self.from = from
        self.delayMilliseconds = delayMilliseconds
        self.syncFiles = syncFiles
    }

    public func deliver(_ message: RenderedMessage) -> DeliveryResult {
        if delayMilliseconds > 0 { usleep(UInt32(delayMilliseconds) * 1000) }
        let now = Date()
        let stamp = MailDate.sortable(now) + "-\(message.outboxID)"
        let name: String
        let body: String
        switch message.content {
        case let .email(subject, text, html):
            name = stamp + ".eml"
            body = MailMessage(from: from, to: message.recipient, subject: subject, text: text, html: html,
                               language: message.language, outboxID: message.outboxID, date: now).rendered()
        case let .sms(text):
            name = stamp + ".sms.txt"
            body = Self.smsFile(message, text: text, date: now)
        }
        do {
            try writeAtomically(Array(body.utf8), to: name)
            return .sent(providerRef: name)
        } catch {
            return .temporaryFailure("spool: \(error)")
        }
    }

    static func smsFile(_ message: RenderedMessage, text: String, date: Date) -> String {
        let length = SMSLength(text)
        return """
            To: \(message.recipient)
            Length: \(length.units)
            Encoding: \(length.encoding.rawValue)
            Segments: \(length.segments)
            Outbox-Id: \(message.outboxID)
            Date: \(MailDate.rfc5322(date))

            \(text)

            """
    }

    private func writeAtomically(_ bytes: [UInt8], to name: String) throws {
        let temp = directory + "/.tmp-" + name
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw SpoolError(what: "open \(temp)", code: errno) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                unlink(temp)
                throw SpoolError(what: "write \(temp)", code: code)
            }
            written += n
        }
        if syncFiles, fsync(fd) != 0 {
            let code = errno
            close(fd)
            unlink(temp)
            throw SpoolError(what: "fsync \(temp)", code: code)
        }
        close(fd)
        guard rename(temp, directory + "/" + name) == 0 else {
            let code = errno
            unlink(temp)
            throw SpoolError(what: "rename \(temp)", code: code)
        }
    }
}

struct SpoolError: Error, CustomStringConvertible {
    let what: String
    let code: Int32
    var description: String { "\(what): \(String(cString: strerror(code)))" }
}
