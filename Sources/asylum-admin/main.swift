import ArgumentParser
import Logging

/// Administration commands: schema migrations, demo data, staff accounts.
struct Admin: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asylum-admin",
        abstract: "AsylumPortal administration (database from ASYLUM_DATABASE_URL).",
        subcommands: [Migrate.self, SeedDemo.self, CreateStaff.self, I18nCheck.self, Languages.self, SigningKey.self])
}

LoggingSystem.bootstrap(StreamLogHandler.standardError)
Admin.main()
