import Foundation

public struct CatalogueError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The texts of one language, from `Locales/<code>.json`: nested i18next JSON (v4), the format
/// Weblate reads as "i18next JSON file v4". Placeholders are `{{name}}`; a text that depends on a
/// number has one key per CLDR category (`days_left_one`, `days_left_few`…), read with
/// `text(_:count:)`. Templates read texts as `{{t.section.key}}`; code with `text(_:)`.
///
/// A beta language's missing texts are the French ones (`fallbackKeys` says which), so it can
/// ship before it is complete; a reviewed language must have every text.
public struct Catalogue: @unchecked Sendable {
    // Immutable after loading; `Any` only because Mustache renders plain dictionaries.
    public let language: Language
    /// Every text the pages can show in this language, French where the language lacks one.
    public let flat: [String: String]
    /// `flat` as nested sections (Mustache contexts).
    public let tree: [String: Any]
    /// The texts the file itself has.
    public let own: [String: String]
    /// Keys whose text is French because this language has none (empty for French).
    public let fallbackKeys: Set<String>
    /// The French texts and rule, for a plural this language lacks.
    private let french: (texts: [String: String], rule: PluralRule)?

    /// The reference catalogue (French), or any catalogue read without fallback.
    public init(language: Language, json: Data) throws {
        try self.init(language: language, json: json, fallback: nil)
    }

    /// `fallback` is the French catalogue; every other language is read over it.
    public init(language: Language, json: Data, fallback: Catalogue?) throws {
        guard let tree = try JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw CatalogueError("catalogue \(language.code) is not a JSON object")
        }
        var own = [String: String]()
        try Self.flatten(tree, prefix: "", into: &own, language: language.code)
        self.language = language
        self.own = own
        guard let fallback else {
            flat = own
            self.tree = tree
            fallbackKeys = []
            french = nil
            return
        }
        french = (fallback.own, fallback.language.plural)
        let pluralBases = fallback.pluralBases
        var merged = own
        var missing = Set<String>()
        for (key, text) in fallback.own where own[key]?.isEmpty ?? true {
            // A plural is looked up through the language's own rule, then French as a whole.
            if Self.pluralBase(key, in: pluralBases) != nil { continue }
            merged[key] = text
            missing.insert(key)
        }
        for base in pluralBases {
            let forms = language.plural.categories.map { "\(base)_\($0.rawValue)" }
            for form in forms where own[form]?.isEmpty ?? true { missing.insert(form) }
        }
        if language.status == .reviewed, !missing.isEmpty {
            throw CatalogueError(
                "catalogue \(language.code) is marked reviewed but lacks \(missing.count) texts, e.g. \(missing.sorted().prefix(5).joined(separator: ", "))"
            )
        }
        flat = merged
        fallbackKeys = missing
        self.tree = Self.nest(merged)
    }

    /// The message for `key`, with `{{name}}` placeholders filled. A missing key shows the key
    /// itself (and `make i18n-check` fails), never an empty string.
    public func text(_ key: String, _ args: [String: String] = [:]) -> String {
        guard let s = flat[key] else { return key }
        return Self.format(s, args)
    }

    /// The form of `key` for `count` in this language (`count` is also the `{{count}}`
    /// placeholder). Without that form, the language's `other`; without any, French's.
    public func text(_ key: String, count: Int, _ args: [String: String] = [:]) -> String {
        var args = args
        args["count"] = String(count)
        let category = language.plural.category(count)
        if let s = own["\(key)_\(category.rawValue)"] ?? own["\(key)_other"], !s.isEmpty { return Self.format(s, args) }
        if let french, let s = french.texts["\(key)_\(french.rule.category(count).rawValue)"] ?? french.texts["\(key)_other"] {
            return Self.format(s, args)
        }
        return key
    }

    /// Whether the page's text for `key` is this language's own (not the French fallback).
    public func isTranslated(_ key: String) -> Bool { !fallbackKeys.contains(key) }

    /// Keys `x` of the catalogue's plurals: those with an `x_other` form.
    public var pluralBases: Set<String> {
        Set(own.keys.compactMap { $0.hasSuffix("_other") ? String($0.dropLast("_other".count)) : nil })
    }

    /// The plural key `key` is a form of, if any.
    public static func pluralBase(_ key: String, in bases: Set<String>) -> String? {
        guard let underscore = key.lastIndex(of: "_") else { return nil }
        let base = String(key[..<underscore])
        let suffix = key[key.index(after: underscore)...]
        guard PluralCategory(rawValue: String(suffix)) != nil, bases.contains(base) else { return nil }
        return base
    }

    /// One pass over the message: an argument's value is copied as it is, so a value that
    /// holds `{{code}}` (a name someone typed) is never replaced by another argument. A
    /// `{{name}}` with no argument, or a lone brace, stays as written.
    public static func format(_ message: String, _ args: [String: String]) -> String {
        guard !args.isEmpty, message.contains("{{") else { return message }
        var out = ""
        var rest = message[...]
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            let inside = rest[open.upperBound...]
            guard let close = inside.range(of: "}}"),
                case let name = inside[..<close.lowerBound].trimmingCharacters(in: .whitespaces),
                !name.contains("{"), let value = args[name]
            else {
                out += "{{"
                rest = inside
                continue
            }
            out += value
            rest = inside[close.upperBound...]
        }
        return out + rest
    }

    /// The placeholder names a text uses (`make i18n-check` compares them with French).
    public static func placeholders(_ message: String) -> Set<String> {
        var names = Set<String>()
        var rest = message[...]
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            names.insert(rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        return names
    }

    static func flatten(_ node: [String: Any], prefix: String, into out: inout [String: String], language: String) throws {
        for (k, v) in node {
            let key = prefix.isEmpty ? k : prefix + "." + k
            if let s = v as? String {
                out[key] = s
            } else if let d = v as? [String: Any] {
                try flatten(d, prefix: key, into: &out, language: language)
            } else {
                throw CatalogueError("catalogue \(language): \(key) is neither text nor a section")
            }
        }
    }

    static func nest(_ flat: [String: String]) -> [String: Any] {
        final class Node {
            var texts = [String: String]()
            var children = [String: Node]()
            func dictionary() -> [String: Any] {
                var d = [String: Any]()
                for (k, v) in texts { d[k] = v }
                for (k, c) in children { d[k] = c.dictionary() }
                return d
            }
        }
        let root = Node()
        for (key, text) in flat {
            let parts = key.split(separator: ".").map(String.init)
            var node = root
            for part in parts.dropLast() {
                if let next = node.children[part] {
                    node = next
                } else {
                    let next = Node()
                    node.children[part] = next
                    node = next
                }
            }
            node.texts[parts.last ?? key] = text
        }
        return root.dictionary()
    }
}

/// Every language's catalogue, loaded and checked at start-up.
public struct Catalogues: Sendable {
    public let byCode: [String: Catalogue]

    public init(directory: String) throws {
        func read(_ language: Language) throws -> Data {
            let path = directory + "/\(language.code).json"
            guard let data = FileManager.default.contents(atPath: path) else { throw CatalogueError("missing catalogue \(path)") }
            return data
        }
        let french = try Catalogue(language: .french, json: read(.french))
        var out = ["fr": french]
        for language in Language.all where language != .french {
            out[language.code] = try Catalogue(language: language, json: read(language), fallback: french)
        }
        byCode = out
    }

    /// Catalogues built in code (tests of the template compiler).
    public init(_ byCode: [String: Catalogue]) {
        self.byCode = byCode
    }

    public subscript(_ language: Language) -> Catalogue { byCode[language.code] ?? byCode["fr"]! }
}
