import HTTP

/// The front door: the four spaces, and the health check used by nginx, scripts and tests.
enum HomeRoutes {
    static func register(_ routes: inout Routes) {
        routes.add("GET", "/", home)
        routes.add("GET", "/healthz", health)
    }

    static func home(_ ctx: RequestContext) throws -> Response {
        let spaces = SpaceRoutes.spaces.map { space -> [String: Any] in
            ["href": "/" + space, "title": ctx.text("spaces.\(space).title"), "who": ctx.text("spaces.\(space).who")]
        }
        var data: [String: Any] = ["spaces": spaces]
        if ctx.app.config.environment != .production {
            // The demo shows what would have been sent, so a newcomer sees the outbox at work.
            data["demo"] = ["spool": MessagesRoutes.spoolEntries(ctx, limit: 3)]
        }
        return ctx.page("home", title: "home.title", data)
    }

    /// 200 "ok" when the database answers; the 503 page otherwise (thrown as a connection error).
    static func health(_ ctx: RequestContext) throws -> Response {
        try ctx.db.prepared("health", "SELECT 1")
        return .text("ok\n")
    }
}
