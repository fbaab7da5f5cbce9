import Foundation
import I18n
import Mustache

/// What the worker hands to a transport.
public enum RenderedContent: Sendable, Equatable {
    case email(subject: String, text: String, html: String?)
    case sms(text: String)
}

public struct TemplateError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// SMS and e-mails: the words come from the `messages` section of the catalogues
/// (`Locales/<code>.json`), the shape from one layout per message and channel, the same in
/// every language:
///
/// - `Views/messages/<template>.sms.mustache`: the SMS, rendered as text and trimmed.
/// - `Views/messages/<template>.email.mustache`: blocks separated by blank lines. A block may
///   start with a kind: `code: ` (a secret code or key, big and monospace in HTML), `link: `
///   (an address, a link in HTML), `footer: ` (small print in HTML). The layout's source is cut
///   into blocks when it is loaded, before any value is in it: a value can never make a block
///   or a kind. The text part is the blocks; the HTML part is the same blocks, escaped and
///   wrapped by kind, in `email_layout.html.mustache`. The subject is `m.subject`.
///
/// Layouts read `{{m.key}}` (their `messages.<template>` section, placeholders and plurals
/// already filled), `{{common.key}}` (`messages.common`), `{{portal_url}}` and the params their
/// MessageCatalog entry declares, nothing else. A message goes out in the person's language
/// only when that language has every text it uses; otherwise the whole message is French, never
/// a mix. A beta language's e-mails end with `messages.common.beta`.
///
/// Loaded once at start-up; loading fails loudly on a missing layout, an undeclared param or a
/// French text a layout needs and the catalogue lacks (Mustache would render them as nothing).
public struct MessageTemplates: Sendable {
    public static let fallbackLanguage = Language.french
    static let sectionPrefix = "messages."
    static let commonSection = "messages.common."
    static let shellName = "email_message"

    /// Codes of the registry languages that have their own texts for at least one message.
    public let languages: [String]
    private let catalogues: Catalogues
    private let layouts: [String: Layout]
    /// Template → codes of the languages that have every text its layouts use.
    private let complete: [String: Set<String>]
    private let shell: MustacheLibrary

    /// `directory` is Views/messages, `locales` the folder of `<code>.json` catalogues.
    public init(directory: String, locales: String) throws {
        try self.init(directory: directory, catalogues: Catalogues(directory: locales))
    }

    public init(directory: String, catalogues: Catalogues) throws {
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(atPath: directory) else {
            throw TemplateError("no message layouts folder at \(directory)")
        }
        guard let french = catalogues.byCode[Self.fallbackLanguage.code] else {
            throw TemplateError("no French catalogue: messages have no fallback")
        }
        var sources = [String: String]()
        var shell = MustacheLibrary()
        for entry in entries.sorted() where !entry.hasPrefix(".") {
            let path = directory + "/" + entry
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
                throw TemplateError("\(path): layouts have no language folders (the words are in Locales/*.json)")
            }
            guard entry.hasSuffix(".mustache") else { continue }
            let source = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "\r\n", with: "\n")
            if entry == "email_layout.html.mustache" {
                shell.register(try Self.compile(source, path: path, text: false), named: "email_layout")
                continue
            }
            let parts = entry.dropLast(".mustache".count).split(separator: ".")
            guard parts.count == 2, MessageCatalog.templates[String(parts[0])] != nil, ["sms", "email"].contains(parts[1]) else {
                throw TemplateError("\(path): not a layout of MessageCatalog (<template>.sms.mustache or <template>.email.mustache)")
            }
            sources["\(parts[0]).\(parts[1])"] = source
        }
        guard shell.getTemplate(named: "email_layout") != nil else {
            throw TemplateError("missing \(directory)/email_layout.html.mustache")
        }
        // The shell's blocks are filled with HTML built here (escaped block by block).
        shell.register(
            try Self.compile(
                "{{<email_layout}}{{$title}}{{title}}{{/title}}{{$body}}{{{body}}}{{/body}}{{$footer}}{{{footer}}}{{/footer}}{{/email_layout}}",
                path: "email shell", text: false),
            named: Self.shellName)

        guard !(french.own["messages.common.beta"] ?? "").isEmpty else {
            throw TemplateError("fr.json lacks messages.common.beta (the notice ending a beta language's e-mails)")
        }
        var layouts = [String: Layout]()
        for template in MessageCatalog.templates.keys.sorted() {
            var loaded = [String: String]()
            for channel in ["sms", "email"] {
                guard let source = sources["\(template).\(channel)"] else {
                    throw TemplateError("missing \(directory)/\(template).\(channel).mustache")
                }
                loaded[channel] = source
            }
            layouts[template] = try Layout(
                template: template, sms: loaded["sms"]!, email: loaded["email"]!, french: french, directory: directory)
        }

        var complete = [String: Set<String>]()
        var languages = [String]()
        for language in Language.all {
            guard let catalogue = catalogues.byCode[language.code] else { continue }
            var any = false
            for (template, layout) in layouts where layout.isComplete(in: catalogue) {
                complete[template, default: []].insert(language.code)
                any = true
            }
            if any { languages.append(language.code) }
        }
        self.catalogues = catalogues
        self.layouts = layouts
        self.complete = complete
        self.languages = languages
        self.shell = shell
    }

    static func compile(_ source: String, path: String, text: Bool) throws -> MustacheTemplate {
        do {
            // Only the HTML shell escapes HTML; SMS and text blocks stay as typed (the HTML part
            // escapes each block's text itself).
            return try MustacheTemplate(string: text ? "{{% CONTENT_TYPE: TEXT}}" + source : source)
        } catch {
            throw TemplateError("\(path): \(error)")
        }
    }

    /// The registry language for `requested` (`prs-AF` → Dari, `en-GB` → English; unknown → French).
    public func language(for requested: String) -> Language {
        Language.orFrench(requested)
    }

    /// The language `template` is actually sent in for `requested`: the registry language when
    /// it has every text the message uses, French otherwise (never a mix).
    public func language(for requested: String, template: String) -> Language {
        let language = language(for: requested)
        return complete[template]?.contains(language.code) == true ? language : Self.fallbackLanguage
    }

    public func render(
        template: String, language requested: String, channel: Channel,
        params: [String: String], portalURL: String
    ) throws -> RenderedContent {
        guard let layout = layouts[template] else { throw TemplateError("unknown template \(template)") }
        let missing = MessageCatalog.missingParams(template: template, params: params)
        guard missing.isEmpty else { throw TemplateError("\(template) needs \(missing.joined(separator: ", "))") }
        let language = language(for: requested, template: template)
        let catalogue = catalogues[language]
        let (context, m, common) = try layout.context(catalogue: catalogue, params: params, portalURL: portalURL)

        switch channel {
        case .sms:
            return .sms(text: layout.sms.render(context).trimmed)
        case .email:
            // A subject is one line: a newline in a header would let text escape into others.
            let subject = (m["subject"] ?? "").split(whereSeparator: \.isNewline)
                .map { Substring($0).trimmed }.filter { !$0.isEmpty }.joined(separator: " ")
            var blocks = [(kind: BlockKind, text: String)]()
            for block in layout.email {
                let text = block.template.render(context).trimmed
                if !text.isEmpty { blocks.append((block.kind, text)) }
            }
            if language.isBeta, let beta = common["beta"] { blocks.append((.footer, beta)) }
            let text = blocks.map(\.text).joined(separator: "\n\n") + "\n"
            let html = try html(blocks, title: subject, language: language, template: template)
            return .email(subject: subject, text: text, html: html)
        }
    }

    /// The HTML part: the blocks escaped and wrapped by kind; the trailing small print goes to
    /// the shell's footer.
    private func html(_ blocks: [(kind: BlockKind, text: String)], title: String, language: Language, template: String) throws -> String {
        var footerStart = blocks.endIndex
        while footerStart > blocks.startIndex, blocks[footerStart - 1].kind == .footer { footerStart -= 1 }
        func wrap(_ block: (kind: BlockKind, text: String)) throws -> String {
            let escaped = Self.escapeHTML(block.text).replacingOccurrences(of: "\n", with: "<br>\n")
            switch block.kind {
            case .paragraph:
                return "<p>\(escaped)</p>"
            case .code:
                return #"<p><strong dir="ltr" style="font-family:monospace;font-size:20px;letter-spacing:2px">\#(escaped)</strong></p>"#
            case .link:
                guard Self.isWebAddress(block.text) else {
                    throw TemplateError("\(template): a link: block must be one http(s) address, not \(block.text.debugDescription)")
                }
                return #"<p><a href="\#(escaped)" dir="ltr" style="color:#000091;font-weight:bold">\#(escaped)</a></p>"#
            case .footer:
                return #"<p style="color:#555555;font-size:14px">\#(escaped)</p>"#
            }
        }
        let body = try blocks[..<footerStart].map(wrap).joined(separator: "\n")
        let footer = try blocks[footerStart...].map(wrap).joined(separator: "\n")
        let context: [String: Any] = ["lang": language.code, "dir": language.dir, "title": title, "body": body, "footer": footer]
        return shell.render(context, withTemplate: Self.shellName) ?? ""
    }

    /// Every SMS in every registry language that has its own texts for it, rendered with the
    /// sample params: what each costs.
    public func smsLengths(portalURL: String) throws -> [(language: String, template: String, text: String, length: SMSLength)] {
        var out = [(language: String, template: String, text: String, length: SMSLength)]()
        for language in Language.all {
            for template in MessageCatalog.templates.keys.sorted() where complete[template]?.contains(language.code) == true {
                guard
                    case .sms(let text) = try render(
                        template: template, language: language.code, channel: .sms,
                        params: MessageCatalog.sampleParams, portalURL: portalURL)
                else { continue }
                out.append((language.code, template, text, SMSLength(text)))
            }
        }
        return out
    }

    static func escapeHTML(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// One http(s) address without spaces (the portal's, from the configuration).
    static func isWebAddress(_ text: String) -> Bool {
        (text.hasPrefix("https://") || text.hasPrefix("http://")) && !text.contains(where: { $0.isWhitespace })
    }
}

/// How an e-mail block is shown in HTML.
enum BlockKind: String, Sendable, CaseIterable {
    case paragraph, code, link, footer

    /// The marker that starts a block of this kind in a layout.
    var marker: String? { self == .paragraph ? nil : rawValue + ": " }
}

/// One message's layouts, compiled, with the texts they read.
struct Layout: Sendable {
    struct Block: Sendable {
        let kind: BlockKind
        let template: MustacheTemplate
    }

    let template: String
    let sms: MustacheTemplate
    let email: [Block]
    /// Names under `m.` (a plural's base name for a plural), with whether each is a plural.
    let texts: [String: Bool]
    /// Names under `common.` the layouts read.
    let common: Set<String>
    let params: Set<String>
    let countParam: String?

    var section: String { MessageTemplates.sectionPrefix + template + "." }

    init(template: String, sms smsSource: String, email emailSource: String, french: Catalogue, directory: String) throws {
        self.template = template
        let declared = MessageCatalog.templates[template] ?? []
        params = declared
        countParam = MessageCatalog.countParams[template]
        if let countParam, !declared.contains(countParam) {
            throw TemplateError("MessageCatalog: \(template)'s count \(countParam) is not one of its params")
        }
        let smsPath = "\(directory)/\(template).sms.mustache"
        let emailPath = "\(directory)/\(template).email.mustache"
        sms = try MessageTemplates.compile(smsSource, path: smsPath, text: true)
        email = try Self.blocks(emailSource).map { kind, source in
            Block(kind: kind, template: try MessageTemplates.compile(source, path: emailPath, text: true))
        }

        var texts = ["subject": false]
        var common = Set<String>()
        let section = MessageTemplates.sectionPrefix + template + "."
        for (path, source) in [(smsPath, smsSource), (emailPath, emailSource)] {
            for (sigil, name) in Self.tags(in: source) {
                if sigil == "!" { continue }
                if let sigil, !"#^/&".contains(sigil) {
                    throw TemplateError("\(path): {{\(sigil)\(name)}} is not allowed in a message layout (values and sections only)")
                }
                if name.hasPrefix("m.") {
                    let key = String(name.dropFirst(2))
                    guard !key.isEmpty, !key.contains(".") else { throw TemplateError("\(path): {{\(name)}} is not a text of the message") }
                    texts[key] = french.own[section + key + "_other"] != nil
                } else if name.hasPrefix("common.") {
                    let key = String(name.dropFirst("common.".count))
                    guard !key.isEmpty, !key.contains(".") else { throw TemplateError("\(path): {{\(name)}} is not a common text") }
                    common.insert(key)
                } else if name != "portal_url" && !declared.contains(name) {
                    throw TemplateError(
                        "\(path) uses {{\(name)}}: MessageCatalog declares \(declared.sorted()) for \(template) (and portal_url, m.*, common.*)"
                    )
                }
            }
        }
        for (key, plural) in texts {
            let full = section + key + (plural ? "_other" : "")
            guard !(french.own[full] ?? "").isEmpty else { throw TemplateError("fr.json lacks \(full), which \(template)'s layouts use") }
            if plural, countParam == nil {
                throw TemplateError("\(full) is a plural, but MessageCatalog declares no count param for \(template)")
            }
        }
        for key in common where (french.own[MessageTemplates.commonSection + key] ?? "").isEmpty {
            throw TemplateError("fr.json lacks \(MessageTemplates.commonSection)\(key), which \(template)'s layouts use")
        }
        self.texts = texts
        self.common = common
    }

    /// Every key the message reads, as this catalogue's own texts: the plurals in every form of
    /// the language's rule, and the beta notice for a beta language. French is complete by
    /// construction (checked when loading).
    func isComplete(in catalogue: Catalogue) -> Bool {
        let language = catalogue.language
        if language == MessageTemplates.fallbackLanguage { return true }
        func has(_ key: String) -> Bool { !(catalogue.own[key] ?? "").isEmpty }
        for (key, plural) in texts {
            if plural {
                guard language.plural.categories.allSatisfy({ has(section + key + "_" + $0.rawValue) }) else { return false }
            } else if !has(section + key) {
                return false
            }
        }
        var commonKeys = common
        if language.isBeta { commonKeys.insert("beta") }
        return commonKeys.allSatisfy { has(MessageTemplates.commonSection + $0) }
    }

    /// The values a render reads: the declared params and the portal's address, the message's
    /// texts filled with them (`m`), and the common texts (`common`).
    func context(catalogue: Catalogue, params: [String: String], portalURL: String) throws -> (
        context: [String: Any], m: [String: String], common: [String: String]
    ) {
        var args = ["portal_url": portalURL]
        for name in self.params { args[name] = params[name] }
        var count: Int?
        if let countParam {
            guard let value = params[countParam], let n = Int(value.trimmed) else {
                throw TemplateError("\(template): \(countParam) must be a whole number, not \(params[countParam] ?? "nothing")")
            }
            count = n
        }
        var m = [String: String]()
        for (key, plural) in texts {
            if plural, let count {
                m[key] = catalogue.text(section + key, count: count, args)
            } else {
                m[key] = catalogue.text(section + key, args)
            }
        }
        var common = [String: String]()
        for key in self.common.union(["beta"]) {
            common[key] = catalogue.text(MessageTemplates.commonSection + key, args)
        }
        var context: [String: Any] = args
        context["m"] = m
        context["common"] = common
        return (context, m, common)
    }

    /// The layout's source cut at blank lines, each block with its kind (marker removed).
    static func blocks(_ source: String) -> [(BlockKind, String)] {
        var out = [(BlockKind, String)]()
        var lines = [Substring]()
        func flush() {
            guard !lines.isEmpty else { return }
            var text = lines.joined(separator: "\n")
            lines.removeAll()
            var kind = BlockKind.paragraph
            for candidate in BlockKind.allCases {
                if let marker = candidate.marker, text.hasPrefix(marker) {
                    kind = candidate
                    text.removeFirst(marker.count)
                    break
                }
            }
            out.append((kind, text))
        }
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy(\.isWhitespace) { flush() } else { lines.append(line) }
        }
        flush()
        return out
    }

    /// The tags of a Mustache source: `(sigil, name)`, sigil one of `# ^ / & ! > < $ = %` or nil.
    static func tags(in source: String) -> [(sigil: Character?, name: String)] {
        var out = [(sigil: Character?, name: String)]()
        var rest = source[...]
        while let open = rest.range(of: "{{") {
            var inside = rest[open.upperBound...]
            let triple = inside.first == "{"
            if triple { inside = inside.dropFirst() }
            guard let close = inside.range(of: triple ? "}}}" : "}}") else { break }
            var tag = inside[..<close.lowerBound].trimmed[...]
            var sigil: Character?
            if let first = tag.first, "#^/&!><$=%".contains(first) {
                sigil = first
                tag = tag.dropFirst()
            }
            out.append((sigil, tag.trimmed))
            rest = inside[close.upperBound...]
        }
        return out
    }
}

extension StringProtocol {
    /// Without leading and trailing whitespace or newlines. (Foundation's trimmingCharacters
    /// goes through NSString on Linux: a tenth of a delivery's time.)
    var trimmed: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else {
            return ""
        }
        return String(self[first...last])
    }
}
