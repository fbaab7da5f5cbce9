import Foundation
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

    public struct ViewError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Pages the code renders by name; checked to exist at start-up.
    public static let required = ["layout", "home", "error", "space", "staff/login", "staff/home",
                                  "partials/field", "partials/error-summary", "partials/csrf", "partials/notices"]

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
        var libraries = [String: MustacheLibrary]()
        for language in Language.supported {
            let catalogue = catalogues[language]
            var templates = [String: MustacheTemplate]()
            for (name, text) in sources {
                let compiled = try Self.compile(text, name: name, catalogue: catalogue)
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
        names = sources.keys.sorted()
    }

    public func render(_ name: String, _ context: [String: Any], language: Language = .french) -> String {
        guard let html = libraries[language.code]?.render(context, withTemplate: name) else {
            // Only reachable through a programming error: names are checked at start-up.
            preconditionFailure("template \(name) not loaded")
        }
        return html
    }

    // MARK: compiling the catalogue into the templates

    /// The template `text` with every `t.…` tag replaced by `catalogue`'s text.
    static func compile(_ text: String, name: String, catalogue: Catalogue) throws -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count * 2)
        for piece in try MustacheTags.split(text, name: name) {
            switch piece {
            case .text(let s):
                out += s
            case .tag(let tag):
                guard tag.isCatalogue else { out += tag.source; continue }
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
                    || message.hasSuffix("{") || message.hasSuffix("}") {
                    throw ViewError(description: "catalogue \(catalogue.language.code): \(key) would inject Mustache syntax into \(name).mustache")
                }
                out += tag.kind == .escaped ? HTMLText.escape(message) : message
            }
        }
        return out
    }
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
