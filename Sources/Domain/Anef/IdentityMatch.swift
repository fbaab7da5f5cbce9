import Foundation

/// Compares what a person typed with the civil status OFPRA established. The prefecture only
/// knows OFPRA's spelling, so a difference must be fixed, not guessed around: case, spacing and
/// accents are forgiven (phones and keyboards differ), letters and their order are not.
public enum IdentityMatch {
    public enum Field: String, Sendable, CaseIterable {
        case surnames
        case givenNames = "given_names"
        case birthDate = "birth_date"
    }

    /// The fields that differ, in form order; empty when everything matches.
    public static func differences(
        surnames: String, givenNames: String, birthDate: CivilDate?, against record: ProtectionRecord
    ) -> [Field] {
        var out: [Field] = []
        if normalized(surnames) != normalized(record.surnames) { out.append(.surnames) }
        if normalized(givenNames) != normalized(record.givenNames) { out.append(.givenNames) }
        if birthDate != record.birthDate { out.append(.birthDate) }
        return out
    }

    /// Upper case without accents; hyphens, apostrophes and runs of spaces count as one space
    /// ("Marie-Claire" = "MARIE CLAIRE", "N'DIAYE" = "N DIAYE"); ß, Æ and Ø fold as in French.
    public static func normalized(_ name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
            .replacingOccurrences(of: "ß", with: "ss").replacingOccurrences(of: "æ", with: "ae")
            .replacingOccurrences(of: "œ", with: "oe").replacingOccurrences(of: "ø", with: "o")
        let separators: Set<Character> = ["-", "'", "’", "‘", "ʼ", ",", "."]
        let spaced = String(folded.map { separators.contains($0) || $0.isWhitespace ? " " : $0 })
        return spaced.split(separator: " ").joined(separator: " ").uppercased()
    }
}
