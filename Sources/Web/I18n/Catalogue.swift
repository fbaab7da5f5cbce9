import Foundation

/// The messages of one language, loaded from `Locales/<code>.json` (nested objects).
/// Templates read them as `{{t.section.key}}`; code reads them with `text(_:)`.
public struct Catalogue: @unchecked Sendable {
    // Immutable after loading; `Any` only because Mustache renders plain dictionaries.
    public let language: Language
    public let tree: [String: Any]
    public let flat: [String: String]

    public init(language: Language, json: Data) throws {
        guard let tree = try JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw Config.ConfigError(description: "catalogue \(language.code) is not a JSON object")
        }
        self.language = language
        self.tree = tree
        var flat = [String: String]()
        try Self.flatten(tree, prefix: "", into: &flat, language: language.code)
        self.flat = flat
    }

    /// The message for `key`, with `{name}` placeholders filled. A missing key shows the key
    /// itself (and the catalogue test fails), never an empty string.
    public func text(_ key: String, _ args: [String: String] = [:]) -> String {
        guard let s = flat[key] else { return key }
        return Self.format(s, args)
    }

    /// One pass over the message: an argument's value is copied as it is, so a value that
    /// holds `{code}` (a name someone typed) is never replaced by another argument. A `{name}`
    /// with no argument, or a lone brace, stays as written.
    static func format(_ message: String, _ args: [String: String]) -> String {
        guard !args.isEmpty else { return message }
        var out = ""
        var rest = message[...]
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(where: { $0 == "}" || $0 == "{" }), rest[close] == "}",
                let value = args[String(rest[afterOpen..<close])]
            else {
                out.append("{")
                rest = rest[afterOpen...]
                continue
            }
            out += value
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    static func flatten(_ node: [String: Any], prefix: String, into out: inout [String: String], language: String) throws {
        for (k, v) in node {
            let key = prefix.isEmpty ? k : prefix + "." + k
            if let s = v as? String {
                out[key] = s
            } else if let d = v as? [String: Any] {
                try flatten(d, prefix: key, into: &out, language: language)
            } else {
                throw Config.ConfigError(description: "catalogue \(language): \(key) is neither text nor a section")
            }
        }
    }
}

/// All catalogues, loaded and checked at start-up.
public struct Catalogues: Sendable {
    public let byCode: [String: Catalogue]

    public init(directory: String) throws {
        var out = [String: Catalogue]()
        for lang in Language.supported {
            let path = directory + "/\(lang.code).json"
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Config.ConfigError(description: "missing catalogue \(path)")
            }
            out[lang.code] = try Catalogue(language: lang, json: data)
        }
        byCode = out
    }

    /// Catalogues built in code (tests of the template compiler).
    init(_ byCode: [String: Catalogue]) {
        self.byCode = byCode
    }

    public subscript(_ language: Language) -> Catalogue { byCode[language.code]! }

    /// Keys present in the reference (French) catalogue but missing elsewhere, and the reverse.
    public func inconsistencies() -> [String] {
        let reference = Set(byCode["fr"]!.flat.keys)
        var problems = [String]()
        for (code, cat) in byCode.sorted(by: { $0.key < $1.key }) where code != "fr" {
            let keys = Set(cat.flat.keys)
            for k in reference.subtracting(keys).sorted() { problems.append("\(code): missing \(k)") }
            for k in keys.subtracting(reference).sorted() { problems.append("\(code): extra \(k)") }
            for (k, v) in cat.flat where v.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("\(code): empty \(k)") }
        }
        return problems
    }
}
