/// Maps method + path to a route. Patterns use `:name` segments (`/documents/:id`).
/// Generic over what a route carries, so the web layer can attach its own metadata
/// (handler, who may call it) without this layer knowing about it.
public struct Router<Route: Sendable>: Sendable {
    struct Entry: Sendable {
        let method: HTTPRequest.Method
        let pattern: String
        let segments: [Substring]
        let route: Route
    }

    public enum Match {
        case found(Route, parameters: [String: String])
        case methodNotAllowed(allowed: [HTTPRequest.Method])
        case notFound
    }

    private var entries: [Entry] = []

    public init() {}

    public mutating func add(_ method: HTTPRequest.Method, _ pattern: String, _ route: Route) {
        precondition(!entries.contains { $0.method == method && $0.pattern == pattern }, "duplicate route \(method) \(pattern)")
        entries.append(Entry(method: method, pattern: pattern, segments: Self.split(pattern), route: route))
    }

    /// Every registered route, for the authorization matrix and its test.
    public var all: [(method: HTTPRequest.Method, pattern: String, route: Route)] {
        entries.map { ($0.method, $0.pattern, $0.route) }
    }

    public func match(method: HTTPRequest.Method, path: String) -> Match {
        let parts = Self.split(path)
        var allowed = [HTTPRequest.Method]()
        for e in entries {
            guard let params = Self.bind(e.segments, parts) else { continue }
            if e.method == method || (method == .head && e.method == .get) {
                return .found(e.route, parameters: params)
            }
            allowed.append(e.method)
            if e.method == .get { allowed.append(.head) }
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    private static func split(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    private static func bind(_ pattern: [Substring], _ parts: [Substring]) -> [String: String]? {
        guard pattern.count == parts.count else { return nil }
        var params = [String: String]()
        for (p, v) in zip(pattern, parts) {
            if p.first == ":" {
                params[String(p.dropFirst())] = String(v)
            } else if p != v {
                return nil
            }
        }
        return params
    }
}
