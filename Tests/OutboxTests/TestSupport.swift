import Foundation
import I18n
import Outbox
import Postgres
import XCTest

/// Project root (templates, migrations, the worker binary's build folder).
let projectRoot: String =
    ProcessInfo.processInfo.environment["ASYLUM_ROOT"]
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

let samplePortalURL = "https://espace-asile.ofpra.gouv.fr"

/// A PostgreSQL schema of its own per test, migrated from Migrations/: tests of other targets
/// (and other runs) can share the database without seeing this test's rows.
final class IsolatedDatabase {
    let base: String
    let schema: String
    /// The conninfo whose search_path is this schema (then public, for extensions).
    let conninfo: String
    private static let counter = Counter()

    init() throws {
        guard let base = ProcessInfo.processInfo.environment["ASYLUM_TEST_DATABASE_URL"], !base.isEmpty else {
            throw MissingTestEnvironment()
        }
        self.base = base
        schema = "outbox_test_\(getpid())_\(Self.counter.next())"
        conninfo = ConnInfo.withSearchPath(base, schema: schema)
        let admin = PGConnection(conninfo: base)
        try admin.execute("SET client_min_messages = warning; DROP SCHEMA IF EXISTS \(schema) CASCADE; CREATE SCHEMA \(schema)")
        try Migrator(directory: projectRoot + "/Migrations").migrate(connect())
    }

    func connect() -> PGConnection { PGConnection(conninfo: conninfo) }

    func drop() {
        _ = try? PGConnection(conninfo: base).execute("SET client_min_messages = warning; DROP SCHEMA IF EXISTS \(schema) CASCADE")
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int {
            lock.withLock {
                value += 1
                return value
            }
        }
    }
}

/// A database-backed test run without its database: a failure that says what to do, never a skip.
struct MissingTestEnvironment: Error, CustomStringConvertible {
    var description: String {
        "ASYLUM_TEST_DATABASE_URL is not set: run `make test`, or set ASYLUM_TEST_DATABASE_URL from a stack started "
            + "with `scripts/services.sh start $PWD/.run-test PORT PGPORT debug; source .run-test/env` (see README, Tests)"
    }
}

/// Time that only moves when a test says so.
final class TestClock: Clock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date()) { current = start }
    func now() -> Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}

struct FixedJitter: JitterSource {
    let value: Double
    func next() -> Double { value }
}

/// Records what it was asked to deliver and answers what the test decided.
final class RecordingTransport: Transport, @unchecked Sendable {
    private let lock = NSLock()
    private var log = [RenderedMessage]()
    var answer: (RenderedMessage) -> DeliveryResult

    init(answer: @escaping (RenderedMessage) -> DeliveryResult = { .sent(providerRef: "ref-\($0.outboxID)") }) {
        self.answer = answer
    }

    var delivered: [RenderedMessage] { lock.withLock { log } }

    func deliver(_ message: RenderedMessage) -> DeliveryResult {
        lock.withLock { log.append(message) }
        return answer(message)
    }
}

/// Locales/*.json. French, English and Arabic must load; another language whose file is
/// absent (or being written) is left out, as if it had no texts: its messages go out in French.
let sharedCatalogues: Catalogues = {
    do {
        if let all = try? Catalogues(directory: projectRoot + "/Locales") { return all }
        func read(_ language: Language) -> Data? { FileManager.default.contents(atPath: projectRoot + "/Locales/\(language.code).json") }
        guard let frenchJSON = read(.french) else { fatalError("no Locales/fr.json") }
        let french = try Catalogue(language: .french, json: frenchJSON)
        var byCode = ["fr": french]
        for language in Language.all where language != .french {
            guard let json = read(language) else { continue }
            if [.english, .arabic].contains(language) {
                byCode[language.code] = try Catalogue(language: language, json: json, fallback: french)
            } else {
                byCode[language.code] = try? Catalogue(language: language, json: json, fallback: french)
            }
        }
        return Catalogues(byCode)
    } catch {
        fatalError("catalogues: \(error)")
    }
}()

let sharedTemplates: MessageTemplates = {
    do { return try MessageTemplates(directory: projectRoot + "/Views/messages", catalogues: sharedCatalogues) } catch {
        fatalError("templates: \(error)")
    }
}()

func makeWorker(
    _ db: PGConnection, id: String = "worker-a", transport: Transport, clock: Clock = TestClock(),
    jitter: JitterSource = FixedJitter(value: 0), batchSize: Int = 10, retry: RetryPolicy = RetryPolicy(),
    stop: StopFlag = StopFlag()
) -> OutboxWorker {
    var config = OutboxWorker.Configuration(workerID: id, portalURL: samplePortalURL, production: false)
    config.batchSize = batchSize
    config.retry = retry
    return OutboxWorker(
        db: db, configuration: config, templates: sharedTemplates,
        transports: [.sms: transport, .email: transport], clock: clock, jitter: jitter, stop: stop)
}

func testSMS(_ n: Int, template: String = "test_message", dedupKey: String? = nil) -> OutboxMessage {
    OutboxMessage(
        channel: .sms, recipient: "+3360000\(String(format: "%04d", n))", template: template,
        language: "fr", dedupKey: dedupKey, subjectRef: "person:test-\(n)")
}

/// Queues messages in one committed transaction; returns their ids.
@discardableResult
func enqueue(_ messages: [OutboxMessage], _ db: PGConnection) throws -> [Int64] {
    try db.transaction { tx in
        try messages.map { m -> Int64 in
            guard case .queued(let id) = try Outbox.enqueue(m, in: tx) else { throw OutboxError.invalidMessage("deduplicated") }
            return id
        }
    }
}

func states(_ db: PGConnection) throws -> [Int64: MessageState] {
    var out = [Int64: MessageState]()
    for row in try db.query("SELECT id, state FROM outbox_messages").rows {
        out[try row.get("id")] = MessageState(rawValue: try row.get("state"))
    }
    return out
}

/// A receiver that keeps one copy per idempotency key, like the spool: a re-send answers
/// alreadyDelivered. Counts commits (one per recorded batch).
final class DeduplicatingTransport: Transport, @unchecked Sendable {
    private let lock = NSLock()
    private var received = [Int64: Int]()
    private(set) var commits = 0
    var onDeliver: (RenderedMessage) -> Void = { _ in }

    var deduplicatesByKey: Bool { true }
    /// Outbox id → deliveries asked for (a re-send counts, but is not a second copy).
    var attempts: [Int64: Int] { lock.withLock { received } }

    func deliver(_ message: RenderedMessage) -> DeliveryResult {
        onDeliver(message)
        let seen = lock.withLock { () -> Bool in
            received[message.outboxID, default: 0] += 1
            return received[message.outboxID]! > 1
        }
        return seen ? .alreadyDelivered(providerRef: "held-\(message.outboxID)") : .sent(providerRef: "held-\(message.outboxID)")
    }

    func commitDeliveries() throws { lock.withLock { commits += 1 } }
}
