import HTTP

/// The front door: the four spaces, and the health check used by nginx, scripts and tests.
enum HomeRoutes {
    static func register(_ routes: inout Routes) {
        routes.add(.get, "/", home)
        routes.add(.get, "/healthz", health)
    }

    /// The same page for every visitor of a language (the cards are written in the template and
    /// compiled with the catalogue): only the layout's frame is filled per request.
    static func home(_ ctx: RequestContext) throws -> Response {
        // Public: never the spool (messages carry keys and codes), and no disk read per view.
        ctx.page("home", title: "home.title")
    }

    /// 200 "ok" when the database answers; the 503 page otherwise (thrown as a connection error).
    static func health(_ ctx: RequestContext) throws -> Response {
        try ctx.db.prepared("health", "SELECT 1")
        return .text("ok\n")
    }
}
