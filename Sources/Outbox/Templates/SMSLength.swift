/// How long an SMS is for the network: GSM-7 when every character is in the GSM 03.38
/// alphabet (extension characters take two septets), UCS-2 otherwise (UTF-16 units).
public struct SMSLength: Sendable, Equatable {
    public enum Encoding: String, Sendable {
        case gsm7 = "GSM-7"
        case ucs2 = "UCS-2"
    }

    public let encoding: Encoding
    /// Septets for GSM-7, UTF-16 code units for UCS-2.
    public let units: Int

    /// What fits in one SMS: 160 septets or 70 UCS-2 units.
    public var singleSegmentLimit: Int { encoding == .gsm7 ? 160 : 70 }
    public var fitsOneSegment: Bool { units <= singleSegmentLimit }
    /// Segments sent (concatenated SMS lose 7 or 3 units per part to the header).
    public var segments: Int {
        if fitsOneSegment { return 1 }
        let perPart = encoding == .gsm7 ? 153 : 67
        return (units + perPart - 1) / perPart
    }

    init(encoding: Encoding, units: Int) {
        self.encoding = encoding
        self.units = units
    }

    public init(_ text: String) {
        var septets = 0
        var gsm = true
        for scalar in text.unicodeScalars {
            if Self.basic.contains(scalar) {
                septets += 1
            } else if Self.extended.contains(scalar) {
                septets += 2
            } else {
                gsm = false
                break
            }
        }
        encoding = gsm ? .gsm7 : .ucs2
        units = gsm ? septets : text.utf16.count
    }

    // GSM 03.38 default alphabet and its extension table (reached through ESC).
    static let basic: Set<Unicode.Scalar> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
            .unicodeScalars)
    static let extended: Set<Unicode.Scalar> = Set("^{}\\[~]|€\u{0C}".unicodeScalars)
}
