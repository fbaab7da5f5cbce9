import Foundation

/// The default transport: every message becomes a file in the spool folder, an RFC 5322
/// `.eml` for e-mail and a small `.sms.txt` for SMS. Names are the sortable UTC time the message
/// was queued, then the outbox id: fixed for the outbox row, so a re-send (a worker killed
/// between delivery and record) replaces the file instead of adding a second copy; the file
/// then says how many times it was delivered (`X-Spool-Deliveries: 2`, counted by the crash
/// tests). Files appear atomically (hidden temp file, then rename), so a reader never sees half
/// a message; temp files left by a killed writer are removed when a transport starts.
public final class SpoolTransport: Transport {
    public let directory: String
    let from: MailAddress
    /// Slows every delivery down (crash tests): the worker only sets it when ASYLUM_ENV=test.
    let delayMilliseconds: Int
    /// fsync each file before the rename: durable across power loss, much slower on disks.
    let syncFiles: Bool
    static let deliveriesHeader = "X-Spool-Deliveries"

    public init(directory: String, from: MailAddress, delayMilliseconds: Int = 0, syncFiles: Bool = false) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.directory = directory
        self.from = from
        self.delayMilliseconds = delayMilliseconds
        self.syncFiles = syncFiles
        removeStaleTempFiles()
    }

    public func deliver(_ message: RenderedMessage) -> DeliveryResult {
        if delayMilliseconds > 0 { usleep(UInt32(delayMilliseconds) * 1000) }
        let now = Date()
        let name = Self.fileName(message, now: now)
        let deliveries = previousDeliveries(of: name) + 1
        let mark = deliveries > 1 ? "\(Self.deliveriesHeader): \(deliveries)" : nil
        let body: String
        switch message.content {
        case let .email(subject, text, html):
            let mail = MailMessage(from: from, to: message.recipient, subject: subject, text: text, html: html,
                                   language: message.language, outboxID: message.outboxID, date: now).rendered()
            body = mark.map { $0 + "\r\n" + mail } ?? mail
        case let .sms(text):
            body = (mark.map { $0 + "\n" } ?? "") + Self.smsFile(message, text: text, date: now)
        }
        do {
            try writeAtomically(Array(body.utf8), to: name)
            return .sent(providerRef: name)
        } catch {
            return .temporaryFailure("spool: \(error)")
        }
    }

    /// `<queued at>-<outbox id>.eml|.sms.txt`; the delivery time stands in for a message
    /// built outside the worker (no queue time).
    static func fileName(_ message: RenderedMessage, now: Date) -> String {
        let stamp = MailDate.sortable(message.queuedAt ?? now) + "-\(message.outboxID)"
        switch message.content {
        case .email: return stamp + ".eml"
        case .sms: return stamp + ".sms.txt"
        }
    }

    /// 0 when the file does not exist yet (the usual case: one stat), else how many times it
    /// was written before.
    private func previousDeliveries(of name: String) -> Int {
        let path = directory + "/" + name
        guard access(path, F_OK) == 0 else { return 0 }
        guard let data = FileManager.default.contents(atPath: path) else { return 1 }
        let head = String(decoding: data.prefix(200), as: UTF8.self)
        let prefix = Self.deliveriesHeader + ": "
        guard head.hasPrefix(prefix) else { return 1 }
        return Int(head.dropFirst(prefix.count).prefix { $0.isNumber }) ?? 1
    }

    /// Temp files are named `.tmp-<pid>-<name>`: those of a process that no longer runs are
    /// leftovers of a kill (another live worker may share the folder: its files stay).
    /// Any older than an hour go too, in case a pid was reused.
    func removeStaleTempFiles() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        let hourAgo = Date().addingTimeInterval(-3600)
        for name in names where name.hasPrefix(".tmp-") {
            let path = directory + "/" + name
            let pid = pid_t(name.dropFirst(5).prefix { $0.isNumber }) ?? 0
            let writerGone = pid <= 0 || (kill(pid, 0) != 0 && errno == ESRCH)
            let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate]) as? Date
            if pid != getpid(), writerGone || (modified.map { $0 < hourAgo } ?? false) { unlink(path) }
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
        let temp = directory + "/.tmp-\(getpid())-" + name
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
