import Domain
import HTTP

/// A route: who may call it (from `AccessMatrix`) and what answers.
public struct Route: Sendable {
    public enum Access: Sendable, Equatable {
        /// Anyone, logged in or not.
        case anyone
        /// A logged-in staff member holding one of these roles.
        case staff(Set<Role>)
        /// Any logged-in staff member.
        case anyStaff
        /// A logged-in asylum applicant whose space is open. While a closed space is read-only
        /// (`ClosedSpaceAccess`), its owner is refused these routes with the read-only page.
        case applicant
        /// A logged-in applicant, also while their closed space is read-only: routes that only
        /// show (never change) what is theirs.
        case applicantReadOnly
        /// Someone who proved their connection key and must now choose a password.
        case activation
        /// A logged-in ANEF account (a protected person or a family member) whose sign-up is finished.
        case anefAccount
        /// Only when ASYLUM_ENV=test (hooks for the end-to-end suite).
        case testOnly
        /// Anyone may ask; the handler serves the document only to the applicant it belongs to
        /// (also while their closed space is read-only) and records every other attempt (404 for
        /// another applicant, 403 for staff, the login with a way back for logged-out visitors).
        case documentOwner
        /// A provider's server calling back (delivery receipts): no session and no CSRF token,
        /// which only this access skips; it proves itself with the bearer token of
        /// ASYLUM_RECEIPT_TOKEN, checked before the handler runs (401 otherwise).
        case providerCallback
    }

    /// Which records a path's `:id` may name for this caller. The handler enforces it by loading
    /// the record through a query restricted to that scope (out of scope: 404, nothing changed);
    /// `AuthorizationMatrixTests` walks every route with an `:id` as an agent of the right role
    /// but the wrong site or structure.
    public enum RecordScope: String, Sendable, Equatable {
        /// The path names no record.
        case none
        /// The applicant's own records (their documents, their contact codes).
        case ownRecord
        /// SPADA/CADA/HUDA: people their structure follows today (and that person's requests).
        case followedByOwnStructure
        /// GUDA: people of the agent's site (enrolled by a SPADA of that site, or registered there).
        case ownGudaSite
        /// OFII: opt-out requests addressed to the agent's office.
        case ownOfiiOffice
        /// Prefecture instructors: ANEF requests of their prefecture's department (and their files).
        case ownPrefecture
        /// OFPRA: national, every person and request.
        case national
        /// Administrators: every record of the platform (e.g. outbox messages).
        case platform
    }

    /// One line of `AccessMatrix`: who may call the route, and on which records.
    public struct Rule: Sendable, Equatable {
        public let access: Access
        public let scope: RecordScope

        public init(_ access: Access, _ scope: RecordScope = .none) { (self.access, self.scope) = (access, scope) }

        public static let anyone = Rule(.anyone)
        public static let anyStaff = Rule(.anyStaff)
        public static let applicant = Rule(.applicant)
        public static let applicantReadOnly = Rule(.applicantReadOnly)
        public static let activation = Rule(.activation)
        public static let testOnly = Rule(.testOnly)
        public static let anefAccount = Rule(.anefAccount)
        public static let providerCallback = Rule(.providerCallback)
        public static let documentOwner = Rule(.documentOwner, .ownRecord)
        public static func staff(_ roles: Set<Role>, _ scope: RecordScope = .none) -> Rule { Rule(.staff(roles), scope) }
    }

    public let access: Access
    public let scope: RecordScope
    public let handler: @Sendable (RequestContext) throws -> Response
    /// The context type the handler was written for (`StaffContext`, `ApplicantContext`, or
    /// `RequestContext`), set by its route group; `AuthorizationMatrixTests` checks it.
    public let context: String

    public init(_ rule: Rule, context: String = "RequestContext", _ handler: @escaping @Sendable (RequestContext) throws -> Response) {
        self.access = rule.access
        self.scope = rule.scope
        self.context = context
        self.handler = handler
    }

    public init(_ access: Access, _ handler: @escaping @Sendable (RequestContext) throws -> Response) {
        self.init(Rule(access), handler)
    }
}

/// Each module adds its routes here; the order has no meaning (paths are matched exactly).
public typealias Routes = Router<Route>

public enum RouteTable {
    public static func build(environment: Config.Environment) -> Routes {
        var routes = Routes()
        HomeRoutes.register(&routes)
        StaffAuthRoutes.register(&routes)
        SpaceRoutes.register(&routes)
        MessagesRoutes.register(&routes, environment: environment)
        PersonnelRoutes.register(&routes)
        UsagerAuthRoutes.register(&routes)
        UsagerSpaceRoutes.register(&routes)
        EnrolmentRoutes.register(&routes)
        KioskContactRoutes.register(&routes)
        GudaRoutes.register(&routes)
        OfpraSpaceRoutes.register(&routes)
        OfpraFileRoutes.register(&routes)
        UsagerDocumentRoutes.register(&routes)
        UsagerLegalAidRoutes.register(&routes)
        FollowRoutes.register(&routes)
        JournalRoutes.register(&routes)
        OptOutRoutes.register(&routes)
        OfiiRoutes.register(&routes)
        OfpraOptOutRoutes.register(&routes)
        PostalRoutes.register(&routes)
        OfpraProtectionRoutes.register(&routes)
        PrefectureRoutes.register(&routes)
        AnefSpaceRoutes.register(&routes)
        AnefAccountRoutes.register(&routes)
        AnefRequestRoutes.register(&routes)
        AnefFileRoutes.register(&routes)
        VerifierRoutes.register(&routes)
        BlockageRoutes.register(&routes)
        MandateRoutes.register(&routes)
        CounterRoutes.register(&routes)
        AnefContactRoutes.register(&routes)
        ReceiptRoutes.register(&routes)
        if environment == .test { TestRoutes.register(&routes) }
        return routes
    }
}
