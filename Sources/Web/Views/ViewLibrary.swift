import Foundation
import I18n
import Mustache

/// Every page template under `Views/` (except `messages/`, which belong to the worker),
/// parsed at start-up once per language: a missing or broken template stops the app before it
/// serves anything.
///
/// Translated text is put in place when templates are loaded, not looked up per request:
/// `{{t.section.key}}` becomes the catalogue's text, HTML-escaped, and `{{{t.section.key}}}`
/// (or `{{&t.section.key}}`) the raw text. A key the catalogue lacks, a section over `t`, or a
/// catalogue text that would read as Mustache once in the template stops the start-up.
public struct ViewLibrary: Sendable {
    public let names: [String]
    /// The templates as written, by name (the escaping test reads their slots).
    public let sources: [String: String]
    let libraries: [String: MustacheLibrary]
    /// The compiled text, by language code then name: what is left for the request.
    let compiled: [String: [String: String]]

    public struct ViewError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Pages the code renders by name; checked to exist at start-up.
    public static let required = [
        "layout", "home", "error", "space", "staff/login", "staff/home",
        "partials/field", "partials/error-summary", "partials/csrf", "partials/notices",
    ]

    public init(directory: String, catalogues: Catalogues) throws {
        var sources = [String: String]()
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: directory) else {
            throw ViewError(description: "no Views directory at \(directory)")
        }
        while let rel = walker.nextObject() as? String {
            guard rel.hasSuffix(".mustache"), !rel.hasPrefix("messages/") else { continue }
            let name = String(rel.dropLast(".mustache".count))
            sources[name] = try String(contentsOfFile: directory + "/" + rel, encoding: .utf8)
        }
        try self.init(sources: sources, catalogues: catalogues)
    }

    /// Templates given as text, by name (tests build libraries with altered templates).
    init(sources: [String: String], catalogues: Catalogues) throws {
        _ = PageHTML.registered
        var libraries = [String: MustacheLibrary]()
        var compiledByLanguage = [String: [String: String]]()
        for language in Language.supported {
            let catalogue = catalogues[language]
            var templates = [String: MustacheTemplate]()
            for (name, text) in sources {
                let compiled = try Self.compile(text, name: name, catalogue: catalogue)
                compiledByLanguage[language.code, default: [:]][name] = compiled
                do {
                    templates[name] = try MustacheTemplate(string: compiled)
                } catch {
                    throw ViewError(description: "template \(name).mustache does not parse (\(language.code)): \(error)")
                }
            }
            libraries[language.code] = MustacheLibrary(templates: templates)
        }
        for name in Self.required where sources[name] == nil {
            throw ViewError(description: "missing template Views/\(name).mustache")
        }
        self.sources = sources
        self.libraries = libraries
        compiled = compiledByLanguage
        names = sources.keys.sorted()
    }

    /// `context` is a dictionary or a `PageContext`.
    public func render(_ name: String, _ context: Any, language: Language = .french) -> String {
        guard let html = libraries[language.code]?.render(context, withTemplate: name) else {
            // Only reachable through a programming error: names are checked at start-up.
            preconditionFailure("template \(name) not loaded")
        }
        return html
    }

    // MARK: compiling the catalogue into the templates

    /// The template `text` for `catalogue`'s language, with what is the same for every request
    /// of that language put in place: every `t.…` tag (the catalogue's text), `lang.code` and
    /// `lang.dir`, and a `{{#languages}}…{{/languages}}` section (the switcher) written out
    /// once per supported language, its `code`, `name` and `{{#current}}` resolved. Values are
    /// escaped as the tag says; everything else stays for the request.
    static func compile(_ text: String, name: String, catalogue: Catalogue) throws -> String {
        var pieces = try MustacheTags.split(text, name: name)
        trimStandalone(&pieces) { compileTimeSections.contains($0.name) && [.section, .inverted, .close].contains($0.kind) }
        // Values escaped by our own escaper (same output, one pass over the bytes); a pragma
        // on its own line is standalone, so it adds no text.
        var out = "{{%CONTENT_TYPE:\(PageHTML.name)}}\n"
        out.reserveCapacity(text.utf8.count * 2)
        try emit(pieces[...], name: name, catalogue: catalogue, entry: nil, into: &out)
        return out
    }

    /// Sections resolved when the template is compiled: the switcher, its current entry, and
    /// `lang.beta` (the page's language is not reviewed yet: its notice that French prevails).
    static let compileTimeSections: Set<String> = ["languages", "current", "lang.beta"]

    /// Compile-time values of the page's language and, inside the switcher, of one entry.
    static func constant(_ tagName: String, catalogue: Catalogue, entry: Language?) -> String? {
        let language = catalogue.language
        switch (tagName, entry) {
        case ("lang.code", _): return language.code
        case ("lang.dir", _): return language.dir
        case ("code", let e?): return e.code
        case ("name", let e?): return e.nativeName
        default: return nil
        }
    }

    static func emit(_ pieces: ArraySlice<Piece>, name: String, catalogue: Catalogue, entry: Language?, into out: inout String) throws {
        var i = pieces.startIndex
        while i < pieces.endIndex {
            let piece = pieces[i]
            i += 1
            guard case .tag(let tag) = piece else {
                if case .text(let s) = piece { out += s }
                continue
            }
            let switcher = entry == nil && tag.kind == .section && tag.name == "languages"
            let conditional = tag.kind == .section || tag.kind == .inverted
            let current = entry != nil && conditional && tag.name == "current"
            let beta = conditional && tag.name == "lang.beta"
            if switcher || current || beta {
                let close = try matchingClose(pieces, from: i, tag: tag, template: name)
                let body = pieces[i..<close]
                i = close + 1
                if switcher {
                    for language in Language.supported {
                        try emit(body, name: name, catalogue: catalogue, entry: language, into: &out)
                    }
                } else if beta {
                    if catalogue.language.isBeta == (tag.kind == .section) {
                        try emit(body, name: name, catalogue: catalogue, entry: entry, into: &out)
                    }
                } else if (entry == catalogue.language) == (tag.kind == .section) {
                    try emit(body, name: name, catalogue: catalogue, entry: entry, into: &out)
                }
                continue
            }
            if tag.kind.isValue, let value = constant(tag.name, catalogue: catalogue, entry: entry) {
                out += tag.kind == .escaped ? HTMLText.escape(value) : value
                continue
            }
            guard tag.isCatalogue else {
                out += tag.source
                continue
            }
            guard tag.kind.isValue else {
                throw ViewError(description: "\(name).mustache: \(tag.source) — a section over t is not supported, use {{t.key}}")
            }
            let key = String(tag.name.dropFirst(2))
            guard let message = catalogue.flat[key] else {
                throw ViewError(description: "\(name).mustache uses \(tag.name), which catalogue \(catalogue.language.code) does not have")
            }
            // Once in the template, the text is template text: braces at its ends could join
            // the template's own, and `{{`/`}}` inside it would be tags.
            if message.contains("{{") || message.contains("}}") || message.hasPrefix("{") || message.hasPrefix("}")
                || message.hasSuffix("{") || message.hasSuffix("}")
            {
                throw ViewError(
                    description: "catalogue \(catalogue.language.code): \(key) would inject Mustache syntax into \(name).mustache")
            }
            out += tag.kind == .escaped ? HTMLText.escape(message) : message
        }
    }

    typealias Piece = MustacheTags.Piece

    /// Mustache's standalone rule for the section tags resolved here: alone on its line, the
    /// tag takes its line's indentation and line break with it.
    static func trimStandalone(_ pieces: inout [Piece], _ resolved: (MustacheTags.Tag) -> Bool) {
        func blank(_ s: Substring) -> Bool { s.allSatisfy { $0 == " " || $0 == "\t" } }
        for k in pieces.indices {
            guard case .tag(let tag) = pieces[k], resolved(tag) else { continue }
            // Left: only spaces since the last line break (or the template's start).
            var keepBefore: String?
            if k > 0 {
                guard case .text(let before) = pieces[k - 1] else { continue }
                if let nl = before.lastIndex(of: "\n") {
                    guard blank(before[before.index(after: nl)...]) else { continue }
                    keepBefore = String(before[...nl])
                } else {
                    guard k - 1 == 0, blank(before[...]) else { continue }
                    keepBefore = ""
                }
            }
            // Right: only spaces up to the line break (or the template's end).
            var keepAfter: String?
            if k + 1 < pieces.count {
                guard case .text(let after) = pieces[k + 1] else { continue }
                let rest = after.drop { $0 == " " || $0 == "\t" }
                if rest.hasPrefix("\r\n") {
                    keepAfter = String(rest.dropFirst(2))
                } else if rest.hasPrefix("\n") {
                    keepAfter = String(rest.dropFirst())
                } else {
                    guard rest.isEmpty, k + 1 == pieces.count - 1 else { continue }
                    keepAfter = ""
                }
            }
            if let keepBefore { pieces[k - 1] = .text(keepBefore) }
            if let keepAfter { pieces[k + 1] = .text(keepAfter) }
        }
    }

    static func matchingClose(_ pieces: ArraySlice<Piece>, from start: Int, tag: MustacheTags.Tag, template: String) throws -> Int {
        var depth = 0
        for j in start..<pieces.endIndex {
            guard case .tag(let t) = pieces[j], t.name == tag.name else { continue }
            if t.kind == .section || t.kind == .inverted { depth += 1 }
            if t.kind == .close {
                if depth == 0 { return j }
                depth -= 1
            }
        }
        throw ViewError(description: "\(template).mustache: \(tag.source) is not closed")
    }
}

/// The content type of page templates: swift-mustache's HTML escaping (the same five
/// characters), over UTF-8 bytes and returning the string itself when nothing needs escaping.
struct PageHTML: MustacheContentType {
    static let name = "FASTHTML"
    static let registered: Void = MustacheContentTypes.register(PageHTML(), named: name)

    func escapeText(_ text: String) -> String { HTMLText.escape(text) }
}

/// The tags of a template, read the way swift-mustache reads them with the default delimiters.
/// Used to compile the catalogue in and, by the escaping test, to list a template's slots.
public enum MustacheTags {
    public enum Kind: Equatable, Sendable {
        case escaped, unescaped, section, inverted, close, partial, parent, block, comment, pragma

        var isValue: Bool { self == .escaped || self == .unescaped }
    }

    public struct Tag: Equatable, Sendable {
        public let kind: Kind
        /// The name as written, transforms included (`empty(documents)`).
        public let name: String
        public let source: String

        var isCatalogue: Bool { name == "t" || name.hasPrefix("t.") }
    }

    public enum Piece: Equatable, Sendable {
        case text(String)
        case tag(Tag)
    }

    public static func split(_ text: String, name: String) throws -> [Piece] {
        var pieces = [Piece]()
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { pieces.append(.text(String(rest[..<open.lowerBound]))) }
            let afterOpen = rest[open.upperBound...]
            let triple = afterOpen.hasPrefix("{")
            guard let close = afterOpen.range(of: triple ? "}}}" : "}}") else {
                throw ViewLibrary.ViewError(description: "\(name).mustache: unclosed tag")
            }
            let source = String(rest[open.lowerBound..<close.upperBound])
            var inner = afterOpen[..<close.lowerBound].trimmingCharacters(in: .whitespaces)[...]
            let kind: Kind
            if triple {
                inner = inner.dropFirst()
                kind = .unescaped
            } else {
                switch inner.first {
                case "&": kind = .unescaped
                case "#": kind = .section
                case "^": kind = .inverted
                case "/": kind = .close
                case ">": kind = .partial
                case "<": kind = .parent
                case "$": kind = .block
                case "!": kind = .comment
                case "%": kind = .pragma
                case "=":
                    throw ViewLibrary.ViewError(description: "\(name).mustache: delimiter changes are not supported")
                default: kind = .escaped
                }
                if kind != .escaped { inner = inner.dropFirst() }
            }
            let tagName = kind == .comment ? "" : inner.trimmingCharacters(in: .whitespaces)
            pieces.append(.tag(Tag(kind: kind, name: tagName, source: source)))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        return pieces
    }
}

/// HTML escaping, the same five characters as swift-mustache's, over UTF-8 bytes.
enum HTMLText {
    static func escape(_ s: String) -> String {
        var needs = false
        for b in s.utf8 where b == 0x3C || b == 0x3E || b == 0x26 || b == 0x22 || b == 0x27 {
            needs = true
            break
        }
        guard needs else { return s }
        var out = [UInt8]()
        out.reserveCapacity(s.utf8.count + 16)
        for b in s.utf8 {
            switch b {
            case 0x3C: out += Array("&lt;".utf8)
            case 0x3E: out += Array("&gt;".utf8)
            case 0x26: out += Array("&amp;".utf8)
            case 0x22: out += Array("&quot;".utf8)
            case 0x27: out += Array("&#39;".utf8)
            default: out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
