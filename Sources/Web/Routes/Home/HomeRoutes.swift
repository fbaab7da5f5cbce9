import HTTP

/// The front door: the four spaces, and the health check used by nginx, scripts and tests.
enum HomeRoutes {
    static func register(_ routes: inout Routes) {
        routes.add(.get, "/", home)
        routes.add(.get, "/healthz", health)
    }

    static func home(_ ctx: RequestContext) throws -> Response {
        let spaces = SpaceRoutes.spaces.map { space -> [String: Any] in
            ["href": "/" + space, "title": ctx.text("spaces.\(space).title"), "who": ctx.text("spaces.\(space).who")]
        }
        // Public: never the spool (messages carry keys and codes), and no disk read per view.
        return ctx.page("home", title: "home.title", ["spaces": spaces])
    }

    /// 200 "ok" when the database answers; the 503 page otherwise (thrown as a connection error).
    static func health(_ ctx: RequestContext) throws -> Response {
        try ctx.db.prepared("health", "SELECT 1")
        return .text("ok\n")
    }
}
