/// A deliberately lenient e-mail check: one @, a dot in the domain, no spaces.
/// Real validation is the confirmation code sent to the address.
public struct EmailAddress: Equatable, Sendable, CustomStringConvertible {
    public let value: String

    public init?(_ raw: String) {
        let s = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard s.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !s.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," })
        else { return nil }
        value = s
    }

    public var description: String { value }
}

import Foundation
