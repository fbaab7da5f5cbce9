import Foundation

/// The default transport: every message becomes a file in the spool folder, an RFC 5322
/// `.eml` for e-mail and a small `.sms.txt` for SMS. Names are the sortable UTC time the message
/// was queued, then the outbox id (the message's idempotency key): fixed for the outbox row, so
/// a re-send (a worker killed between a delivery and its record) finds its file and writes
/// nothing — the spool never holds two copies of a message, which lets the worker record the
/// outcomes of a whole batch at once. Files appear atomically (hidden temp file, then rename),
/// so a reader never sees half a message and a file under its final name is complete; temp files
/// left by a killed writer are removed when a transport starts.
public final class SpoolTransport: Transport {
    public let directory: String
    let from: MailAddress
    /// Slows every delivery down (crash tests): the worker only sets it when ASYLUM_ENV=test.
    let delayMilliseconds: Int
    /// Durable across power loss (ASYLUM_SPOOL_FSYNC=1): files of a batch are written as temp
    /// files, flushed with one syncfs, then renamed, then the folder is fsynced — once per
    /// batch, before the outcomes are recorded, instead of an fsync per file.
    let syncFiles: Bool
    /// syncFiles only: temp files written since the last commitDeliveries (temp, final name).
    private var unsynced = [(temp: String, name: String)]()
    private let parts = EncodedParts()

    public init(directory: String, from: MailAddress, delayMilliseconds: Int = 0, syncFiles: Bool = false) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.directory = directory
        self.from = from
        self.delayMilliseconds = delayMilliseconds
        self.syncFiles = syncFiles
        removeStaleTempFiles()
    }

    public var deduplicatesByKey: Bool { true }

    public func deliver(_ message: RenderedMessage) -> DeliveryResult {
        if delayMilliseconds > 0 { usleep(UInt32(delayMilliseconds) * 1000) }
        let now = Date()
        let name = Self.fileName(message, now: now)
        // Already written (a re-send): complete, since it only appears by rename.
        if access(directory + "/" + name, F_OK) == 0 { return .alreadyDelivered(providerRef: name) }
        let body: String
        switch message.content {
        case .email(let subject, let text, let html):
            body = MailMessage(
                from: from, to: message.recipient, subject: subject, text: text, html: html,
                language: message.language, outboxID: message.outboxID, date: now
            ).rendered(parts: parts)
        case .sms(let text):
            body = Self.smsFile(message, text: text, date: now)
        }
        do {
            if syncFiles {
                unsynced.append((try writeTemp(body, for: name), name))
            } else {
                try publish(try writeTemp(body, for: name), as: name)
            }
            return .sent(providerRef: name)
        } catch {
            return .temporaryFailure("spool: \(error)")
        }
    }

    /// syncFiles: flush the batch's temp files, give them their names, flush the folder.
    /// A failure leaves no half-durable file under a final name: the messages are sent again.
    public func commitDeliveries() throws {
        guard syncFiles, !unsynced.isEmpty else { return }
        let files = unsynced
        unsynced.removeAll(keepingCapacity: true)
        let dir = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dir >= 0 else {
            let code = errno
            for f in files { unlink(f.temp) }
            throw SpoolError(what: "open \(directory)", code: code)
        }
        defer { close(dir) }
        do {
            try Self.syncFileSystem(of: dir, files: files.map(\.temp))
            for f in files { try publish(f.temp, as: f.name) }
            guard fsync(dir) == 0 else { throw SpoolError(what: "fsync \(directory)", code: errno) }
        } catch {
            for f in files { unlink(f.temp) }
            throw error
        }
    }

    /// One syncfs(2) for the whole batch (not exported by Swift's Glibc module, hence dlsym);
    /// an fsync per file where it is missing.
    private static let syncfsFunction: (@convention(c) (Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
    }()

    private static func syncFileSystem(of dir: Int32, files: [String]) throws {
        if let syncfs = syncfsFunction {
            guard syncfs(dir) == 0 else { throw SpoolError(what: "syncfs", code: errno) }
            return
        }
        for path in files {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw SpoolError(what: "open \(path)", code: errno) }
            defer { close(fd) }
            guard fsync(fd) == 0 else { throw SpoolError(what: "fsync \(path)", code: errno) }
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

    /// Writes `<dir>/.tmp-<pid>-<name>`; returns its path.
    private func writeTemp(_ body: String, for name: String) throws -> String {
        let temp = directory + "/.tmp-\(getpid())-" + name
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw SpoolError(what: "open \(temp)", code: errno) }
        var body = body
        let failure: Int32? = body.withUTF8 { bytes in
            var written = 0
            while written < bytes.count {
                let n = write(fd, bytes.baseAddress! + written, bytes.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += n
            }
            return nil
        }
        close(fd)
        if let failure {
            unlink(temp)
            throw SpoolError(what: "write \(temp)", code: failure)
        }
        return temp
    }

    private func publish(_ temp: String, as name: String) throws {
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
