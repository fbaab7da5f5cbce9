/// An error with an HTTP status. Handlers throw it; the web layer renders it as a
/// translated page. `reason` is for the log only, never shown to the visitor.
public struct HTTPError: Error, Sendable, Equatable {
    public let status: Int
    public let reason: String

    public init(_ status: Int, _ reason: String = "") {
        self.status = status
        self.reason = reason
    }

    public static let badRequest = HTTPError(400, "bad request")
    public static let forbidden = HTTPError(403, "forbidden")
    public static let notFound = HTTPError(404, "not found")
    public static let payloadTooLarge = HTTPError(413, "payload too large")
}

public enum HTTPStatus {
    public static func reason(_ code: Int) -> String {
        switch code {
        case 200: return "OK"
        case 201: return "Created"
        case 204: return "No Content"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 303: return "See Other"
        case 304: return "Not Modified"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 409: return "Conflict"
        case 413: return "Payload Too Large"
        case 415: return "Unsupported Media Type"
        case 422: return "Unprocessable Content"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        default: return "Status \(code)"
        }
    }
}
