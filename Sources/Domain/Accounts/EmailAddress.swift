import Foundation

/// The one e-mail rule, shared by every form and by the outbox (which refuses what it could not
/// put in an SMTP envelope or a header). Lenient on purpose: one @, a dot in the domain, no
/// spaces, controls or mail-syntax characters (`<>()[],;:\"`), which are legal only in quoted
/// forms nobody types and which the outbox would refuse later. Real validation is the
/// confirmation code sent to the address.
public struct EmailAddress: Equatable, Sendable, CustomStringConvertible {
    public let value: String

    /// Trims and lowercases what a person typed, then applies the rule.
    public init?(_ raw: String) {
        let s = raw.trimmingCharacters(in: .whitespaces).lowercased()
        guard Self.isWellFormed(s) else { return nil }
        value = s
    }

    /// The rule itself, on an address as it will be used (no trimming).
    public static func isWellFormed(_ s: String) -> Bool {
        guard s.utf8.count <= 254 else { return false }
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix(".")
        else { return false }
        return s.unicodeScalars.allSatisfy { c in
            c.value > 32 && c.value != 127 && !(0x80...0x9F).contains(c.value) && !c.properties.isWhitespace
                && !forbidden.unicodeScalars.contains(c)
        }
    }

    static let forbidden = "<>()[],;:\\\""

    public var description: String { value }
}
