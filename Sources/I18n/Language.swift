/// A language the site speaks: pages, SMS, e-mails and reminders. `Language.all` is the one
/// registry; adding a language is an entry here and a `Locales/<code>.json` file (README).
public struct Language: Sendable, Equatable, Hashable {
    public enum Direction: String, Sendable {
        case leftToRight = "ltr"
        case rightToLeft = "rtl"
    }

    /// `reviewed`: checked by a fluent reader, must be complete (start-up and `make i18n-check`
    /// refuse a missing key). `beta`: may be partial; each missing text falls back to French and
    /// pages carry a notice that the French text prevails.
    public enum Status: String, Sendable {
        case reviewed, beta
    }

    /// BCP 47 tag, also the catalogue's file name and the `lang` attribute.
    public let code: String
    /// The language's own name in its own script, shown in the switcher.
    public let nativeName: String
    /// For staff pages and logs.
    public let englishName: String
    public let direction: Direction
    public let plural: PluralRule
    /// The ICU locale dates are written in. Always the Gregorian calendar: the letters from
    /// OFPRA and the prefecture carry Gregorian dates, and the person compares them with ours.
    public let dateLocale: String
    /// Digit systems people type in this language (CLDR numbering-system names). Inputs accept
    /// all of them, whatever the page's language: a keyboard is not always set to the page.
    public let inputDigits: [DigitSystem]
    public let status: Status

    public var rightToLeft: Bool { direction == .rightToLeft }
    public var dir: String { direction.rawValue }
    public var isBeta: Bool { status == .beta }

    public static let french = Language(
        code: "fr", nativeName: "Français", englishName: "French", direction: .leftToRight, plural: .french,
        dateLocale: "fr_FR", inputDigits: [.latn], status: .reviewed)
    public static let english = Language(
        code: "en", nativeName: "English", englishName: "English", direction: .leftToRight, plural: .oneIsSingular,
        dateLocale: "en_FR", inputDigits: [.latn], status: .reviewed)
    public static let arabic = Language(
        code: "ar", nativeName: "العربية", englishName: "Arabic", direction: .rightToLeft, plural: .arabic,
        dateLocale: "ar-u-nu-latn-ca-gregory", inputDigits: [.latn, .arab], status: .beta)

    /// French first (the language of the procedure), then by how many people the structures
    /// meet who read it. Status `beta` for every language no fluent reader has checked yet.
    public static let all: [Language] = [
        .french, .english, .arabic,
        Language(
            code: "prs", nativeName: "دری", englishName: "Dari", direction: .rightToLeft, plural: .zeroAndOneAreSingular,
            dateLocale: "fa-AF-u-ca-gregory", inputDigits: [.latn, .arabext, .arab], status: .beta),
        Language(
            code: "ps", nativeName: "پښتو", englishName: "Pashto", direction: .rightToLeft, plural: .oneIsSingular,
            dateLocale: "ps-AF-u-ca-gregory", inputDigits: [.latn, .arabext, .arab], status: .beta),
        Language(
            code: "ti", nativeName: "ትግርኛ", englishName: "Tigrinya", direction: .leftToRight, plural: .zeroAndOneAreSingular,
            dateLocale: "ti_ER", inputDigits: [.latn], status: .beta),
        Language(
            code: "bn", nativeName: "বাংলা", englishName: "Bengali", direction: .leftToRight, plural: .zeroAndOneAreSingular,
            dateLocale: "bn_BD", inputDigits: [.latn, .beng], status: .beta),
        Language(
            code: "ru", nativeName: "Русский", englishName: "Russian", direction: .leftToRight, plural: .eastSlavic,
            dateLocale: "ru_RU", inputDigits: [.latn], status: .beta),
        Language(
            code: "tr", nativeName: "Türkçe", englishName: "Turkish", direction: .leftToRight, plural: .oneIsSingular,
            dateLocale: "tr_TR", inputDigits: [.latn], status: .beta),
        Language(
            code: "ka", nativeName: "ქართული", englishName: "Georgian", direction: .leftToRight, plural: .oneIsSingular,
            dateLocale: "ka_GE", inputDigits: [.latn], status: .beta),
    ]

    /// Kept under its old name: the interface's languages are the registry.
    public static var supported: [Language] { all }

    private static let byCode: [String: Language] = Dictionary(uniqueKeysWithValues: all.map { ($0.code, $0) })

    /// `prs`, `PRS` or `prs-AF` (a region or script subtag is ignored).
    public static func named(_ code: String) -> Language? {
        if let exact = byCode[code] { return exact }
        let lowered = code.lowercased()
        if let l = byCode[lowered] { return l }
        return lowered.split(separator: "-").first.flatMap { byCode[String($0)] }
    }

    /// A stored or requested language made usable: unknown codes read as French.
    public static func orFrench(_ code: String) -> Language { named(code) ?? .french }

    /// Picks a language from an Accept-Language header, honouring q-values. The header is
    /// whatever the client sent (`;`, `,,`, `q=nan`): odd items are skipped, never trusted.
    /// A browser set to Persian (`fa`, `fa-AF`) gets Dari: the written languages are one.
    public static func negotiate(acceptLanguage header: String) -> Language? {
        var best: (language: Language, q: Double)?
        for item in header.split(separator: ",") {
            // Keeps empty pieces so `;fr` is an empty tag, not the tag `fr`.
            let parts = item.split(separator: ";", omittingEmptySubsequences: false)
            guard let tag = parts.first?.trimmingSpacesAndLowercased(), !tag.isEmpty else { continue }
            var q = 1.0
            for p in parts.dropFirst() {
                let kv = p.split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0].trimmingSpacesAndLowercased() == "q" { q = Double(kv[1].trimmingSpacesAndLowercased()) ?? 0 }
            }
            // RFC 9110 weights are 0...1; anything else (nan, inf, -1) counts as "not acceptable".
            guard q > 0, q <= 1, let primary = tag.split(separator: "-").first else { continue }
            guard let lang = named(primary == "fa" ? "prs" : String(primary)) else { continue }
            if best.map({ q > $0.q }) ?? true { best = (lang, q) }
        }
        return best?.language
    }
}

/// CLDR numbering systems people type digits in.
public enum DigitSystem: String, Sendable, CaseIterable {
    case latn, arab, arabext, beng

    /// The ten digits, 0 to 9.
    public var digits: String {
        let zero: UInt32 =
            switch self {
            case .latn: 0x30
            case .arab: 0x660
            case .arabext: 0x6F0
            case .beng: 0x9E6
            }
        return String(String.UnicodeScalarView((0..<10).map { Unicode.Scalar(zero + $0)! }))
    }
}

extension Substring {
    func trimmingSpacesAndLowercased() -> String {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s.lowercased()
    }
}
