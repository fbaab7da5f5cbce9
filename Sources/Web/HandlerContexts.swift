import Domain
import Foundation
import HTTP
import Logging
import Postgres

/// A context narrower than `RequestContext`, handed to a handler once its route's access rule
/// has let the request through: it carries, not optional, who that rule guarantees.
/// `RouteGroup` checks at registration (start-up) that the rule guarantees it.
public protocol IdentifiedContext: SendableMetatype {
    /// The narrowed context, or nil when the request has no such identity.
    static func narrow(_ base: RequestContext) -> Self?
    /// Whether every request that passes `access` has this identity.
    static func isGuaranteed(by access: Route.Access) -> Bool
    var base: RequestContext { get }
}

extension IdentifiedContext {
    // The request context's tools, forwarded so a handler reads `ctx.page(…)` as before.
    public func page(_ template: String, title titleKey: String, _ data: [String: Any] = [:], status: Int = 200) -> Response {
        base.page(template, title: titleKey, data, status: status)
    }
    func page(_ template: String, title titleKey: String, _ model: some PageModel, status: Int = 200) -> Response {
        base.page(template, title: titleKey, model, status: status)
    }
    func page(_ template: String, title titleKey: String, _ data: [String: Any], over model: some PageModel, status: Int = 200) -> Response
    {
        base.page(template, title: titleKey, data, over: model, status: status)
    }
    public func errorPage(_ status: Int) -> Response { base.errorPage(status) }
    public func text(_ key: String, _ args: [String: String] = [:]) -> String { base.text(key, args) }
    public func text(_ key: String, count: Int, _ args: [String: String] = [:]) -> String { base.text(key, count: count, args) }
    public func form() throws -> FormData { try base.form() }
    public func multipart() throws -> [MultipartPart] { try base.multipart() }
    func throttledPage(_ template: String, title: String, _ form: FormView, field: String, seconds: Int) -> Response {
        base.throttledPage(template, title: title, form, field: field, seconds: seconds)
    }
    func waitMessage(seconds: Int) -> String { base.waitMessage(seconds: seconds) }
    public func signOut() throws { try base.signOut() }
}

/// A handler's context behind a staff rule (`.staff(roles)`, `.anyStaff`): `ctx.staff` is the
/// logged-in staff member, never nil.
@dynamicMemberLookup
public struct StaffContext: IdentifiedContext {
    public let base: RequestContext
    public let staff: StaffAccount

    public static func narrow(_ base: RequestContext) -> StaffContext? {
        base.staff.map { StaffContext(base: base, staff: $0) }
    }

    public static func isGuaranteed(by access: Route.Access) -> Bool {
        switch access {
        case .staff, .anyStaff: return true
        case .anyone, .applicant, .applicantReadOnly, .activation, .testOnly, .documentOwner, .anefAccount, .providerCallback:
            return false
        }
    }

    public subscript<T>(dynamicMember keyPath: KeyPath<RequestContext, T>) -> T { base[keyPath: keyPath] }
}

/// A handler's context behind the `.applicant` rule: `ctx.applicant` is the logged-in
/// applicant whose space is open, never nil (behind `.applicantReadOnly`, possibly a closed
/// space still readable: `ctx.applicantReadOnlyUntil` is then set).
@dynamicMemberLookup
public struct ApplicantContext: IdentifiedContext {
    public let base: RequestContext
    public let applicant: Applicant

    public static func narrow(_ base: RequestContext) -> ApplicantContext? {
        base.applicant.map { ApplicantContext(base: base, applicant: $0) }
    }

    public static func isGuaranteed(by access: Route.Access) -> Bool { access == .applicant || access == .applicantReadOnly }

    public subscript<T>(dynamicMember keyPath: KeyPath<RequestContext, T>) -> T { base[keyPath: keyPath] }
}

/// A handler's context behind the `.anefAccount` rule: `ctx.account` is the logged-in ANEF
/// account (sign-up finished), never nil.
@dynamicMemberLookup
public struct AnefContext: IdentifiedContext {
    public let base: RequestContext
    public let account: AnefAccount

    public static func narrow(_ base: RequestContext) -> AnefContext? {
        base.anefAccount.map { AnefContext(base: base, account: $0) }
    }

    public static func isGuaranteed(by access: Route.Access) -> Bool { access == .anefAccount }

    public subscript<T>(dynamicMember keyPath: KeyPath<RequestContext, T>) -> T { base[keyPath: keyPath] }
}

/// A public record id in a path (a document's or file's UUID): anything else is a 404.
extension UUID: PathParameter {
    public init?(pathSegment: String) {
        guard pathSegment.count == 36, let id = UUID(uuidString: pathSegment) else { return nil }
        self = id
    }
}

/// A path parameter read with one type's rules before the handler runs: a value that does not
/// parse answers 404 and the handler never sees it.
public protocol PathParameter: Sendable {
    init?(pathSegment: String)
}

/// A record id (`:id` of every route but the documents'): `RecordID`'s one spelling per record.
extension Int64: PathParameter {
    public init?(pathSegment: String) {
        guard let id = RecordID.parse(pathSegment) else { return nil }
        self = id
    }
}

/// Routes registered together under one kind of context (`Context`), and a path prefix:
/// `routes.staff("/agents/guda") { g in g.get("/personnes/:id", show) }`.
/// Every route still takes its rule from `AccessMatrix`; registering a handler of `Context`
/// under a rule that does not guarantee it stops start-up, like a route without a rule.
public struct RouteGroup<Context: IdentifiedContext> {
    let prefix: String
    var routes: Routes

    public mutating func get(_ path: String, _ handler: @escaping @Sendable (Context) throws -> Response) {
        add(.get, path, handler)
    }
    public mutating func post(_ path: String, _ handler: @escaping @Sendable (Context) throws -> Response) {
        add(.post, path, handler)
    }
    /// A route whose path names one record (`:id`): the handler gets it typed (`Int64` by `RecordID`'s rules).
    public mutating func get<P: PathParameter>(_ path: String, _ handler: @escaping @Sendable (Context, P) throws -> Response) {
        add(.get, path, handler)
    }
    public mutating func post<P: PathParameter>(_ path: String, _ handler: @escaping @Sendable (Context, P) throws -> Response) {
        add(.post, path, handler)
    }

    mutating func add(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping @Sendable (Context) throws -> Response) {
        let pattern = prefix + path
        precondition(!pattern.contains(":"), "\(method) \(pattern): a path with an :id needs a handler that takes the id")
        routes.add(
            method, pattern,
            Route(Self.checkedRule(method, pattern), context: "\(Context.self)") { base in
                try handler(try Self.narrowed(base))
            })
    }

    mutating func add<P: PathParameter>(
        _ method: HTTPRequest.Method, _ path: String,
        _ handler: @escaping @Sendable (Context, P) throws -> Response
    ) {
        let pattern = prefix + path
        precondition(
            pattern.split(separator: "/").filter { $0.hasPrefix(":") } == [":id"],
            "\(method) \(pattern): a typed handler takes exactly one :id")
        routes.add(
            method, pattern,
            Route(Self.checkedRule(method, pattern), context: "\(Context.self)") { base in
                try handler(try Self.narrowed(base), try base.pathParameter("id", as: P.self))
            })
    }

    static func checkedRule(_ method: HTTPRequest.Method, _ pattern: String) -> Route.Rule {
        let rule = AccessMatrix.rule(method, pattern)
        precondition(
            Context.isGuaranteed(by: rule.access),
            "\(method) \(pattern): its rule \(rule.access) does not guarantee a \(Context.self); register it in another group or change AccessMatrix"
        )
        return rule
    }

    /// Unreachable once `checkedRule` passed and `Authorization` ran: still an error, not a trap.
    static func narrowed(_ base: RequestContext) throws -> Context {
        guard let ctx = Context.narrow(base) else { throw HTTPError(500, "\(Context.self) missing behind its rule") }
        return ctx
    }
}

extension RequestContext {
    /// The path parameter `name` read as `P`; a value that does not parse (or none) is a 404.
    func pathParameter<P: PathParameter>(_ name: String, as: P.Type) throws -> P {
        guard let text = request.pathParameter(name), let value = P(pathSegment: text) else { throw HTTPError.notFound }
        return value
    }
}

extension Router where Route == Web.Route {
    /// Registers a handler under the access rule the matrix gives its method and path.
    mutating func add(
        _ method: HTTPRequest.Method, _ pattern: String,
        _ handler: @escaping @Sendable (RequestContext) throws -> Response
    ) {
        let rule = AccessMatrix.rule(method, pattern)
        // The documents' `:id` is a public UUID read by their owner check: a malformed one is
        // refused and recorded like an unknown one (403 to staff), not a bare 404.
        precondition(
            !pattern.contains(":") || rule.access == .documentOwner,
            "\(method) \(pattern): a path with an :id needs a handler that takes the id")
        add(method, pattern, Web.Route(rule, handler))
    }

    /// The same for a path that names one record: the handler gets the `:id` typed, and a value
    /// that does not parse answers 404 before it runs.
    mutating func add<P: PathParameter>(
        _ method: HTTPRequest.Method, _ pattern: String,
        _ handler: @escaping @Sendable (RequestContext, P) throws -> Response
    ) {
        add(
            method, pattern,
            Web.Route(AccessMatrix.rule(method, pattern)) { ctx in
                try handler(ctx, try ctx.pathParameter("id", as: P.self))
            })
    }

    /// Staff handlers: each gets a `StaffContext`; each route's rule must be a staff rule.
    mutating func staff(_ prefix: String = "", _ body: (inout RouteGroup<StaffContext>) -> Void) {
        group(prefix, body)
    }

    /// ANEF account handlers: each gets an `AnefContext`; each route's rule must be `.anefAccount`.
    mutating func anef(_ prefix: String = "", _ body: (inout RouteGroup<AnefContext>) -> Void) {
        group(prefix, body)
    }

    /// Applicant handlers: each gets an `ApplicantContext`; each route's rule must be `.applicant`
    /// (or `.applicantReadOnly`).
    mutating func applicant(_ prefix: String = "", _ body: (inout RouteGroup<ApplicantContext>) -> Void) {
        group(prefix, body)
    }

    mutating func group<C>(_ prefix: String, _ body: (inout RouteGroup<C>) -> Void) {
        var g = RouteGroup<C>(prefix: prefix, routes: self)
        body(&g)
        self = g.routes
    }
}

// Shared helpers that take the request context, for a narrowed one.
extension VaultText {
    static func day(_ d: CivilDate, _ ctx: some IdentifiedContext) -> String { day(d, ctx.base) }
}

extension FormView {
    func context(_ ctx: some IdentifiedContext) -> [String: Any] { context(ctx.base) }
}

extension Audit {
    /// Records an event for the staff member of `ctx` (see `record(_: RequestContext, …)`).
    public static func record(_ ctx: StaffContext, _ action: String, applicant: Int64? = nil, detail: String? = nil) throws {
        try record(ctx.base, action, applicant: applicant, detail: detail, db: ctx.db)
    }

    public static func record(
        _ ctx: StaffContext, _ action: String, applicant: Int64? = nil, detail: String? = nil,
        db: PGConnection
    ) throws {
        try record(ctx.base, action, applicant: applicant, detail: detail, db: db)
    }
}
