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
        /// A logged-in asylum applicant whose space is open.
        case applicant
        /// Someone who proved their connection key and must now choose a password.
        case activation
        /// Only when ASYLUM_ENV=test (hooks for the end-to-end suite).
        case testOnly
        /// Anyone may ask; the handler serves the document only to the applicant it belongs to
        /// and records every other attempt (403 for staff and logged-out visitors, 404 for others).
        case documentOwner
    }

    public let access: Access
    public let handler: @Sendable (RequestContext) throws -> Response

    public init(_ access: Access, _ handler: @escaping @Sendable (RequestContext) throws -> Response) {
        self.access = access
        self.handler = handler
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
        GudaRoutes.register(&routes)
        OfpraSpaceRoutes.register(&routes)
        OfpraFileRoutes.register(&routes)
        UsagerDocumentRoutes.register(&routes)
        FollowRoutes.register(&routes)
        JournalRoutes.register(&routes)
        OptOutRoutes.register(&routes)
        OfiiRoutes.register(&routes)
        OfpraOptOutRoutes.register(&routes)
        PostalRoutes.register(&routes)
        if environment == .test { TestRoutes.register(&routes) }
        return routes
    }
}
