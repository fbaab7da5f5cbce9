/// What the server calls for each request. One instance per server thread, created on that
/// thread, so it may own non-thread-safe state such as a database connection.
public protocol RequestHandler: AnyObject {
    func handle(_ request: Request) -> Response
    /// For errors found before routing (body too large, unreadable request): render a page.
    func handleError(_ error: HTTPError, for request: Request) -> Response
}
