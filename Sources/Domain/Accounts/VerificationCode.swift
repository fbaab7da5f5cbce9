import Foundation

/// A six-digit code sent by SMS or e-mail to prove a contact detail or recover a key.
/// Valid ten minutes, once. Persisted by the web layer and rebuilt with `init?(digits:…)`.
public struct VerificationCode: Hashable, Sendable {
    public static let digitCount = 6
    public static let validity: TimeInterval = 10 * 60

    public let digits: String
    public let issuedAt: Date
    public let usedAt: Date?

    public var expiresAt: Date { issuedAt.addingTimeInterval(Self.validity) }

    public init?(digits: String, issuedAt: Date, usedAt: Date? = nil) {
        guard digits.count == Self.digitCount, digits.allSatisfy(\.isASCIIDigit) else { return nil }
        self.digits = digits
        self.issuedAt = issuedAt
        self.usedAt = usedAt
    }

    public static func generate(using random: some RandomSource, now: Date) -> VerificationCode {
        let value = String(random.uniform(1_000_000))
        let padded = String(repeating: "0", count: digitCount - value.count) + value
        return VerificationCode(digits: padded, issuedAt: now)!
    }

    /// Used first, then expired: once either is true the person needs a new code, whatever
    /// they typed. Spaces and digits from other scripts are accepted in the input.
    public func check(_ input: String, now: Date) -> VerificationResult {
        if usedAt != nil { return .used }
        if now >= expiresAt { return .expired }
        let typed = TypedInput.removingWhitespace(TypedInput.asciiDigits(input))
        return Self.constantTimeEquals(typed, digits) ? .valid : .wrong
    }

    public func markedUsed(at instant: Date) -> VerificationCode {
        VerificationCode(digits: digits, issuedAt: issuedAt, usedAt: instant)!
    }

    /// Compares every byte whatever the first difference, so timing reveals nothing.
    private static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

public enum VerificationResult: String, Sendable {
    case valid
    case expired
    case used
    case wrong
}
