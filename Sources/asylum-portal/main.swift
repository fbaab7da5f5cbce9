import ArgumentParser
import Foundation
import HTTP
import Logging
import Web

/// The FastCGI application: nginx passes every non-static request to its unix socket.
struct Portal: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asylum-portal",
        abstract: "AsylumPortal FastCGI application (settings come from ASYLUM_* environment variables).")

    @Option(help: "Unix socket to listen on (default: ASYLUM_SOCKET).")
    var socket: String?

    @Option(help: "Number of request threads (default: ASYLUM_THREADS or 4).")
    var threads: Int?

    func run() throws {
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["ASYLUM_LOG_LEVEL"] ?? "info") ?? .info
            return h
        }
        let app: App
        do {
            var config = try Config.fromEnvironment()
            if let socket { config.socketPath = socket }
            if let threads { config.threads = threads }
            // Loads catalogues and templates now: a broken one stops us before serving anything.
            app = try App(config: config)
        } catch let error as Config.ConfigError {
            // One clear line in app.log; EX_CONFIG (78) tells a configuration error from a crash.
            Logger(label: "asylum-portal").critical("refusing to start: \(error.description)")
            throw ExitCode(78)
        }
        let config = app.config
        var server = FastCGIServer.Configuration(socketPath: config.socketPath, threads: config.threads)
        server.maxBodyBytes = config.maxBodyBytes
        try FastCGIServer(configuration: server).run { app.makeHandler() }
    }
}

Portal.main()
