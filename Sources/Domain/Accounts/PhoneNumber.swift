import Foundation

/// A phone number stored in E.164 form (`+33612345678`).
///
/// Accepted: French national numbers (`06 12 34 56 78`), `+33`/`0033` forms (with or without
/// the trunk 0, as in `+33 (0)6…`), numbers of the overseas departments written nationally
/// (`0692…` becomes `+262 692…`), and any international number: "+" or "00", then 8 to 15
/// digits. French numbers (metropolitan and overseas country codes) must have nine digits
/// after the country code. Spaces, dots, dashes, slashes and parentheses are ignored;
/// anything else is refused.
public struct PhoneNumber: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case mobile
        /// A French number that is not a mobile (geographic, 08 services, 09 internet boxes).
        case landline
        /// A foreign number: the portal cannot tell, so it may try SMS.
        case unknown
    }

    public let e164: String
    public let kind: Kind

    public init?(_ input: String) {
        guard let e164 = Self.e164(from: input) else { return nil }
        self.e164 = e164
        kind = Self.kind(ofE164: e164)
    }

    public var description: String { e164 }

    /// SMS are only sent to French mobiles, or to foreign numbers we cannot classify.
    public var canReceiveSMS: Bool { kind != .landline }

    /// For pages and messages that confirm where a code went: `+33 6 •• •• •• 78`.
    public var masked: String {
        let digits = Array(e164.dropFirst())
        let last = String(digits.suffix(2))
        if let plan = Self.frenchPlans.first(where: { digits.starts(with: $0.countryCode) }) {
            let national = digits.dropFirst(plan.countryCode.count)
            let hidden = national.count - plan.visibleLead - 2
            return "+\(plan.countryCode) \(String(national.prefix(plan.visibleLead))) "
                + Array(repeating: "••", count: hidden / 2).joined(separator: " ") + " " + last
        }
        return "+\(String(digits.prefix(2))) \(String(repeating: "•", count: digits.count - 4)) \(last)"
    }

    // MARK: - Numbering plans

    /// French numbering areas: their country code, how many national digits stay visible
    /// when masked, and national prefixes (after the trunk 0) for mobiles and landlines.
    struct FrenchPlan {
        let countryCode: String
        let visibleLead: Int
        let mobilePrefixes: [String]
        let landlinePrefixes: [String]
    }

    static let frenchPlans: [FrenchPlan] = [
        FrenchPlan(
            countryCode: "33", visibleLead: 1, mobilePrefixes: ["6", "7"],
            landlinePrefixes: ["1", "2", "3", "4", "5", "8", "9"]),
        // Réunion and Mayotte.
        FrenchPlan(
            countryCode: "262", visibleLead: 3, mobilePrefixes: ["692", "693", "639"],
            landlinePrefixes: ["262", "269"]),
        FrenchPlan(countryCode: "590", visibleLead: 3, mobilePrefixes: ["690"], landlinePrefixes: ["590"]),
        FrenchPlan(countryCode: "594", visibleLead: 3, mobilePrefixes: ["694"], landlinePrefixes: ["594"]),
        FrenchPlan(countryCode: "596", visibleLead: 3, mobilePrefixes: ["696"], landlinePrefixes: ["596"]),
    ]

    private static let metropolitan = frenchPlans[0]
    private static let overseasPlans = frenchPlans.dropFirst()

    private static func e164(from input: String) -> String? {
        let ignored: Set<Character> = [".", "-", "(", ")", "/"]
        var text = TypedInput.removingWhitespace(TypedInput.asciiDigits(input))
        text = text.replacingOccurrences(of: "(0)", with: "")
        text = String(text.filter { !ignored.contains($0) })
        if text.hasPrefix("00") { text = "+" + text.dropFirst(2) }

        if text.hasPrefix("+") {
            var digits = String(text.dropFirst())
            guard digits.allSatisfy(\.isASCIIDigit) else { return nil }
            // "+33 06…": the trunk 0 kept by mistake after the French country code.
            if digits.hasPrefix("330"), digits.count == 12 { digits = "33" + digits.dropFirst(3) }
            if let plan = frenchPlans.first(where: { digits.hasPrefix($0.countryCode) }) {
                return isFrenchNationalNumber(digits.dropFirst(plan.countryCode.count)) ? "+" + digits : nil
            }
            guard (8...15).contains(digits.count), digits.first != "0" else { return nil }
            return "+" + digits
        }

        // National form: 0 followed by nine digits.
        guard text.count == 10, text.first == "0", text.allSatisfy(\.isASCIIDigit) else { return nil }
        let national = String(text.dropFirst())
        if let plan = overseasPlans.first(where: { plan in
            (plan.mobilePrefixes + plan.landlinePrefixes).contains { national.hasPrefix($0) }
        }) {
            return "+" + plan.countryCode + national
        }
        return isFrenchNationalNumber(Substring(national)) ? "+33" + national : nil
    }

    private static func isFrenchNationalNumber(_ national: Substring) -> Bool {
        national.count == 9 && national.first != "0" && national.allSatisfy(\.isASCIIDigit)
    }

    private static func kind(ofE164 e164: String) -> Kind {
        let digits = e164.dropFirst()
        for plan in frenchPlans where digits.hasPrefix(plan.countryCode) {
            let national = digits.dropFirst(plan.countryCode.count)
            if plan.mobilePrefixes.contains(where: { national.hasPrefix($0) }) { return .mobile }
            if plan.landlinePrefixes.contains(where: { national.hasPrefix($0) }) { return .landline }
        }
        return .unknown
    }
}
