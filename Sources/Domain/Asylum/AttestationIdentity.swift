import Foundation

/// What a professional reads off the person's attestation (surname, birth date, AGDREF number)
/// before recovering a key for them, compared with the record. Case, spaces, hyphens and accents
/// do not count ("N'DIAYE-Sow" = "ndiaye sow"); the AGDREF number compares by its digits.
public struct AttestationIdentity: Sendable, Equatable {
    public let surname: String
    public let birthDate: CivilDate
    public let agdref: String

    public init(surname: String, birthDate: CivilDate, agdref: String) {
        (self.surname, self.birthDate, self.agdref) = (surname, birthDate, agdref)
    }

    /// True when every typed item matches the record.
    public func matches(surname recordSurname: String, birthDate recordBirth: CivilDate, agdref recordAgdref: String?) -> Bool {
        guard let recordAgdref, !Self.digits(agdref).isEmpty else { return false }
        return Self.normalizedName(surname) == Self.normalizedName(recordSurname) && birthDate == recordBirth
            && Self.digits(agdref) == Self.digits(recordAgdref)
    }

    /// Letters and digits only, lower case, without diacritics.
    public static func normalizedName(_ s: String) -> String {
        let folded = s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: Locale(identifier: "fr_FR"))
        return String(folded.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }

    static func digits(_ s: String) -> String { s.filter { $0.isASCII && $0.isNumber } }
}
