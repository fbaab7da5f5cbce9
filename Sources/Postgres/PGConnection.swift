import CLibPQ
import Foundation

/// One libpq connection. Not thread-safe by design: each thread owns its own
/// (the FastCGI server gives every worker thread one).
///
/// After a failure the connection is dropped; the next call reconnects, so service
/// comes back by itself when the database does.
public final class PGConnection {
    public let conninfo: String
    private var conn: OpaquePointer?
    private var prepared = Set<String>()
    /// `query`'s statement cache: SQL text → the name it is prepared under on this connection.
    private var statementNames = [String: String]()
    /// Beyond this many distinct statements `query` stops caching (SQL built from values would
    /// otherwise grow it without bound; ours is built from constants, a few hundred at most).
    static let statementCacheLimit = 512
    private var transactionDepth = 0

    public init(conninfo: String) {
        self.conninfo = conninfo
    }

    deinit { close() }

    public var isConnected: Bool {
        guard let c = conn else { return false }
        return PQstatus(c) == CONNECTION_OK
    }

    public func close() {
        if let c = conn { PQfinish(c) }
        conn = nil
        prepared.removeAll()
        transactionDepth = 0
    }

    /// Opens the connection if needed. Throws a `.connection` error when the server is unreachable.
    public func connect() throws {
        if isConnected && transactionDepth == 0 && droppedWhileIdle() { close() }
        if isConnected { return }
        close()
        guard let c = PQconnectdb(conninfo) else { throw PGError(.connection, "out of memory") }
        guard PQstatus(c) == CONNECTION_OK else {
            let msg = String(cString: PQerrorMessage(c)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(c)
            throw PGError(.connection, msg)
        }
        conn = c
        // Server notices ("relation already exists, skipping") are not errors: keep them off stderr.
        PQsetNoticeProcessor(c, { _, _ in }, nil)
        // Timestamps travel as UTC ISO text; PGTimestamp relies on it.
        _ = try execute("SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'")
    }

    /// Runs one parameterised statement (text format), prepared on first use on this connection
    /// and executed by name after: parsing and planning cost PostgreSQL more than running most of
    /// our statements (issue 10: 2.5 ms of planning for the dashboard's documents query).
    @discardableResult
    public func query(_ sql: String, _ params: [PGEncodable?] = []) throws -> PGResult {
        if let name = statementName(for: sql) {
            return try retryingAfterTermination { try preparedOnce(name, sql, params) }
        }
        return try retryingAfterTermination {
            let texts = try Self.parameterTexts(params)
            try connect()
            return try run { c in
                withCStrings(texts) { values in
                    PQexecParams(c, sql, Int32(params.count), nil, values, nil, nil, 0)
                }
            }
        }
    }

    private func statementName(for sql: String) -> String? {
        if let name = statementNames[sql] { return name }
        guard statementNames.count < Self.statementCacheLimit else { return nil }
        let name = "_q\(statementNames.count)"
        statementNames[sql] = name
        return name
    }

    /// Runs a statement prepared once per connection under `name`: for hot queries.
    @discardableResult
    public func prepared(_ name: String, _ sql: String, _ params: [PGEncodable?] = []) throws -> PGResult {
        try retryingAfterTermination { try preparedOnce(name, sql, params) }
    }

    private func preparedOnce(_ name: String, _ sql: String, _ params: [PGEncodable?]) throws -> PGResult {
        let texts = try Self.parameterTexts(params)  // refused before anything is prepared
        try connect()
        // Connect once, then prepare and execute on that same connection.
        if !prepared.contains(name) {
            _ = try run { c in PQprepare(c, name, sql, Int32(params.count), nil) }
            prepared.insert(name)
        }
        do {
            return try execPrepared(name, texts)
        } catch let error as PGError where error.sqlState == "26000" {
            // The server forgot it (a pooler or a restart we did not see): prepare again, once.
            _ = try run { c in PQprepare(c, name, sql, Int32(params.count), nil) }
            return try execPrepared(name, texts)
        }
    }

    private func execPrepared(_ name: String, _ texts: [String?]) throws -> PGResult {
        try run { c in
            withCStrings(texts) { values in
                PQexecPrepared(c, name, Int32(texts.count), values, nil, nil, 0)
            }
        }
    }

    /// Runs a script without parameters (several statements allowed): for migrations only.
    @discardableResult
    public func execute(_ script: String) throws -> PGResult {
        try connect()
        return try run { c in PQexec(c, script) }
    }

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws.
    /// Nested calls become savepoints, so a helper can open its own transaction safely.
    public func transaction<T>(_ body: (PGConnection) throws -> T) throws -> T {
        let depth = transactionDepth
        try execute(depth == 0 ? "BEGIN" : "SAVEPOINT sp\(depth)")
        transactionDepth += 1
        do {
            let value = try body(self)
            transactionDepth -= 1
            try execute(depth == 0 ? "COMMIT" : "RELEASE SAVEPOINT sp\(depth)")
            return value
        } catch {
            transactionDepth = depth
            if isConnected {
                _ = try? execute(depth == 0 ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT sp\(depth)")
            }
            throw error
        }
    }

    /// A transaction that outlives one closure (begun on one thread, committed on another;
    /// never both at once). Like `transaction`, statements inside are not re-run on a new
    /// connection if the backend goes: the error is thrown.
    public func begin() throws {
        precondition(transactionDepth == 0, "begin() inside a transaction")
        try execute("BEGIN")
        transactionDepth = 1
    }

    public func commit() throws {
        transactionDepth = 0
        try execute("COMMIT")
    }

    public func rollback() {
        transactionDepth = 0
        if isConnected { _ = try? execute("ROLLBACK") }
    }

    // MARK: LISTEN / NOTIFY

    public func listen(_ channel: String) throws {
        // Channel names are identifiers, not values: only simple names are accepted.
        guard channel.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !channel.isEmpty else {
            throw PGError(.query, "invalid channel name")
        }
        try execute("LISTEN \(channel)")
    }

    /// Waits up to `timeout` seconds for a notification; returns the channels that fired.
    public func waitForNotifications(timeout: Double) throws -> [String] {
        try connect()
        guard let c = conn else { return [] }
        var fired = drainNotifications(c)
        if !fired.isEmpty { return fired }
        var pfd = pollfd(fd: PQsocket(c), events: Int16(POLLIN), revents: 0)
        let rc = poll(&pfd, 1, Int32(timeout * 1000))
        if rc > 0 {
            if PQconsumeInput(c) == 0 {
                let msg = String(cString: PQerrorMessage(c))
                close()
                throw PGError(.connection, msg)
            }
            fired = drainNotifications(c)
        }
        return fired
    }

    private func drainNotifications(_ c: OpaquePointer) -> [String] {
        var out = [String]()
        while let n = PQnotifies(c) {
            out.append(String(cString: n.pointee.relname))
            PQfreemem(n)
        }
        return out
    }

    // MARK: internals

    /// The parameters as libpq receives them: C strings, where a NUL would end the value early
    /// and the rest be dropped without a word. Such a value is refused, with the code
    /// PostgreSQL itself gives a NUL in text (22021, character not in repertoire).
    static func parameterTexts(_ params: [PGEncodable?]) throws -> [String?] {
        let texts = params.map { $0?.pgText }
        if let index = texts.firstIndex(where: { $0?.utf8.contains(0) ?? false }) {
            throw PGError(.query, "text parameter $\(index + 1) contains a NUL character", sqlState: "22021")
        }
        return texts
    }

    /// A server that was restarted or terminated our backend leaves its goodbye (57P01..03) on
    /// the idle connection; the statement we sent was never run. Outside a transaction it is
    /// safe to run it once more on a new connection, so the first request after a database
    /// restart succeeds instead of answering 503.
    private func retryingAfterTermination<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PGError where transactionDepth == 0 && ["57P01", "57P02", "57P03"].contains(error.sqlState ?? "") {
            close()
            return try body()
        }
    }

    /// An idle connection has nothing to read unless the server said goodbye (restart,
    /// terminated backend). Checking costs one non-blocking poll and saves the first request
    /// after a database restart from a needless 503.
    private func droppedWhileIdle() -> Bool {
        guard let c = conn else { return true }
        // A terminated backend sends its error, then closes: read until quiet or closed.
        for _ in 0..<3 {
            var pfd = pollfd(fd: PQsocket(c), events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 0) > 0 else { return false }
            if PQconsumeInput(c) == 0 || PQstatus(c) != CONNECTION_OK { return true }
            // A notification (LISTEN) is not a failure: it stays queued for waitForNotifications.
            if pfd.revents & Int16(POLLHUP | POLLERR) != 0 { return true }
        }
        return false
    }

    /// Runs one libpq call on the current connection (callers connect first, once).
    private func run(_ exec: (OpaquePointer) -> OpaquePointer?) throws -> PGResult {
        guard let c = conn else { throw PGError(.connection, "not connected") }
        guard let res = exec(c) else {
            let msg = String(cString: PQerrorMessage(c))
            dropIfBroken(c)
            throw PGError(.connection, msg)
        }
        defer { PQclear(res) }
        switch PQresultStatus(res) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return copy(res)
        default:
            let state = PQresultErrorField(res, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let msg =
                PQresultErrorField(res, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
                ?? String(cString: PQerrorMessage(c))
            let broken = dropIfBroken(c)
            throw PGError(broken ? .connection : .query, msg, sqlState: state)
        }
    }

    @discardableResult
    private func dropIfBroken(_ c: OpaquePointer) -> Bool {
        if PQstatus(c) != CONNECTION_OK {
            close()
            return true
        }
        return false
    }

    private func copy(_ res: OpaquePointer) -> PGResult {
        let nfields = Int(PQnfields(res))
        let ntuples = Int(PQntuples(res))
        var columns = [String]()
        var index = [String: Int]()
        for f in 0..<nfields {
            let name = String(cString: PQfname(res, Int32(f)))
            columns.append(name)
            index[name] = f
        }
        var rows = [PGRow]()
        rows.reserveCapacity(ntuples)
        for r in 0..<ntuples {
            var values = [String?]()
            values.reserveCapacity(nfields)
            for f in 0..<nfields {
                if PQgetisnull(res, Int32(r), Int32(f)) == 1 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(res, Int32(r), Int32(f))))
                }
            }
            rows.append(PGRow(index: index, values: values))
        }
        let affected = Int(String(cString: PQcmdTuples(res))) ?? 0
        return PGResult(columns: columns, rows: rows, affectedRows: affected)
    }
}

/// Keeps C copies of the parameter strings alive for the duration of one libpq call.
private func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { s in s.flatMap { strdup($0) } }
    defer { for copy in copies { free(copy) } }
    return body(copies.map { $0.map { UnsafePointer($0) } })
}
