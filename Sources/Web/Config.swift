import Foundation
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

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Config {
        let root = env["ASYLUM_ROOT"] ?? FileManager.default.currentDirectoryPath
        return Config(
            databaseURL: env["ASYLUM_DATABASE_URL"] ?? "dbname=asylum",
            socketPath: env["ASYLUM_SOCKET"] ?? root + "/.run/app.sock",
            threads: Int(env["ASYLUM_THREADS"] ?? "") ?? 4,
            root: root,
            secret: try loadSecret(env),
            environment: Environment(rawValue: env["ASYLUM_ENV"] ?? "development") ?? .development,
            spoolDirectory: env["ASYLUM_SPOOL_DIR"] ?? root + "/.run/spool",
            maxBodyBytes: Int(env["ASYLUM_MAX_BODY"] ?? "") ?? 12 * 1024 * 1024,
            publicURL: env["ASYLUM_PUBLIC_URL"] ?? "http://127.0.0.1:8080")
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
