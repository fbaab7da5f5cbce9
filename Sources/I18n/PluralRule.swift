/// CLDR plural categories (https://cldr.unicode.org/index/cldr-spec/plural-rules): the forms a
/// language's grammar distinguishes for a count. Catalogue keys end in `_<category>`.
public enum PluralCategory: String, CaseIterable, Sendable {
    case zero, one, two, few, many, other
}

/// The CLDR cardinal rules of the registry's languages, for whole numbers (every count the
/// site shows is one: days, minutes, people). Each case is a rule family of CLDR's
/// `plurals.xml`, named after the languages that share it.
public enum PluralRule: String, Sendable, CaseIterable {
    /// fr: one for 0 and 1; many for exact millions ("1 000 000 de jours").
    case french
    /// en, tr, ka, ps: one for 1.
    case oneIsSingular
    /// fa/prs, bn, ti: one for 0 and 1 (CLDR `i = 0 or n = 1`, `n = 0..1`).
    case zeroAndOneAreSingular
    /// ar: zero, one, two, few (3–10), many (11–99), other — modulo 100.
    case arabic
    /// ru: one (1, 21…), few (2–4, 22–24…), many (0, 5–20, 25–30…); other is for fractions.
    case eastSlavic

    public func category(_ count: Int) -> PluralCategory {
        let n = count.magnitude
        let mod10 = n % 10
        let mod100 = n % 100
        switch self {
        case .french:
            if n <= 1 { return .one }
            return n % 1_000_000 == 0 ? .many : .other
        case .oneIsSingular:
            return n == 1 ? .one : .other
        case .zeroAndOneAreSingular:
            return n <= 1 ? .one : .other
        case .arabic:
            switch n {
            case 0: return .zero
            case 1: return .one
            case 2: return .two
            default:
                if (3...10).contains(mod100) { return .few }
                if (11...99).contains(mod100) { return .many }
                return .other
            }
        case .eastSlavic:
            if mod10 == 1 && mod100 != 11 { return .one }
            if (2...4).contains(mod10) && !(12...14).contains(mod100) { return .few }
            return .many
        }
    }

    /// The categories a translator writes for this rule (`other` is always there: it is the
    /// fallback and CLDR's category for fractions).
    public var categories: [PluralCategory] {
        switch self {
        case .french: [.one, .many, .other]
        case .oneIsSingular, .zeroAndOneAreSingular: [.one, .other]
        case .arabic: [.zero, .one, .two, .few, .many, .other]
        case .eastSlavic: [.one, .few, .many, .other]
        }
    }
}
