/// A status OFPRA (or the CNDA) granted, with the civil status OFPRA established: what the ANEF
/// side knows of a protected person. Raw values are stored: never rename them.
public enum ProtectionKind: String, Sendable, CaseIterable {
    case refugee = "refugee"
    case subsidiaryProtection = "subsidiary_protection"
    /// Stateless people still file at the prefecture, not online (the rule since 2022).
    case stateless = "stateless"

    public var filesOnline: Bool { self != .stateless }

    /// The status a deposited OFPRA decision grants, if it grants one.
    public init?(decision: DocumentKind) {
        switch decision {
        case .decisionRefugeeStatus: self = .refugee
        case .decisionSubsidiaryProtection: self = .subsidiaryProtection
        default: return nil
        }
    }
}

/// Who took the decision: OFPRA itself, or the asylum court on appeal (OFPRA records it).
public enum ProtectionAuthority: String, Sendable, CaseIterable {
    case ofpra, cnda
}

public struct ProtectionRecord: Sendable, Equatable {
    public var id: Int64
    public var kind: ProtectionKind
    public var grantedBy: ProtectionAuthority
    public var grantedOn: CivilDate
    public var ofpraNumber: String
    public var foreignerNumber: String?
    public var surnames: String
    public var givenNames: String
    public var birthDate: CivilDate
    public var birthPlace: String
    /// nil for a stateless person.
    public var nationality: String?

    public init(
        id: Int64, kind: ProtectionKind, grantedBy: ProtectionAuthority, grantedOn: CivilDate, ofpraNumber: String,
        foreignerNumber: String?, surnames: String, givenNames: String, birthDate: CivilDate, birthPlace: String,
        nationality: String?
    ) {
        self.id = id
        self.kind = kind
        self.grantedBy = grantedBy
        self.grantedOn = grantedOn
        self.ofpraNumber = ofpraNumber
        self.foreignerNumber = foreignerNumber
        self.surnames = surnames
        self.givenNames = givenNames
        self.birthDate = birthDate
        self.birthPlace = birthPlace
        self.nationality = nationality
    }
}

/// The one way the ANEF side reads OFPRA's records. Today a query on the shared database; the
/// protocol is what a client of OFPRA's web service would implement instead.
public protocol ProtectionLookup {
    func protection(foreignerNumber: String) throws -> ProtectionRecord?
    func protection(ofpraNumber: String) throws -> ProtectionRecord?
}

/// A foreigner number as the ANEF service takes it: 9 or 10 digits (guides disagree; both
/// exist), typed with spaces or in another script's digits.
public struct ForeignerNumber: Hashable, Sendable, CustomStringConvertible {
    public let digits: String

    public init?(_ input: String) {
        let candidate = TypedInput.removingWhitespace(TypedInput.asciiDigits(input))
        guard (9...10).contains(candidate.count), candidate.allSatisfy(\.isASCIIDigit) else { return nil }
        digits = candidate
    }

    public var description: String { digits }
}

/// What a person types to find their protection: the foreigner number or the OFPRA number.
public enum ProtectionIdentifier: Hashable, Sendable {
    case foreigner(ForeignerNumber)
    case ofpra(OFPRAFileNumber)

    /// Bare digits of the foreigner number's length read as a foreigner number first.
    public static func parse(_ input: String) -> ProtectionIdentifier? {
        if let n = ForeignerNumber(input) { return .foreigner(n) }
        return OFPRAFileNumber(input).map(ProtectionIdentifier.ofpra)
    }

    public func find(in lookup: some ProtectionLookup) throws -> ProtectionRecord? {
        switch self {
        case .foreigner(let n):
            // Ten digits may also be an OFPRA number: try it as one when no foreigner number matches.
            if let found = try lookup.protection(foreignerNumber: n.digits) { return found }
            return try lookup.protection(ofpraNumber: n.digits)
        case .ofpra(let n): return try lookup.protection(ofpraNumber: n.value)
        }
    }
}

extension VerificationCode {
    /// The digits of a code as typed: spaces dropped, other scripts' digits read as ASCII.
    public static func typedDigits(_ input: String) -> String {
        TypedInput.asciiDigits(input).filter(\.isASCIIDigit)
    }
}
