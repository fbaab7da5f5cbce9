import Domain
import Foundation
import I18n
import XCTest

@testable import Web

/// The language registry, CLDR plurals, placeholders, French fallback and `make i18n-check`.
final class CatalogueTests: XCTestCase {
    var catalogues: Catalogues!

    override func setUpWithError() throws {
        catalogues = try Catalogues(directory: projectRoot + "/Locales")
    }

    // MARK: registry

    func testTheRegistryHasTenLanguagesEachNamedInItsOwnScript() {
        XCTAssertEqual(Language.all.map(\.code), ["fr", "en", "ar", "prs", "ps", "ti", "bn", "ru", "tr", "ka"])
        XCTAssertEqual(Set(Language.all.filter(\.rightToLeft).map(\.code)), ["ar", "prs", "ps"])
        let scripts: [String: ClosedRange<UInt32>] = [
            "ar": 0x600...0x6FF, "prs": 0x600...0x6FF, "ps": 0x600...0x6FF, "ti": 0x1200...0x137F,
            "bn": 0x980...0x9FF, "ru": 0x400...0x4FF, "ka": 0x10A0...0x10FF,
        ]
        for (code, range) in scripts {
            let name = Language.named(code)!.nativeName
            XCTAssertTrue(name.unicodeScalars.allSatisfy { range.contains($0.value) || $0 == " " }, "\(code): \(name)")
        }
        XCTAssertEqual(Language.french.status, .reviewed, "French is the source every language falls back to")
    }

    func testEveryLanguageHasACatalogueFileAndDatesInItsLocale() throws {
        let day = Date(timeIntervalSince1970: 1_795_000_000)  // Wednesday 18 November 2026
        for language in Language.all {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(projectRoot)/Locales/\(language.code).json"), language.code)
            let text = DisplayFormat.date(day, language)
            XCTAssertFalse(text.contains("1405"), "\(language.code): Gregorian calendar, not Solar Hijri: \(text)")
            XCTAssertFalse(text.contains("Wednesday") && language != .english, "\(language.code) fell back to English: \(text)")
        }
        XCTAssertTrue(DisplayFormat.date(day, Language.named("prs")!).contains("۲۰۲۶"), "fa-AF writes Persian digits")
        XCTAssertTrue(DisplayFormat.date(day, Language.named("ru")!).contains("ноября"))
    }

    func testAcceptLanguageNegotiation() {
        XCTAssertEqual(Language.negotiate(acceptLanguage: "ar-MA,ar;q=0.9,fr;q=0.8")?.code, "ar")
        XCTAssertEqual(Language.negotiate(acceptLanguage: "ps,en;q=0.5,fr;q=0.7")?.code, "ps")
        XCTAssertEqual(Language.negotiate(acceptLanguage: "en-GB")?.code, "en")
        XCTAssertEqual(Language.negotiate(acceptLanguage: "fa-AF,en;q=0.3")?.code, "prs", "Persian browsers read Dari")
        XCTAssertEqual(Language.negotiate(acceptLanguage: "so,ti;q=0.4")?.code, "ti")
        XCTAssertNil(Language.negotiate(acceptLanguage: "so,ur"))
        XCTAssertNil(Language.negotiate(acceptLanguage: "fr;q=0"))
    }

    /// Each language's input digits type a date and an AGDREF number.
    func testDigitsOfEveryRegistryScriptAreReadInDatesAndIdentifiers() {
        for language in Language.all {
            for system in language.inputDigits {
                let d = Array(system.digits)
                let date = "\(d[2])\(d[7])/\(d[0])\(d[3])/\(d[2])\(d[0])\(d[2])\(d[6])"
                XCTAssertEqual(CivilDate(typed: date)?.iso, "2026-03-27", "\(language.code) \(system): \(date)")
                let agdref = String((0..<10).map { d[$0] })
                XCTAssertEqual(AGDREFNumber(agdref)?.digits, "0123456789", "\(language.code) \(system)")
            }
        }
    }

    // MARK: plurals

    func testPluralCategoriesFor0_1_2_3_11_100() {
        let counts = [0, 1, 2, 3, 11, 100]
        XCTAssertEqual(counts.map(PluralRule.french.category), [.one, .one, .other, .other, .other, .other])
        XCTAssertEqual(PluralRule.french.category(1_000_000), .many)
        XCTAssertEqual(counts.map(PluralRule.arabic.category), [.zero, .one, .two, .few, .many, .other])
        XCTAssertEqual([103, 111, 1_002].map(PluralRule.arabic.category), [.few, .many, .other])
        XCTAssertEqual(counts.map(PluralRule.eastSlavic.category), [.many, .one, .few, .few, .many, .many])
        XCTAssertEqual([21, 22, 25, 112].map(PluralRule.eastSlavic.category), [.one, .few, .many, .many])
        XCTAssertEqual(counts.map(PluralRule.oneIsSingular.category), [.other, .one, .other, .other, .other, .other])
    }

    func testPluralTextsInFrenchArabicAndRussian() throws {
        let fr = catalogues[.french]
        XCTAssertEqual(
            [0, 1, 2, 11].map { fr.text("documents.deadline.days_left", count: $0) },
            ["il reste 0 jour", "il reste 1 jour", "il reste 2 jours", "il reste 11 jours"])
        let ar = catalogues[.arabic]
        XCTAssertEqual(
            [1, 2, 3, 11, 100].map { ar.text("documents.deadline.days_left", count: $0) },
            ["بقي يوم واحد", "بقي يومان", "بقيت 3 أيام", "بقي 11 يومًا", "بقي 100 يوم"])
        let russian = try Catalogue(
            language: Language.named("ru")!,
            json: Data(
                #"{"d": {"left_one": "остался {{count}} день", "left_few": "осталось {{count}} дня", "left_many": "осталось {{count}} дней"}}"#
                    .utf8),
            fallback: fr)
        XCTAssertEqual(
            [0, 1, 2, 3, 11, 100, 21].map { russian.text("d.left", count: $0) },
            [
                "осталось 0 дней", "остался 1 день", "осталось 2 дня", "осталось 3 дня", "осталось 11 дней", "осталось 100 дней",
                "остался 21 день",
            ])
    }

    func testAPluralALanguageLacksIsFrenchAsAWhole() throws {
        let fr = catalogues[.french]
        let ru = try Catalogue(language: Language.named("ru")!, json: Data("{}".utf8), fallback: fr)
        XCTAssertEqual(ru.text("documents.deadline.days_left", count: 5), "il reste 5 jours", "French's rule, not Russian 'many'")
    }

    // MARK: placeholders and fallback

    func testPlaceholdersAreFilledOnceAndByName() {
        XCTAssertEqual(Catalogue.format("Il reste {{n}} jours", ["n": "3"]), "Il reste 3 jours")
        XCTAssertEqual(Catalogue.format("{{ a }}-{{b}}", ["a": "{{b}}", "b": "x"]), "{{b}}-x", "a value is never read as a placeholder")
        XCTAssertEqual(Catalogue.format("{{unknown}} {{ {single}", ["a": "1"]), "{{unknown}} {{ {single}")
        XCTAssertEqual(catalogues[.french].text("no.such.key"), "no.such.key")
    }

    func testABetaLanguageShowsFrenchWhereItHasNoTextAndSaysSo() throws {
        let fr = try Catalogue(language: .french, json: Data(#"{"a": {"x": "oui", "y": "non"}}"#.utf8))
        let tr = try Catalogue(language: Language.named("tr")!, json: Data(#"{"a": {"x": "evet", "y": ""}}"#.utf8), fallback: fr)
        XCTAssertEqual(tr.text("a.x"), "evet")
        XCTAssertEqual(tr.text("a.y"), "non")
        XCTAssertEqual(tr.fallbackKeys, ["a.y"])
        XCTAssertEqual((tr.tree["a"] as? [String: Any])?["y"] as? String, "non")
        XCTAssertThrowsError(
            try Catalogue(language: .english, json: Data(#"{"a": {"x": "yes"}}"#.utf8), fallback: fr),
            "a reviewed language must be complete")
    }

    func testBetaPagesCarryTheNoticeThatFrenchPrevails() throws {
        let views = try ViewLibrary(directory: projectRoot + "/Views", catalogues: catalogues)
        for language in Language.all {
            let html = views.render("error", ["title": "x", "switcherHref": "/?"], language: language)
            XCTAssertEqual(html.contains("beta-notice"), language.isBeta, language.code)
            XCTAssertTrue(html.contains(#"<html lang="\#(language.code)" dir="\#(language.dir)">"#), language.code)
        }
    }

    // MARK: make i18n-check

    func testTheCataloguesPassTheCheck() throws {
        let scan = try CatalogueKeyScanner.scan(views: projectRoot + "/Views", sources: projectRoot + "/Sources/Web")
        let audit = CatalogueAudit(
            catalogues: catalogues, literalKeys: scan.literals, interpolations: scan.interpolations, families: RuntimeKeys.families)
        XCTAssertEqual(audit.failures, [])
        XCTAssertGreaterThan(scan.literals.count, 300)
        XCTAssertTrue(scan.interpolations.contains("documents.kinds.{}"))
    }

    func testTheCheckFailsOnAMissingReviewedTextAnUnusedKeyAndAnUndeclaredFamily() throws {
        let fr = try Catalogue(language: .french, json: Data(#"{"a": {"x": "oui {{n}}", "y": "non", "k": {"one": "un"}}}"#.utf8))
        let en = try Catalogue(language: .english, json: Data(#"{"a": {"x": "yes {{m}}", "y": "no", "k": {"one": "one"}}}"#.utf8))
        var byCode = ["fr": fr, "en": en]
        for language in Language.all where byCode[language.code] == nil {
            byCode[language.code] = try Catalogue(language: language, json: Data("{}".utf8), fallback: fr)
        }
        var broken = CatalogueAudit(
            catalogues: Catalogues(byCode), literalKeys: ["a.x", "a.z"], interpolations: ["a.k.{}", "roles.{}"],
            families: [.init("a.k.", ["one"])])
        XCTAssertEqual(
            Set(broken.failures),
            [
                "used but not in fr.json: a.z", "key built at run time without a declared family (RuntimeKeys): roles.{}",
                "unused: a.y", "en: placeholders differ from French in a.x",
            ])
        // An English text missing from the file (read without fallback, as a test can) is a failure.
        byCode["en"] = try Catalogue(language: .english, json: Data(#"{"a": {"x": "yes {{n}}"}}"#.utf8))
        broken = CatalogueAudit(
            catalogues: Catalogues(byCode), literalKeys: ["a.x", "a.y"], interpolations: [], families: [.init("a.k.", nil)])
        XCTAssertEqual(Set(broken.failures), ["en (reviewed): missing a.k.one", "en (reviewed): missing a.y"])
    }

    /// Every action the audit trail records is shown to people: each needs its words.
    func testEveryAuditedActionHasALabel() throws {
        let keys = Set(catalogues[.french].flat.keys)
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
