import Foundation
import XCTest

@testable import Web

/// Every string a page shows comes from the catalogues: these tests fail when a language
/// lacks a key, or when a template or the code asks for a key no catalogue has.
final class CatalogueTests: XCTestCase {
    var catalogues: Catalogues!

    override func setUpWithError() throws {
        catalogues = try Catalogues(directory: projectRoot + "/Locales")
    }

    func testEveryLanguageHasEveryKey() {
        XCTAssertEqual(catalogues.inconsistencies(), [])
    }

    func testEveryKeyUsedByATemplateExists() throws {
        let keys = Set(catalogues.byCode["fr"]!.flat.keys)
        let pattern = try NSRegularExpression(pattern: #"\{\{[#^/]?\s*t\.([A-Za-z0-9_.]+)\s*\}\}"#)
        var used = 0
        for (path, text) in try files(under: projectRoot + "/Views", suffix: ".mustache") where !path.contains("/messages/") {
            for m in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let key = String(text[Range(m.range(at: 1), in: text)!])
                used += 1
                // A section ({{#t.errors}}) may name a group rather than a message.
                let isGroup = keys.contains { $0.hasPrefix(key + ".") }
                XCTAssertTrue(keys.contains(key) || isGroup, "\(path) uses t.\(key), missing from the catalogues")
            }
        }
        XCTAssertGreaterThan(used, 10)
    }

    func testEveryLiteralKeyInTheCodeExists() throws {
        let keys = Set(catalogues.byCode["fr"]!.flat.keys)
        let pattern = try NSRegularExpression(pattern: #"(?:text\(|[Kk]ey: |title: )"([a-z_]+\.[a-z0-9_.]+)""#)
        var used = 0
        for (path, text) in try files(under: projectRoot + "/Sources/Web", suffix: ".swift") {
            for m in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let key = String(text[Range(m.range(at: 1), in: text)!])
                used += 1
                XCTAssertTrue(keys.contains(key), "\(path) uses \"\(key)\", missing from the catalogues")
            }
        }
        XCTAssertGreaterThan(used, 3)
    }

    /// Every action the audit trail records is shown to people: each needs its words.
    func testEveryAuditedActionHasALabel() throws {
        let keys = Set(catalogues.byCode["fr"]!.flat.keys)
        let pattern = try NSRegularExpression(pattern: #"Audit\.record\(ctx, "([a-z_]+)""#)
        var used = 0
        for (path, text) in try files(under: projectRoot + "/Sources/Web", suffix: ".swift") {
            for m in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let action = String(text[Range(m.range(at: 1), in: text)!])
                used += 1
                XCTAssertTrue(keys.contains("audit.actions.\(action)"), "\(path) records \(action) with no audit.actions label")
            }
        }
        XCTAssertGreaterThan(used, 10)
    }

    func testArabicIsRightToLeftAndOthersAreNot() {
        XCTAssertEqual(Language.arabic.dir, "rtl")
        XCTAssertEqual(Language.french.dir, "ltr")
        XCTAssertEqual(Language.english.dir, "ltr")
    }

    func testAcceptLanguageNegotiation() {
        XCTAssertEqual(Language.negotiate(acceptLanguage: "ar-MA,ar;q=0.9,fr;q=0.8")?.code, "ar")
        XCTAssertEqual(Language.negotiate(acceptLanguage: "ps,en;q=0.5,fr;q=0.7")?.code, "fr")
        XCTAssertEqual(Language.negotiate(acceptLanguage: "en-GB")?.code, "en")
        XCTAssertNil(Language.negotiate(acceptLanguage: "ti,prs"))
        XCTAssertNil(Language.negotiate(acceptLanguage: "fr;q=0"))
    }

    func testPlaceholdersAreFilled() {
        let cat = catalogues.byCode["fr"]!
        XCTAssertEqual(Catalogue.format("Il reste {n} jours", ["n": "3"]), "Il reste 3 jours")
        XCTAssertEqual(cat.text("no.such.key"), "no.such.key")
    }

    private func files(under dir: String, suffix: String) throws -> [(String, String)] {
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: dir) else { return [] }
        var out = [(String, String)]()
        while let rel = walker.nextObject() as? String {
            guard rel.hasSuffix(suffix) else { continue }
            out.append((rel, try String(contentsOfFile: dir + "/" + rel, encoding: .utf8)))
        }
        return out
    }
}
