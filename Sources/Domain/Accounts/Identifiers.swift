/// The AGDREF number ("numéro étranger"): exactly 10 digits, printed on the asylum
/// attestation and the GUDA notice. Spaces are allowed when typed and dropped; digits
/// typed in another script (Arabic-Indic, Persian…) are read as digits.
public struct AGDREFNumber: Hashable, Sendable, CustomStringConvertible {
    public static let digitCount = 10
    public let digits: String

    public init?(_ input: String) {
        let candidate = TypedInput.removingWhitespace(TypedInput.asciiDigits(input))
        guard candidate.count == Self.digitCount, candidate.allSatisfy(\.isASCIIDigit) else { return nil }
        digits = candidate
    }

    public var description: String { digits }
}

/// An OFPRA file number. ASSUMPTION (no public specification): an optional prefix of 1 to 3
/// Latin letters followed by 2 to 12 digits, stored upper-case without spaces.
public struct OFPRAFileNumber: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public init?(_ input: String) {
        let candidate = TypedInput.removingWhitespace(TypedInput.asciiDigits(input)).uppercased()
        let prefix = candidate.prefix { $0.isASCII && $0.isLetter }
        let number = candidate.dropFirst(prefix.count)
        guard prefix.count <= 3, (2...12).contains(number.count), number.allSatisfy(\.isASCIIDigit)
        else { return nil }
        value = candidate
    }

    public var description: String { value }
}

/// What a person types in the login field: either identifier is accepted.
public enum ApplicantIdentifier: Hashable, Sendable {
    case agdref(AGDREFNumber)
    case ofpra(OFPRAFileNumber)

    /// Exactly ten digits read as AGDREF (the number on the notice everyone holds); an OFPRA
    /// number of ten bare digits is therefore taken as AGDREF, and the web layer may retry
    /// it as an OFPRA number when no account matches.
    public static func parse(_ input: String) -> ApplicantIdentifier? {
        if let agdref = AGDREFNumber(input) { return .agdref(agdref) }
        return OFPRAFileNumber(input).map(ApplicantIdentifier.ofpra)
    }
}
