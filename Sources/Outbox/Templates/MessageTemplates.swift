import Foundation
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

/// Views/messages/<lang>/<template>.{sms,subject,txt,html}.mustache, loaded once at start-up.
/// Loading fails loudly when a language lacks a part of a template: Mustache itself renders a
/// missing template as nothing, which would send empty messages.
public struct MessageTemplates: Sendable {
    public static let requiredParts = ["sms", "subject", "txt"]
    public static let fallbackLanguage = "fr"
    static let rightToLeft: Set<String> = ["ar", "fa", "ps", "ur", "he", "ckb"]

    public let languages: [String]
    private let library: MustacheLibrary

    public init(directory: String) throws {
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(atPath: directory) else {
            throw TemplateError("no message templates folder at \(directory)")
        }
        var library = MustacheLibrary()
        var languages = [String]()
        for entry in entries.sorted() {
            let path = directory + "/" + entry
            if entry.hasSuffix(".mustache") {
                // Shared files (the HTML layout) sit next to the language folders:
                // email_layout.html.mustache is the parent {{<email_layout}}.
                let name = String(entry.prefix { $0 != "." })
                try library.register(Self.load(path, text: false), named: name)
                continue
            }
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else { continue }
            languages.append(entry)
            for file in try fm.contentsOfDirectory(atPath: path) where file.hasSuffix(".mustache") {
                let name = String(file.dropLast(".mustache".count))  // e.g. key_reissued.sms
                let parts = name.split(separator: ".")
                guard parts.count == 2, MessageCatalog.templates[String(parts[0])] != nil else {
                    throw TemplateError("\(entry)/\(file): not a template of MessageCatalog (<template>.<part>.mustache)")
                }
                let isHTML = parts[1] == "html"
                try library.register(Self.load(path + "/" + file, text: !isHTML), named: "\(entry)/\(name)")
            }
        }
        guard languages.contains(Self.fallbackLanguage) else {
            throw TemplateError("\(directory) has no \(Self.fallbackLanguage) folder")
        }
        for language in languages {
            for template in MessageCatalog.templates.keys {
                for part in Self.requiredParts where library.getTemplate(named: "\(language)/\(template).\(part)") == nil {
                    throw TemplateError("missing \(directory)/\(language)/\(template).\(part).mustache")
                }
            }
        }
        self.languages = languages
        self.library = library
    }

    private static func load(_ path: String, text: Bool) throws -> MustacheTemplate {
        let source = try String(contentsOfFile: path, encoding: .utf8)
        do {
            // Only HTML gets HTML escaping; SMS, subjects and plain text must stay as typed.
            return try MustacheTemplate(string: text ? "{{% CONTENT_TYPE: TEXT}}" + source : source)
        } catch {
            throw TemplateError("\(path): \(error)")
        }
    }

    /// The language actually used for `requested` ("fr-FR" → "fr"; unknown → French).
    public func language(for requested: String) -> String {
        let primary = requested.lowercased().split(separator: "-").first.map(String.init) ?? ""
        return languages.contains(primary) ? primary : Self.fallbackLanguage
    }

    public func render(
        template: String, language requested: String, channel: Channel,
        params: [String: String], portalURL: String
    ) throws -> RenderedContent {
        guard MessageCatalog.templates[template] != nil else { throw TemplateError("unknown template \(template)") }
        let missing = MessageCatalog.missingParams(template: template, params: params)
        guard missing.isEmpty else { throw TemplateError("\(template) needs \(missing.joined(separator: ", "))") }
        let language = language(for: requested)
        var context = params
        context["portal_url"] = portalURL
        context["lang"] = language
        context["dir"] = Self.rightToLeft.contains(language) ? "rtl" : "ltr"

        func part(_ name: String) -> String? {
            library.render(context, withTemplate: "\(language)/\(template).\(name)")
        }
        switch channel {
        case .sms:
            return .sms(text: (part("sms") ?? "").trimmed)
        case .email:
            // A subject is one line: a newline in a header would let text escape into others.
            let subject = (part("subject") ?? "").split(whereSeparator: \.isNewline)
                .map { Substring($0).trimmed }.filter { !$0.isEmpty }.joined(separator: " ")
            let text = (part("txt") ?? "").trimmed + "\n"
            return .email(subject: subject, text: text, html: part("html"))
        }
    }

    /// Every SMS template in every language, rendered with the sample params: what each costs.
    public func smsLengths(portalURL: String) throws -> [(language: String, template: String, text: String, length: SMSLength)] {
        var out = [(language: String, template: String, text: String, length: SMSLength)]()
        for language in languages {
            for template in MessageCatalog.templates.keys.sorted() {
                guard
                    case .sms(let text) = try render(
                        template: template, language: language, channel: .sms,
                        params: MessageCatalog.sampleParams, portalURL: portalURL)
                else { continue }
                out.append((language, template, text, SMSLength(text)))
            }
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
