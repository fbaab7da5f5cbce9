import Foundation
import HTTP
import Logging
import Postgres

/// Everything shared by all server threads, loaded once and immutable afterwards.
public final class App: Sendable {
    public let config: Config
    public let catalogues: Catalogues
    public let views: ViewLibrary
    public let routes: Routes
    public let sessions: SessionStore
    public let csrf: CSRF
    public let logger: Logger

    public init(config: Config, logger: Logger = Logger(label: "app")) throws {
        // Also here, not only in fromEnvironment: a Config built in code gets the same check.
        try config.checkDemoFeatures()
        self.config = config
        self.logger = logger
        catalogues = try Catalogues(directory: config.root + "/Locales")
        let problems = catalogues.inconsistencies()
        guard problems.isEmpty else {
            throw Config.ConfigError(description: "message catalogues disagree:\n" + problems.joined(separator: "\n"))
        }
        views = try ViewLibrary(directory: config.root + "/Views", catalogues: catalogues)
        routes = RouteTable.build(environment: config.environment)
        sessions = SessionStore(idleSeconds: config.sessionIdleSeconds, absoluteSeconds: config.sessionAbsoluteSeconds)
        csrf = CSRF(secret: config.secret)
    }

    /// One handler per server thread, each with its own database connection.
    public func makeHandler() -> AppHandler {
        AppHandler(app: self, db: PGConnection(conninfo: config.databaseURL))
    }
}
