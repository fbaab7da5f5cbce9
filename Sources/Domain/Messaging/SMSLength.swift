/// How much room a text takes in an SMS. GSM-7 when every character is in the GSM 03.38
/// default alphabet (characters of its extension table take two septets), UCS-2 otherwise.
/// French traps: "ç" lower-case, "ê", "â", "ô", the typographic apostrophe ’ and the
/// non-breaking space before "?" or ":" are not GSM-7 and switch the whole text to UCS-2.
public struct SMSLength: Hashable, Sendable {
    public enum Encoding: String, Sendable {
        case gsm7
        case ucs2
    }

    public let encoding: Encoding
    /// Septets in GSM-7, UTF-16 code units in UCS-2 (an emoji counts 2).
    public let units: Int

    public init(measuring text: String) {
        var septets = 0
        for scalar in text.unicodeScalars {
            if Self.basicTable.contains(scalar) {
                septets += 1
            } else if Self.extensionTable.contains(scalar) {
                septets += 2
            } else {
                encoding = .ucs2
                units = text.utf16.count
                return
            }
        }
        encoding = .gsm7
        units = septets
    }

    /// 160 septets (140 bytes) or 70 UCS-2 characters.
    public var singleMessageLimit: Int { encoding == .gsm7 ? 160 : 70 }

    public var fitsInOneMessage: Bool { units <= singleMessageLimit }

    /// GSM 03.38 default alphabet, in table order (0x1B, the escape, left out).
    static let basicTable = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
            .unicodeScalars)

    /// Reached through the escape: form feed, ^ { } \ [ ~ ] | €.
    static let extensionTable = Set("\u{0C}^{}\\[~]|€".unicodeScalars)
}
