import ArgumentParser
import Foundation
import I18n
import Web

/// `make i18n-check`: per language, what is missing, not in French or still French; fails on
/// unused or unknown keys, undeclared run-time keys, differing placeholders, and any gap in a
/// reviewed language.
struct I18nCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "i18n-check", abstract: "Check the catalogues in Locales/ against Views/ and Sources/.")

    @Option(help: "Project root (default: the current directory).")
    var root: String = FileManager.default.currentDirectoryPath

    func run() throws {
        let catalogues = try Catalogues(directory: root + "/Locales")
        let scan = try CatalogueKeyScanner.scan(views: root + "/Views", sources: root + "/Sources/Web")
        let audit = CatalogueAudit(
            catalogues: catalogues, literalKeys: scan.literals, interpolations: scan.interpolations, families: RuntimeKeys.families)
        print(audit.text)
        if !audit.failures.isEmpty { throw ExitCode.failure }
    }
}

/// The registry as JSON, for the browser tests and scripts (one list of languages everywhere).
struct Languages: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the language registry as JSON.")

    func run() throws {
        let entries = Language.all.map { l -> [String: Any] in
            [
                "code": l.code, "name": l.nativeName, "english": l.englishName, "dir": l.dir, "status": l.status.rawValue,
                "plural": l.plural.categories.map(\.rawValue), "digits": l.inputDigits.map(\.digits),
            ]
        }
        let data = try JSONSerialization.data(withJSONObject: entries, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
