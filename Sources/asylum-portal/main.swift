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
        var config = try Config.fromEnvironment()
        if let socket { config.socketPath = socket }
        if let threads { config.threads = threads }
        // Loads catalogues and templates now: a broken one stops us before serving anything.
        let app = try App(config: config)
        var server = FastCGIServer.Configuration(socketPath: config.socketPath, threads: config.threads)
        server.maxBodyBytes = config.maxBodyBytes
        try FastCGIServer(configuration: server).run { app.makeHandler() }
    }
}

Portal.main()
