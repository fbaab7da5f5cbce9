import CFastCGI
import Dispatch
import Foundation
import Logging

/// A multi-threaded FastCGI server on a unix socket (libfcgi).
///
/// Shutdown: SIGTERM/SIGINT are blocked in every thread and taken with `sigwait` on the
/// calling thread (libfcgi would otherwise install its own handlers and leave threads stuck
/// in accept). On a signal the listening socket is shut down, each thread finishes the request
/// it holds, and `run` returns.
public final class FastCGIServer: Sendable {
    public struct Configuration: Sendable {
        public var socketPath: String
        public var threads: Int
        public var backlog: Int32 = 256
        public var maxBodyBytes: Int = 12 * 1024 * 1024
        /// Longest wait for in-flight requests at shutdown.
        public var drainTimeout: Double = 30

        public init(socketPath: String, threads: Int) {
            self.socketPath = socketPath
            self.threads = max(1, threads)
        }
    }

    public let configuration: Configuration
    let logger: Logger

    public init(configuration: Configuration, logger: Logger = Logger(label: "fastcgi")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Serves until SIGTERM or SIGINT. `makeHandler` runs once on each server thread.
    public func run(makeHandler: @escaping @Sendable () -> RequestHandler) throws {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        signal(SIGPIPE, SIG_IGN)

        guard FCGX_Init() == 0 else { throw HTTPError(500, "FCGX_Init failed") }
        let path = configuration.socketPath
        unlink(path)
        let fd = FCGX_OpenSocket(path, configuration.backlog)
        guard fd >= 0 else { throw HTTPError(500, "cannot listen on \(path)") }
        // nginx workers run as another user: they must be able to connect.
        chmod(path, 0o666)
        logger.info("listening on \(path) with \(configuration.threads) threads")

        let finished = DispatchSemaphore(value: 0)
        for i in 0..<configuration.threads {
            let thread = Thread { [self] in
                self.serve(listenFD: fd, makeHandler: makeHandler)
                finished.signal()
            }
            thread.name = "fcgi-\(i)"
            thread.stackSize = 8 << 20
            thread.start()
        }

        var received: Int32 = 0
        sigwait(&signals, &received)
        logger.info("signal \(received): finishing in-flight requests")
        FCGX_ShutdownPending()
        shutdown(fd, Int32(SHUT_RDWR))
        let deadline = DispatchTime.now() + configuration.drainTimeout
        for _ in 0..<configuration.threads {
            if finished.wait(timeout: deadline) == .timedOut {
                logger.warning("some requests did not finish in time")
                break
            }
        }
        close(fd)
        unlink(path)
        logger.info("stopped")
    }

    private func serve(listenFD: Int32, makeHandler: @Sendable () -> RequestHandler) {
        let handler = makeHandler()
        var request = FCGX_Request()
        FCGX_InitRequest(&request, listenFD, 0)
        while FCGX_Accept_r(&request) >= 0 {
            process(&request, handler)
            FCGX_Finish_r(&request)
        }
    }

    private func process(_ raw: inout FCGX_Request, _ handler: RequestHandler) {
        let started = DispatchTime.now().uptimeNanoseconds
        let params = Self.params(raw.envp)
        let response: Response
        var request: Request
        do {
            request = try Self.makeRequest(params: params, body: [])
            let length = Int(params["CONTENT_LENGTH"] ?? "") ?? 0
            if length > configuration.maxBodyBytes {
                response = handler.handleError(.payloadTooLarge, for: request)
            } else {
                request = try Self.makeRequest(params: params, body: Self.readBody(raw.in, length: length))
                response = handler.handle(request)
            }
        } catch {
            // Unreadable request line (bad escapes, invalid UTF-8): still answer with a page,
            // in the visitor's language, so keep the headers and cookies that tell it.
            let headers = Self.headers(params)
            request = Request(
                method: Self.method(params) ?? .get, path: "/", headers: headers,
                cookies: Cookie.parseHeader(headers.first(.cookie) ?? ""),
                isSecure: params["HTTPS"]?.lowercased() == "on",
                requestId: params["REQUEST_ID"] ?? Self.localRequestId())
            response = handler.handleError(error as? HTTPError ?? .badRequest, for: request)
        }
        let written = Self.checked(response, requestId: request.requestId, logger: logger)
        write(written, head: request.method != .head, to: raw.out)
        let ms = Double(DispatchTime.now().uptimeNanoseconds - started) / 1_000_000
        logger.info(
            "\(Self.logSafe(request.method.rawValue)) \(Self.logSafe(request.path)) \(written.status.code) \(written.body.count)B \(String(format: "%.1f", ms))ms",
            metadata: ["request_id": .string(request.requestId)])
    }

    /// The response to write: this one, or a 500 (logged as an error) when a header or cookie
    /// of it was refused (`Response.refusal`). The web layer answers its own translated 500
    /// first; this covers any other handler.
    static func checked(_ response: Response, requestId: String, logger: Logger) -> Response {
        guard let refusal = response.refusal else { return response }
        logger.error("500 instead of a response with a refused header: \(refusal)", metadata: ["request_id": .string(requestId)])
        return Response.refusedPlaceholder
    }

    private func write(_ response: Response, head withBody: Bool, to out: UnsafeMutablePointer<FCGX_Stream>?) {
        let head = Array(response.serializedHead().utf8)
        head.withUnsafeBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { _ = FCGX_PutStr($0.baseAddress, Int32($0.count), out) }
        }
        guard withBody, !response.body.isEmpty else { return }
        response.body.withUnsafeBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { _ = FCGX_PutStr($0.baseAddress, Int32($0.count), out) }
        }
    }

    static func params(_ envp: FCGX_ParamArray?) -> [String: String] {
        var out = [String: String]()
        guard var p = envp else { return out }
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") {
                out[String(s[..<eq])] = String(s[s.index(after: eq)...])
            }
            p += 1
        }
        return out
    }

    static func readBody(_ stream: UnsafeMutablePointer<FCGX_Stream>?, length: Int) -> [UInt8] {
        guard length > 0 else { return [] }
        var body = [UInt8](repeating: 0, count: length)
        var got = 0
        body.withUnsafeMutableBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { cb in
                while got < length {
                    let n = FCGX_GetStr(cb.baseAddress! + got, Int32(min(length - got, 1 << 20)), stream)
                    if n <= 0 { break }
                    got += Int(n)
                }
            }
        }
        return got == length ? body : Array(body.prefix(got))
    }

    /// The header fields of CGI parameters (`HTTP_ACCEPT_LANGUAGE` → `accept-language`).
    static func headers(_ params: [String: String]) -> HTTPFields {
        var fields = HTTPFields()
        for (k, v) in params where k.hasPrefix("HTTP_") {
            guard let name = HTTPField.Name(cgiHeaderName(k.utf8.dropFirst(5))) else { continue }
            fields.append(HTTPField(name: name, value: v))
        }
        if let t = params["CONTENT_TYPE"], !t.isEmpty { fields[.contentType] = t }
        if let l = params["CONTENT_LENGTH"], !l.isEmpty { fields[.contentLength] = l }
        return fields
    }

    /// `ACCEPT_LANGUAGE` → `accept-language`, byte by byte (no Foundation on this path).
    static func cgiHeaderName(_ bytes: Substring.UTF8View) -> String {
        String(
            decoding: bytes.map { b -> UInt8 in
                b == UInt8(ascii: "_") ? UInt8(ascii: "-") : (b &- 65 < 26 ? b | 0x20 : b)
            }, as: UTF8.self)
    }

    /// nil for a method that is not an HTTP token (nginx would not pass one).
    static func method(_ params: [String: String]) -> HTTPRequest.Method? {
        HTTPRequest.Method(params["REQUEST_METHOD"] ?? "GET")
    }

    static func makeRequest(params: [String: String], body: [UInt8]) throws -> Request {
        let headers = headers(params)
        let uri = params["REQUEST_URI"] ?? params["DOCUMENT_URI"] ?? "/"
        let pathPart = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "/"
        let path = try FormData.percentDecode(Array(pathPart.utf8), plusAsSpace: false)
        let query = try FormData.parseURLEncoded(params["QUERY_STRING"] ?? "")
        guard let method = method(params) else { throw HTTPError(400, "unreadable request method") }
        return Request(
            method: method,
            path: path.isEmpty ? "/" : path,
            query: query,
            headers: headers,
            cookies: Cookie.parseHeader(headers.first(.cookie) ?? ""),
            body: body,
            remoteAddress: params["REMOTE_ADDR"] ?? "",
            isSecure: params["HTTPS"]?.lowercased() == "on",
            requestId: params["REQUEST_ID"].flatMap { $0.isEmpty ? nil : $0 } ?? localRequestId())
    }

    /// The path as one log line: control characters (a `%0A` in the URL) are written as
    /// `\xNN`, so a visitor cannot forge an access-log entry.
    static func logSafe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func localRequestId() -> String {
        String(UInt64.random(in: .min ... .max), radix: 16)
    }
}
