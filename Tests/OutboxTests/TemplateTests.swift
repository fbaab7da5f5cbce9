import Foundation
import XCTest

@testable import Outbox

final class TemplateTests: XCTestCase {
    let languages = ["ar", "en", "fr"]

    func testEverySMSFitsInOneSegmentInEveryLanguage() throws {
        let lengths = try sharedTemplates.smsLengths(portalURL: samplePortalURL)
        XCTAssertEqual(lengths.count, languages.count * MessageCatalog.templates.count)
        for sms in lengths {
            XCTAssertTrue(
                sms.length.fitsOneSegment,
                "\(sms.language)/\(sms.template): \(sms.length.units) \(sms.length.encoding.rawValue) units: \(sms.text)")
            XCTAssertFalse(sms.text.contains("{{"))
            // French and English stay in GSM-7: one typographic apostrophe would cut the room to 70.
            if sms.language != "ar" { XCTAssertEqual(sms.length.encoding, .gsm7, "\(sms.language)/\(sms.template): \(sms.text)") }
        }
    }

    func testEveryLanguageHasEveryTemplate() throws {
        XCTAssertEqual(sharedTemplates.languages.sorted(), languages)
        for language in languages {
            for template in MessageCatalog.templates.keys {
                for part in ["sms", "subject", "txt", "html"] {
                    let path = "\(projectRoot)/Views/messages/\(language)/\(template).\(part).mustache"
                    XCTAssertTrue(FileManager.default.fileExists(atPath: path), path)
                }
            }
        }
    }

    /// Templates may use only the worker's params and those their catalog entry declares: a
    /// document's title or content can never slip into an SMS or e-mail.
    func testTemplatesUseOnlyDeclaredParams() throws {
        let tag = try NSRegularExpression(pattern: #"\{\{\{?\s*[#^/&]?\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}?\}\}"#)
        let layout: Set<String> = ["email_layout", "title", "body", "footer"]
        for language in languages {
            for (template, params) in MessageCatalog.templates {
                let allowed = params.union(MessageCatalog.workerParams).union(layout)
                for part in ["sms", "subject", "txt", "html"] {
                    let path = "\(projectRoot)/Views/messages/\(language)/\(template).\(part).mustache"
                    let source = try String(contentsOfFile: path, encoding: .utf8)
                    for match in tag.matches(in: source, range: NSRange(source.startIndex..., in: source)) {
                        let name = String(source[Range(match.range(at: 1), in: source)!])
                        XCTAssertTrue(allowed.contains(name), "\(path) uses {{\(name)}}")
                    }
                }
            }
        }
        let deposited = try sharedTemplates.render(
            template: "document_deposited", language: "fr", channel: .sms,
            params: ["document_title": "Décision de rejet"], portalURL: samplePortalURL)
        XCTAssertFalse("\(deposited)".contains("rejet"))
    }

    func testHTMLIsEscapedButTextAndSMSAreNot() throws {
        let params = ["key": "A<B>&\"C'"]
        guard
            case .email(let subject, let text, let html?) = try sharedTemplates.render(
                template: "key_reissued", language: "fr", channel: .email, params: params, portalURL: samplePortalURL)
        else { return XCTFail("no HTML part") }
        XCTAssertTrue(text.contains("A<B>&\"C'"))
        XCTAssertTrue(html.contains("A&lt;B&gt;&amp;&quot;C&#39;"), html)
        XCTAssertFalse(html.contains("A<B>"))
        XCTAssertEqual(subject, "Votre nouvelle clé de connexion à l'espace OFPRA")
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"fr\" dir=\"ltr\">"), html)

        guard
            case .sms(let sms) = try sharedTemplates.render(
                template: "key_reissued", language: "en", channel: .sms, params: params, portalURL: samplePortalURL)
        else { return XCTFail("not an SMS") }
        XCTAssertEqual(sms, "OFPRA: your new login key is A<B>&\"C'. Do not share it with anyone. \(samplePortalURL)")
    }

    func testArabicIsRightToLeftAndUnknownLanguagesFallBackToFrench() throws {
        guard
            case .email(_, _, let html?) = try sharedTemplates.render(
                template: "test_message", language: "ar", channel: .email, params: [:], portalURL: samplePortalURL)
        else { return XCTFail("no HTML part") }
        XCTAssertTrue(html.contains("<html lang=\"ar\" dir=\"rtl\">"))
        XCTAssertEqual(sharedTemplates.language(for: "ps"), "fr")
        XCTAssertEqual(sharedTemplates.language(for: "en-GB"), "en")
        guard
            case .sms(let text) = try sharedTemplates.render(
                template: "test_message", language: "ti", channel: .sms, params: [:], portalURL: samplePortalURL)
        else { return XCTFail("not an SMS") }
        XCTAssertTrue(text.hasPrefix("Portail asile"))
    }

    func testMissingParamIsAnErrorNotAnEmptyMessage() {
        XCTAssertThrowsError(
            try sharedTemplates.render(
                template: "contact_code", language: "fr", channel: .sms,
                params: [:], portalURL: samplePortalURL))
    }

    func testLoadingFailsWhenALanguageLacksATemplatePart() throws {
        let dir = NSTemporaryDirectory() + "templates-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/fr", withIntermediateDirectories: true)
        for template in MessageCatalog.templates.keys {
            for part in ["sms", "subject", "txt"] {
                try "x".write(toFile: "\(dir)/fr/\(template).\(part).mustache", atomically: true, encoding: .utf8)
            }
        }
        XCTAssertNoThrow(try MessageTemplates(directory: dir))
        try FileManager.default.removeItem(atPath: "\(dir)/fr/contact_code.subject.mustache")
        XCTAssertThrowsError(try MessageTemplates(directory: dir))
    }
}

final class SMSLengthTests: XCTestCase {
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
    }
}
