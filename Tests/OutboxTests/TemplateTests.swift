import Foundation
import I18n
import XCTest

@testable import Outbox

final class TemplateTests: XCTestCase {
    /// The languages that have every message's texts today.
    let languages = ["fr", "en", "ar"]
    let layoutsDirectory = projectRoot + "/Views/messages"

    func testEveryTemplateHasItsLayoutsAndFrenchEnglishArabicHaveEveryText() throws {
        let entries = try FileManager.default.contentsOfDirectory(atPath: layoutsDirectory)
        var expected = Set(MessageCatalog.templates.keys.flatMap { ["\($0).sms.mustache", "\($0).email.mustache"] })
        expected.insert("email_layout.html.mustache")
        XCTAssertEqual(Set(entries), expected, "one layout per message and channel, no language folder")
        for language in languages {
            XCTAssertTrue(sharedTemplates.languages.contains(language), language)
            for template in MessageCatalog.templates.keys {
                XCTAssertEqual(sharedTemplates.language(for: language, template: template).code, language, "\(language)/\(template)")
            }
        }
    }

    /// Layouts may use only the worker's params and those their catalog entry declares: a
    /// document's title or content can never slip into an SMS or e-mail.
    func testLayoutsUseOnlyDeclaredParams() throws {
        for (template, params) in MessageCatalog.templates {
            let allowed = params.union(MessageCatalog.workerParams)
            for channel in ["sms", "email"] {
                let path = "\(layoutsDirectory)/\(template).\(channel).mustache"
                for (sigil, name) in Layout.tags(in: try String(contentsOfFile: path, encoding: .utf8)) where sigil != "!" {
                    XCTAssertTrue(
                        allowed.contains(name) || name.hasPrefix("m.") || name.hasPrefix("common."), "\(path) uses {{\(name)}}")
                }
            }
        }
        for channel in [Channel.sms, .email] {
            let deposited = try sharedTemplates.render(
                template: "document_deposited", language: "fr", channel: channel,
                params: ["document_title": "Décision de rejet"], portalURL: samplePortalURL)
            XCTAssertFalse("\(deposited)".contains("rejet"))
        }
    }

    /// Each text of the `messages` section is read by a layout (or is the subject, or the beta
    /// notice), and the section has one entry per template.
    func testEveryFrenchMessageTextIsUsed() throws {
        let french = sharedCatalogues[.french].own
        var used = Set(["messages.common.beta"])
        for template in MessageCatalog.templates.keys {
            used.insert("messages.\(template).subject")
            for channel in ["sms", "email"] {
                let source = try String(contentsOfFile: "\(layoutsDirectory)/\(template).\(channel).mustache", encoding: .utf8)
                for (_, name) in Layout.tags(in: source) {
                    if name.hasPrefix("m.") { used.insert("messages.\(template).\(name.dropFirst(2))") }
                    if name.hasPrefix("common.") { used.insert("messages.\(name)") }
                }
            }
        }
        let bases = sharedCatalogues[.french].pluralBases
        for key in french.keys where key.hasPrefix("messages.") {
            XCTAssertTrue(used.contains(Catalogue.pluralBase(key, in: bases) ?? key), "\(key) is not used by any layout")
            let section = key.split(separator: ".")[1]
            XCTAssertTrue(section == "common" || MessageCatalog.templates[String(section)] != nil, key)
        }
    }

    func testHTMLIsEscapedButTextAndSMSAreNot() throws {
        let params = ["key": "A<B>&\"C'"]
        guard
            case .email(let subject, let text, let html?) = try sharedTemplates.render(
                template: "key_reissued", language: "fr", channel: .email, params: params, portalURL: samplePortalURL)
        else { return XCTFail("no HTML part") }
        XCTAssertTrue(text.contains("\n\nA<B>&\"C'\n\n"), text)
        XCTAssertTrue(html.contains("A&lt;B&gt;&amp;&quot;C&#39;</strong>"), html)
        XCTAssertFalse(html.contains("A<B>"))
        XCTAssertEqual(subject, "Votre nouvelle clé de connexion à l'espace OFPRA")
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"fr\" dir=\"ltr\">"), html)
        XCTAssertTrue(html.contains("<title>Votre nouvelle clé de connexion à l&#39;espace OFPRA</title>"), html)
        XCTAssertTrue(html.contains(#"<a href="\#(samplePortalURL)""#), html)
        XCTAssertTrue(text.contains("Ne donnez cette clé à personne."), "apostrophes stay as typed in text")
        XCTAssertTrue(text.hasSuffix("Office français de protection des réfugiés et apatrides (OFPRA)\n"), text)

        guard
            case .sms(let sms) = try sharedTemplates.render(
                template: "key_reissued", language: "en", channel: .sms, params: params, portalURL: samplePortalURL)
        else { return XCTFail("not an SMS") }
        XCTAssertEqual(sms, "OFPRA: your new login key is A<B>&\"C'. Do not share it with anyone. \(samplePortalURL)")
    }

    func testArabicIsRightToLeftAndUnknownLanguagesFallBackToFrench() throws {
        guard
            case .email(_, let text, let html?) = try sharedTemplates.render(
                template: "test_message", language: "ar", channel: .email, params: [:], portalURL: samplePortalURL)
        else { return XCTFail("no HTML part") }
        XCTAssertTrue(html.contains("<html lang=\"ar\" dir=\"rtl\">"))
        XCTAssertTrue(text.hasPrefix("مرحبًا،"), text)
        XCTAssertEqual(sharedTemplates.language(for: "en-GB"), .english)
        XCTAssertEqual(sharedTemplates.language(for: "prs-AF").code, "prs")
        XCTAssertEqual(sharedTemplates.language(for: "xx"), .french)
        XCTAssertEqual(sharedTemplates.language(for: "xx", template: "test_message"), .french)
        XCTAssertEqual(sharedTemplates.language(for: "AR", template: "test_message"), .arabic)
        for requested in ["so", "xx-YY", ""] {
            guard
                case .sms(let text) = try sharedTemplates.render(
                    template: "test_message", language: requested, channel: .sms, params: [:], portalURL: samplePortalURL)
            else { return XCTFail("not an SMS") }
            XCTAssertEqual(text, "Portail asile : message de test. Vous pouvez l'ignorer.", requested)
        }
    }

    func testCountsArePluralsOfTheLanguage() throws {
        func email(_ template: String, _ language: String, days: String) throws -> String {
            guard
                case .email(_, let text, _) = try sharedTemplates.render(
                    template: template, language: language, channel: .email, params: ["days": days], portalURL: samplePortalURL)
            else { throw TemplateError("not an e-mail") }
            return text
        }
        XCTAssertTrue(try email("document_reminder", "fr", days: "1").contains("depuis 1 jour dans"))
        XCTAssertTrue(try email("document_reminder", "fr", days: "12").contains("depuis 12 jours dans"))
        XCTAssertTrue(try email("document_reminder", "en", days: "1").contains("for 1 day and"))
        XCTAssertTrue(try email("login_reminder", "en", days: "21").contains("for 21 days."))
        XCTAssertTrue(try email("login_reminder", "ar", days: "2").contains("منذ يومين."))
        XCTAssertTrue(try email("login_reminder", "ar", days: "5").contains("منذ 5 أيام."))
        XCTAssertTrue(try email("login_reminder", "ar", days: "30").contains("منذ 30 يومًا."))
        XCTAssertTrue(try email("document_reminder", "ar", days: "12").contains("عدد الأيام منذ إيداعها: 12"))
        guard
            case .sms(let sms) = try sharedTemplates.render(
                template: "login_reminder", language: "fr", channel: .sms, params: ["days": "1"], portalURL: samplePortalURL)
        else { return XCTFail("not an SMS") }
        XCTAssertTrue(sms.hasPrefix("OFPRA : aucune connexion depuis 1 jour."), sms)
    }

    func testMissingParamIsAnErrorNotAnEmptyMessage() {
        XCTAssertThrowsError(
            try sharedTemplates.render(
                template: "contact_code", language: "fr", channel: .sms,
                params: [:], portalURL: samplePortalURL))
        XCTAssertThrowsError(
            try sharedTemplates.render(
                template: "login_reminder", language: "fr", channel: .email,
                params: ["days": "beaucoup"], portalURL: samplePortalURL), "a count is a whole number")
        XCTAssertThrowsError(
            try sharedTemplates.render(
                template: "nope", language: "fr", channel: .sms, params: [:], portalURL: samplePortalURL))
    }

    /// Blocks and their kinds come from the layout's source: a value holding a blank line or a
    /// marker stays inside the block it fills.
    func testAValueCannotCreateABlockOrAKind() throws {
        func html(_ key: String) throws -> (text: String, html: String) {
            guard
                case .email(_, let text, let html?) = try sharedTemplates.render(
                    template: "access_locked", language: "fr", channel: .email, params: ["key": key], portalURL: samplePortalURL)
            else { throw TemplateError("no HTML part") }
            return (text, html)
        }
        let plain = try html("K7CF-MX4R-9TWC-HN3P")
        let hostile = try html("K7CF\n\ncode: 666\n\nlink: https://evil.example\n\nfooter: x")
        XCTAssertEqual(hostile.html.components(separatedBy: "<p").count, plain.html.components(separatedBy: "<p").count)
        XCTAssertEqual(hostile.html.components(separatedBy: "<strong").count, 2, "one code block, as in the layout")
        XCTAssertEqual(hostile.html.components(separatedBy: "<a ").count, plain.html.components(separatedBy: "<a ").count)
        XCTAssertFalse(hostile.html.contains(#"href="https://evil"#))
        XCTAssertTrue(hostile.html.contains("K7CF<br>\n<br>\ncode: 666<br>"), hostile.html)
        XCTAssertTrue(
            hostile.text.contains("K7CF\n\ncode: 666\n\nlink: https://evil.example\n\nfooter: x"), "text shows the value as it is")
        // A placeholder-looking value is copied, never filled.
        let braces = try html("{{portal_url}}")
        XCTAssertTrue(braces.text.contains("\n\n{{portal_url}}\n\n"), braces.text)
    }

    /// The HTML part is made from the same blocks as the text part, in every language.
    func testTextAndHTMLCarryTheSameParagraphs() throws {
        let paragraph = try NSRegularExpression(pattern: #"<p[^>]*>(.*?)</p>"#, options: [.dotMatchesLineSeparators])
        let tag = try NSRegularExpression(pattern: #"<[^>]+>"#)
        func unescape(_ s: String) -> String {
            s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&amp;", with: "&")
        }
        for language in languages {
            for template in MessageCatalog.templates.keys.sorted() {
                guard
                    case .email(_, let text, let html?) = try sharedTemplates.render(
                        template: template, language: language, channel: .email, params: MessageCatalog.sampleParams,
                        portalURL: samplePortalURL)
                else { return XCTFail("no HTML part") }
                let fromHTML = paragraph.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { match -> String in
                    let inner = String(html[Range(match.range(at: 1), in: html)!]).replacingOccurrences(of: "<br>\n", with: "\n")
                    let bare = tag.stringByReplacingMatches(in: inner, range: NSRange(inner.startIndex..., in: inner), withTemplate: "")
                    return unescape(bare)
                }
                XCTAssertEqual(fromHTML, text.trimmed.components(separatedBy: "\n\n"), "\(language)/\(template)")
                XCTAssertFalse(text.contains("{{") || html.contains("{{"), "\(language)/\(template)")
                XCTAssertEqual(text.hasSuffix(sharedCatalogues[.arabic].text("messages.common.beta") + "\n"), language == "ar")
            }
        }
    }

    /// A beta language lacking one text of a message (or one plural form of its rule) gets
    /// that whole message in French, and its other messages in its own language.
    func testABetaLanguageLackingAMessagesTextGetsTheWholeMessageInFrench() throws {
        let french = sharedCatalogues[.french]
        let english = try XCTUnwrap(sharedCatalogues.byCode["en"])
        let arabicJSON = try XCTUnwrap(FileManager.default.contents(atPath: projectRoot + "/Locales/ar.json"))
        var tree = try XCTUnwrap(JSONSerialization.jsonObject(with: arabicJSON) as? [String: Any])
        var messages = try XCTUnwrap(tree["messages"] as? [String: Any])
        var keyReissued = try XCTUnwrap(messages["key_reissued"] as? [String: Any])
        keyReissued["warning"] = nil
        messages["key_reissued"] = keyReissued
        var loginReminder = try XCTUnwrap(messages["login_reminder"] as? [String: Any])
        loginReminder["absent_two"] = nil
        messages["login_reminder"] = loginReminder
        tree["messages"] = messages
        let arabic = try Catalogue(language: .arabic, json: JSONSerialization.data(withJSONObject: tree), fallback: french)
        let templates = try MessageTemplates(
            directory: layoutsDirectory, catalogues: Catalogues(["fr": french, "en": english, "ar": arabic]))

        for (template, params) in [("key_reissued", ["key": "K7CF-MX4R-9TWC-HN3P"]), ("login_reminder", ["days": "30"])] {
            XCTAssertEqual(templates.language(for: "ar", template: template), .french, template)
            guard
                case .email(let subject, let text, let html?) = try templates.render(
                    template: template, language: "ar", channel: .email, params: params, portalURL: samplePortalURL),
                case .sms(let sms) = try templates.render(
                    template: template, language: "ar", channel: .sms, params: params, portalURL: samplePortalURL)
            else { return XCTFail("not an e-mail and an SMS") }
            let arabicLetters = CharacterSet(charactersIn: "\u{0600}"..."\u{06FF}")
            for part in [subject, text, html, sms] {
                XCTAssertNil(part.rangeOfCharacter(from: arabicLetters), "\(template): no Arabic word in a French message: \(part)")
            }
            XCTAssertTrue(text.hasPrefix("Bonjour,"), text)
            XCTAssertTrue(html.contains("<html lang=\"fr\" dir=\"ltr\">"))
            XCTAssertFalse(text.contains(french.text("messages.common.beta")), "French needs no beta notice")
        }
        XCTAssertEqual(templates.language(for: "ar", template: "contact_code"), .arabic)
        guard
            case .sms(let sms) = try templates.render(
                template: "contact_code", language: "ar", channel: .sms, params: ["code": "482913"], portalURL: samplePortalURL)
        else { return XCTFail("not an SMS") }
        XCTAssertTrue(sms.hasPrefix("OFPRA: رمز التحقق"), sms)
        XCTAssertFalse(
            try templates.smsLengths(portalURL: samplePortalURL).contains { $0.language == "ar" && $0.template == "key_reissued" })
    }

    func testLoadingFailsWhenALayoutIsMissingOrReadsWhatItShouldNot() throws {
        let dir = NSTemporaryDirectory() + "layouts-\(UUID().uuidString)"
        let fm = FileManager.default
        defer { try? fm.removeItem(atPath: dir) }
        try fm.copyItem(atPath: layoutsDirectory, toPath: dir)
        XCTAssertNoThrow(try MessageTemplates(directory: dir, catalogues: sharedCatalogues))

        let path = "\(dir)/contact_code.email.mustache"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        try fm.removeItem(atPath: path)
        XCTAssertThrowsError(try MessageTemplates(directory: dir, catalogues: sharedCatalogues), "missing layout")
        for wrong in [
            "{{document_title}}",  // not declared for contact_code
            "{{key}}",  // declared for other templates only
            "{{m.nope}}",  // no such French text
            "{{common.nope}}",
            "{{>partials/evil}}",  // layouts are self-contained
            "{{#m.enter}}",  // unclosed section
        ] {
            try (original + "\n" + wrong + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try MessageTemplates(directory: dir, catalogues: sharedCatalogues), wrong)
        }
        try original.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertNoThrow(try MessageTemplates(directory: dir, catalogues: sharedCatalogues))
        try fm.createDirectory(atPath: dir + "/fr", withIntermediateDirectories: true)
        XCTAssertThrowsError(try MessageTemplates(directory: dir, catalogues: sharedCatalogues), "an old language folder")
    }

    func testBlocksAreCutFromTheSource() {
        let blocks = Layout.blocks("a\nb\n\n  \ncode: {{key}}\n\n\nfooter: x\ny\n\nlink: z\ncode: not a kind here\n")
        XCTAssertEqual(blocks.map(\.0), [.paragraph, .code, .footer, .link])
        XCTAssertEqual(blocks.map(\.1), ["a\nb", "{{key}}", "x\ny", "z\ncode: not a kind here"])
    }
}

final class SMSLengthTests: XCTestCase {
    /// French and English SMS stay in one GSM-7 segment (one typographic apostrophe would cut
    /// the room to 70); in any language an SMS takes at most two segments (134 UCS-2 units).
    func testEverySMSFitsItsLanguagesBudget() throws {
        let lengths = try sharedTemplates.smsLengths(portalURL: samplePortalURL)
        for language in ["fr", "en", "ar"] {
            XCTAssertEqual(lengths.filter { $0.language == language }.count, MessageCatalog.templates.count, language)
        }
        for sms in lengths {
            let what = "\(sms.language)/\(sms.template): \(sms.length.units) \(sms.length.encoding.rawValue) units: \(sms.text)"
            XCTAssertFalse(sms.text.contains("{{"), what)
            XCTAssertLessThanOrEqual(sms.length.segments, 2, what)
            if sms.length.encoding == .ucs2 { XCTAssertLessThanOrEqual(sms.length.units, 134, what) }
            if ["fr", "en"].contains(sms.language) {
                XCTAssertEqual(sms.length.encoding, .gsm7, what)
                XCTAssertTrue(sms.length.fitsOneSegment, what)
            }
        }
    }

    func testGSMTextCountsSeptetsWithExtensionCharactersAsTwo() {
        XCTAssertEqual(SMSLength("Déposé à 10h"), SMSLength(encoding: .gsm7, units: 12))
        XCTAssertEqual(SMSLength("Prix: 5€ [x]").units, 15)
        XCTAssertEqual(SMSLength(String(repeating: "a", count: 160)).fitsOneSegment, true)
        XCTAssertEqual(SMSLength(String(repeating: "a", count: 161)).segments, 2)
        XCTAssertEqual(SMSLength(String(repeating: "€", count: 81)).units, 162)
    }

    func testOneCharacterOutsideGSMSwitchesTheWholeTextToUCS2() {
        for text in ["reçu", "l’espace", "être", "مرحبا", "🙂"] {
            XCTAssertEqual(SMSLength(text).encoding, .ucs2, text)
        }
        XCTAssertEqual(SMSLength("🙂").units, 2, "UTF-16 units")
        XCTAssertEqual(SMSLength(String(repeating: "ب", count: 70)).fitsOneSegment, true)
        XCTAssertEqual(SMSLength(String(repeating: "ب", count: 71)).segments, 2)
        XCTAssertEqual(SMSLength(String(repeating: "ب", count: 134)).segments, 2)
        XCTAssertEqual(SMSLength(String(repeating: "ب", count: 135)).segments, 3)
    }
}
