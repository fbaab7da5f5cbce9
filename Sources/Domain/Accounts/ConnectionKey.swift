import Foundation

/// The one-time key printed on the GUDA notice and typed at first login (and to reset a lost
/// password). Printed as four groups of four, e.g. `K7QF-MX4R-…`, to be read aloud.
///
/// Alphabet (24 symbols): `0123456789CDFHKMNPRTVWXY`. Each group of characters that look alike
/// keeps a single member — the digit where there is one — so nothing printed is ambiguous:
/// 0 (for O, Q), 1 (for I, L), 2 (for Z), 5 (for S), 6 (for G), 8 (for B), V (for U).
/// A, E and J are left out because their names swap between French and English when read
/// aloud (E/I, A/E, G/J); dropping vowels also keeps keys from spelling words.
/// 16 symbols × log2(24) ≈ 73.4 bits of entropy (at least 60 required).
///
/// No `description`: a key must not end up in logs by string interpolation.
public struct ConnectionKey: Hashable, Sendable {
    public static let alphabet: [Character] = Array("0123456789CDFHKMNPRTVWXY")
    public static let length = 16
    public static let groupSize = 4
    public static var entropyBits: Double { Double(length) * log2(Double(alphabet.count)) }

    /// Left-out characters a person may type instead of the printed one: each maps to the
    /// only alphabet member it resembles. A, E and J resemble none and are refused.
    static let lookAlikes: [Character: Character] = [
        "O": "0", "Q": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "G": "6", "B": "8", "U": "V",
    ]

    /// Sixteen alphabet characters, no separators: what the web layer hashes and compares.
    public let canonical: String

    /// The printed form, groups of four joined by "-".
    public var grouped: String {
        stride(from: 0, to: Self.length, by: Self.groupSize).map { start in
            let from = canonical.index(canonical.startIndex, offsetBy: start)
            return String(canonical[from..<canonical.index(from, offsetBy: Self.groupSize)])
        }.joined(separator: "-")
    }

    public static func generate(using random: some RandomSource) -> ConnectionKey {
        let symbols = (0..<length).map { _ in alphabet[Int(random.uniform(UInt32(alphabet.count)))] }
        return ConnectionKey(canonical: String(symbols))
    }

    /// Reads a key as typed: any case; spaces, dashes (typographic ones too), dots or
    /// underscores anywhere, or none; digits from other scripts; look-alikes mapped as
    /// documented above. Nil when it cannot be a key.
    public static func normalize(_ userInput: String) -> ConnectionKey? {
        let separators: Set<Character> = ["-", "‐", "‑", "–", "—", "−", "_", "."]
        var symbols: [Character] = []
        for character in TypedInput.asciiDigits(userInput).uppercased()
        where !character.isWhitespace && !separators.contains(character) {
            let symbol = lookAlikes[character] ?? character
            guard alphabetSet.contains(symbol) else { return nil }
            symbols.append(symbol)
        }
        return symbols.count == length ? ConnectionKey(canonical: String(symbols)) : nil
    }

    private static let alphabetSet = Set(alphabet)

    private init(canonical: String) {
        self.canonical = canonical
    }
}

/// What each act does to the keys a person holds. A key is a one-time credential: using one
/// (activation, password reset) ends every key; a key minted by an agent or a structure
/// replaces every earlier one (the old notice stops working); a key sent on the person's or
/// anyone's request, or with a lock notice, is added beside the others for a limited time, so
/// such a request never takes a key or a password out of the person's hands.
public enum KeyAct: Hashable, Sendable {
    case reissued
    case sentOnRequest
    case sentWithLockNotice
    case usedForActivation
    case usedForReset

    public enum Effect: Hashable, Sendable {
        case replaceAll
        case addBeside(validFor: TimeInterval)
        case consumeAll
    }

    /// A key sent by SMS or e-mail is meant to be used the same day.
    public static let sentKeyValidity: TimeInterval = 24 * 3600

    public var effect: Effect {
        switch self {
        case .reissued: .replaceAll
        case .sentOnRequest, .sentWithLockNotice: .addBeside(validFor: Self.sentKeyValidity)
        case .usedForActivation, .usedForReset: .consumeAll
        }
    }
}
