import Foundation
import HTTP
import I18n
import Logging
import Postgres
import Security

/// Everything shared by all server threads, loaded once and immutable afterwards.
public final class App: Sendable {
    public let config: Config
    public let catalogues: Catalogues
    public let views: ViewLibrary
    public let routes: Routes
    public let sessions: SessionStore
    public let csrf: CSRF
    public let logger: Logger
    public let signingKey: DocumentSigningKey

    public init(config: Config, logger: Logger = Logger(label: "app")) throws {
        // Also here, not only in fromEnvironment: a Config built in code gets the same check.
        try config.checkDemoFeatures()
        self.config = config
        self.logger = logger
        if let pem = config.signingKeyPEM {
            signingKey = try DocumentSigningKey(pemRepresentation: pem)
        } else {
            guard config.environment != .production else { throw Config.ConfigError(description: "no signing key in production") }
            signingKey = DocumentSigningKey.generate()
            logger.notice("attestations signed with a key made at start-up (set ASYLUM_SIGNING_KEY_FILE to keep one)")
        }
        // A reviewed language missing a text stops here; a beta one shows French in its place.
        catalogues = try Catalogues(directory: config.root + "/Locales")
        for language in Language.all where language.isBeta {
            let missing = catalogues[language].fallbackKeys.count
            if missing > 0 {
                logger.notice("beta language shows French texts", metadata: ["lang": "\(language.code)", "texts": "\(missing)"])
            }
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
