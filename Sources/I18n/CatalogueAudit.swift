import Foundation

/// `make i18n-check`: what each language lacks, what nobody uses, and what is still French.
///
/// Keys are "used" when a template or the code names them literally, or when they belong to a
/// family the code builds at run time (`roles.\(role)`): families are declared by the web
/// layer (`RuntimeKeys`) and every interpolated key in the code must match one, so a key built
/// from a value can never hide from the check.
public struct CatalogueAudit: Sendable {
    /// A key the code builds from a value: `prefix` + value + `suffix`. `values: nil` means the
    /// value comes from outside the code (a query parameter, a stored action): every key of the
    /// French catalogue under `prefix` counts as used.
    public struct Family: Sendable {
        public let prefix: String
        public let suffix: String
        public let values: [String]?

        public init(_ prefix: String, _ values: [String]?, suffix: String = "") {
            self.prefix = prefix
            self.values = values
            self.suffix = suffix
        }

        /// How the family looks in source: `"roles.\(` … `)"`.
        public var pattern: String { prefix + "{}" + suffix }
    }

    public struct LanguageReport: Sendable {
        public let language: Language
        /// Used or French keys this language lacks (plural forms of its own rule included).
        public let missing: [String]
        /// Keys this language has that French does not.
        public let extra: [String]
        /// Texts identical to the French ones (legal names aside, likely untranslated).
        public let untranslated: [String]
        /// Texts whose `{{placeholders}}` differ from the French text's.
        public let placeholderMismatches: [String]
    }

    public let languages: [LanguageReport]
    /// French keys no template, code or family uses.
    public let unused: [String]
    /// Keys the code or templates use that French lacks.
    public let unknown: [String]
    /// Interpolated keys in the code that no declared family describes.
    public let undeclaredFamilies: [String]

    /// Errors that fail the check: anything unknown or undeclared, anything a reviewed
    /// language lacks or gets wrong, any unused key, and placeholders that differ anywhere.
    public var failures: [String] {
        var out = unknown.map { "used but not in fr.json: \($0)" }
        out += undeclaredFamilies.map { "key built at run time without a declared family (RuntimeKeys): \($0)" }
        out += unused.map { "unused: \($0)" }
        for report in languages {
            let code = report.language.code
            out += report.placeholderMismatches.map { "\(code): placeholders differ from French in \($0)" }
            guard report.language.status == .reviewed else { continue }
            out += report.missing.map { "\(code) (reviewed): missing \($0)" }
            out += report.extra.map { "\(code) (reviewed): not in French \($0)" }
        }
        return out
    }

    public init(catalogues: Catalogues, literalKeys: Set<String>, interpolations: Set<String>, families: [Family]) {
        let french = catalogues[.french].own
        let bases = catalogues[.french].pluralBases
        var used = Set<String>()
        let prefixes = Set(families.map(\.prefix))
        for key in literalKeys.subtracting(prefixes) {
            if bases.contains(key) {
                used.formUnion(french.keys.filter { Catalogue.pluralBase($0, in: bases) == key })
            } else {
                used.insert(key)
            }
        }
        for family in families {
            if let values = family.values {
                used.formUnion(values.map { family.prefix + $0 + family.suffix })
            } else {
                used.formUnion(french.keys.filter { $0.hasPrefix(family.prefix) && $0.hasSuffix(family.suffix) })
            }
        }
        // An open family (values from outside) covers any key built under its prefix.
        undeclaredFamilies = interpolations.filter { built in
            !families.contains { $0.pattern == built || ($0.values == nil && built.hasPrefix($0.prefix + "{}")) }
        }.sorted()
        // A dotted literal is a key when it starts with a catalogue section ("usager.…"), not
        // when it is a file or host name ("app.css").
        let sections = Set(french.keys.compactMap { $0.split(separator: ".").first.map(String.init) })
        let fileTypes: Set<Substring> = ["css", "js", "json", "svg", "pdf", "html", "sql", "ics"]
        unknown = used.filter { key in
            french[key] == nil && !bases.contains(key) && sections.contains(String(key.prefix { $0 != "." }))
                && !fileTypes.contains(key.split(separator: ".").last ?? "")
        }.sorted()
        unused = french.keys.filter { !used.contains($0) && Catalogue.pluralBase($0, in: bases).map(used.contains) != true }.sorted()

        languages = Language.all.filter { $0 != .french }.map { language in
            let catalogue = catalogues[language]
            let own = catalogue.own
            var missing = [String]()
            for key in french.keys where Catalogue.pluralBase(key, in: bases) == nil && (own[key]?.isEmpty ?? true) {
                missing.append(key)
            }
            for base in bases {
                for category in language.plural.categories where own["\(base)_\(category.rawValue)"]?.isEmpty ?? true {
                    missing.append("\(base)_\(category.rawValue)")
                }
            }
            let extra = own.keys.filter { key in
                french[key] == nil && Catalogue.pluralBase(key, in: bases) == nil
            }
            let untranslated = own.filter { key, text in
                french[key] == text && text.contains(where: \.isLowercase)
            }.map(\.key)
            let mismatches = own.compactMap { key, text -> String? in
                let reference: String?
                if let base = Catalogue.pluralBase(key, in: bases) {
                    // A form may leave {{count}} out ("one day"), never add an unknown name.
                    reference = french["\(base)_other"]
                    guard let reference else { return nil }
                    return Catalogue.placeholders(text).subtracting(["count"]).isSubset(of: Catalogue.placeholders(reference)) ? nil : key
                }
                reference = french[key]
                guard let reference else { return nil }
                return Catalogue.placeholders(text) == Catalogue.placeholders(reference) ? nil : key
            }
            return LanguageReport(
                language: language, missing: missing.sorted(), extra: extra.sorted(), untranslated: untranslated.sorted(),
                placeholderMismatches: mismatches.sorted())
        }
    }

    /// The report `make i18n-check` prints: a line per language, then every failure.
    public var text: String {
        var lines = ["unused keys: \(unused.count)"]
        for r in languages {
            lines.append(
                "\(r.language.code) (\(r.language.status.rawValue)): \(r.missing.count) missing, \(r.extra.count) not in French, \(r.untranslated.count) same as French"
            )
            if r.language.isBeta { lines += r.missing.prefix(20).map { "  \(r.language.code) shows French for \($0)" } }
        }
        let failures = failures
        lines.append(failures.isEmpty ? "i18n-check: OK" : "i18n-check: \(failures.count) problems")
        lines += failures.map { "  " + $0 }
        return lines.joined(separator: "\n")
    }
}

/// Finds the keys templates and code name: `{{t.key}}` in `Views/`, string literals that look
/// like keys in Swift, and interpolated keys (`"roles.\(x)"`) as patterns (`roles.{}`).
public enum CatalogueKeyScanner {
    public static func scan(views: String, sources: String) throws -> (literals: Set<String>, interpolations: Set<String>) {
        var literals = Set<String>()
        var interpolations = Set<String>()
        let tag = try NSRegularExpression(pattern: #"\{\{\{?[&#^/]?\s*t\.([A-Za-z0-9_.]+)\s*\}?\}\}"#)
        for text in try files(under: views, suffix: ".mustache") {
            for m in tag.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                literals.insert(String(text[Range(m.range(at: 1), in: text)!]))
            }
        }
        let literal = try NSRegularExpression(pattern: #""([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)""#)
        let interpolated = try NSRegularExpression(pattern: #""([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*[._])\\\([^"]*?\)([a-z0-9_.]*)""#)
        for text in try files(under: sources, suffix: ".swift") {
            for m in literal.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                literals.insert(String(text[Range(m.range(at: 1), in: text)!]))
            }
            for m in interpolated.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let prefix = String(text[Range(m.range(at: 1), in: text)!])
                let suffix = String(text[Range(m.range(at: 2), in: text)!])
                interpolations.insert(prefix + "{}" + suffix)
            }
        }
        return (literals, interpolations)
    }

    static func files(under dir: String, suffix: String) throws -> [String] {
        let dir = URL(fileURLWithPath: dir).resolvingSymlinksInPath().path
        guard let walker = FileManager.default.enumerator(atPath: dir) else { return [] }
        var out = [String]()
        while let rel = walker.nextObject() as? String {
            guard rel.hasSuffix(suffix) else { continue }
            out.append(try String(contentsOfFile: dir + "/" + rel, encoding: .utf8))
        }
        return out
    }
}
