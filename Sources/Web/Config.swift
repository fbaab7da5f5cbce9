import Domain
import Foundation
import Outbox
import Security

/// Settings read once at start-up from the environment (see README for the list).
public struct Config: Sendable {
    public enum Environment: String, Sendable { case development, test, production }

    public var databaseURL: String
    public var socketPath: String
    public var threads: Int
    public var root: String
    public var secret: [UInt8]
    public var environment: Environment
    public var spoolDirectory: String
    public var maxBodyBytes: Int
    /// The address people type to reach the service (printed on notices, put in messages).
    public var publicURL: String = "http://127.0.0.1:8080"
    /// Idle and absolute session lifetimes (a shared kiosk must not stay logged in).
    public var sessionIdleSeconds: Int = 30 * 60
    public var sessionAbsoluteSeconds: Int = 12 * 3600
    /// ASYLUM_DEMO_MESSAGES=1: the administrator's demo viewer of spooled messages (keys included).
    public var demoMessages: Bool = false
    /// The private key that signs attestations' 2D-Doc barcodes (PEM, from ASYLUM_SIGNING_KEY_FILE).
    /// Required in production; elsewhere a key made at start-up stands in (its documents stop
    /// verifying at the next restart, which is fine for a throw-away stack).
    public var signingKeyPEM: String?
    /// ASYLUM_RECEIPT_TOKEN: what providers' delivery receipts present (bearer) at
    /// POST /api/accuses-de-reception; nil refuses them all. See `ReceiptRoutes`.
    public var receiptToken: String?
    /// The clock of legal rules (notification, deadlines, escalation): the system's, or in the
    /// test environment only, `TestClock` (ASYLUM_TEST_CLOCK_FILE; refused elsewhere).
    public var legalClock: any LegalClock = SystemClock()
    /// Days a closed space stays readable after the closure or the last decision's
    /// notification, whichever is later (ASYLUM_CLOSED_ACCESS_DAYS, see `ClosedSpaceAccess`).
    public var closedAccessDays: Int = ClosedSpaceAccess.defaultDays

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Config {
        let root = env["ASYLUM_ROOT"] ?? FileManager.default.currentDirectoryPath
        var config = Config(
            databaseURL: env["ASYLUM_DATABASE_URL"] ?? "dbname=asylum",
            socketPath: env["ASYLUM_SOCKET"] ?? root + "/.run/app.sock",
            threads: Int(env["ASYLUM_THREADS"] ?? "") ?? 4,
            root: root,
            secret: try loadSecret(env),
            environment: Environment(rawValue: env["ASYLUM_ENV"] ?? "development") ?? .development,
            spoolDirectory: env["ASYLUM_SPOOL_DIR"] ?? root + "/.run/spool",
            maxBodyBytes: Int(env["ASYLUM_MAX_BODY"] ?? "") ?? 12 * 1024 * 1024,
            publicURL: env["ASYLUM_PUBLIC_URL"] ?? "http://127.0.0.1:8080")
        config.demoMessages = try flag(env, "ASYLUM_DEMO_MESSAGES")
        if let days = env["ASYLUM_CLOSED_ACCESS_DAYS"] {
            guard let n = Int(days), n > 0 else {
                throw ConfigError(description: "ASYLUM_CLOSED_ACCESS_DAYS must be a positive number of days, not \(days)")
            }
            config.closedAccessDays = n
        }
        if let file = env["ASYLUM_SIGNING_KEY_FILE"] {
            guard let pem = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ConfigError(description: "cannot read ASYLUM_SIGNING_KEY_FILE \(file)")
            }
            config.signingKeyPEM = pem
        } else if config.environment == .production {
            throw ConfigError(description: "set ASYLUM_SIGNING_KEY_FILE (asylum-admin signing-key writes one)")
        }
        do {
            config.legalClock = try TestClock.from(env, environment: config.environment.rawValue)
        } catch let refused as TestClock.Refused {
            throw ConfigError(description: refused.description)
        }
        config.receiptToken = try receiptToken(env, environment: config.environment)
        try config.checkDemoFeatures()
        return config
    }

    /// Demo features show keys and codes: only on a machine nobody else can reach.
    public func checkDemoFeatures() throws {
        guard demoMessages else { return }
        if environment == .production {
            throw ConfigError(description: "ASYLUM_DEMO_MESSAGES=1 is refused with ASYLUM_ENV=production")
        }
        if !Self.isLoopback(url: publicURL) {
            throw ConfigError(
                description:
                    "ASYLUM_DEMO_MESSAGES=1 is refused: ASYLUM_PUBLIC_URL \(publicURL) is not a loopback address (127.0.0.0/8, ::1, localhost)"
            )
        }
    }

    /// True when the URL's host is localhost, ::1 or in 127.0.0.0/8.
    public static func isLoopback(url: String) -> Bool {
        guard let host = URLComponents(string: url)?.host?.lowercased(), !host.isEmpty else { return false }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare == "localhost" || bare == "::1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { o in o.count <= 3 && o.allSatisfy { $0.isASCII && $0.isNumber } && (Int(o) ?? 256) <= 255 }
    }

    /// "1"/"true"/"yes" or "0"/"false"/"no"/unset; anything else is a typo worth stopping for.
    static func flag(_ env: [String: String], _ name: String) throws -> Bool {
        switch env[name]?.lowercased() {
        case nil, "", "0", "false", "no": return false
        case "1", "true", "yes": return true
        case let other?: throw ConfigError(description: "\(name) must be 1 or 0, not \(other)")
        }
    }

    public struct ConfigError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The server secret keys CSRF tokens. It must be random and stable across restarts.
    static func loadSecret(_ env: [String: String]) throws -> [UInt8] {
        var text = env["ASYLUM_SECRET"]
        if text == nil, let file = env["ASYLUM_SECRET_FILE"] {
            text = try? String(contentsOfFile: file, encoding: .utf8)
            if text == nil { throw ConfigError(description: "cannot read ASYLUM_SECRET_FILE \(file)") }
        }
        guard let hex = text?.trimmingCharacters(in: .whitespacesAndNewlines) else {
            throw ConfigError(description: "set ASYLUM_SECRET_FILE (a file with 64 hex characters)")
        }
        guard let bytes = Hex.decode(hex), bytes.count >= 32 else {
            throw ConfigError(description: "the secret must be at least 64 hex characters")
        }
        return bytes
    }
}
