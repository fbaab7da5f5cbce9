import Foundation
import Mustache

/// Every page template under `Views/` (except `messages/`, which belong to the worker),
/// parsed at start-up: a missing or broken template stops the app before it serves anything.
public struct ViewLibrary: Sendable {
    public let library: MustacheLibrary
    public let names: [String]

    public struct ViewError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Pages the code renders by name; checked to exist at start-up.
    public static let required = ["layout", "home", "error", "space", "staff/login", "staff/home",
                                  "partials/field", "partials/error-summary", "partials/csrf", "partials/notices"]

    public init(directory: String) throws {
        var templates = [String: MustacheTemplate]()
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: directory) else {
            throw ViewError(description: "no Views directory at \(directory)")
        }
        while let rel = walker.nextObject() as? String {
            guard rel.hasSuffix(".mustache"), !rel.hasPrefix("messages/") else { continue }
            let name = String(rel.dropLast(".mustache".count))
            let text = try String(contentsOfFile: directory + "/" + rel, encoding: .utf8)
            do {
                templates[name] = try MustacheTemplate(string: text)
            } catch {
                throw ViewError(description: "template \(rel) does not parse: \(error)")
            }
        }
        for name in Self.required where templates[name] == nil {
            throw ViewError(description: "missing template Views/\(name).mustache")
        }
        library = MustacheLibrary(templates: templates)
        names = templates.keys.sorted()
    }

    public func render(_ name: String, _ context: [String: Any]) -> String {
        guard let html = library.render(context, withTemplate: name) else {
            // Only reachable through a programming error: names are checked at start-up.
            preconditionFailure("template \(name) not loaded")
        }
        return html
    }
}
