import Foundation

/// A 2D-Doc (version 04): the French standard for signed barcodes on official documents, here
/// for our "attestation de prolongation d'instruction" and filing receipts.
///
/// Text form: a 26-character header, a data zone of (2-character id, value) fields — variable
/// fields end with GS except the last one — then US and the Base32 ECDSA P-256 signature of
/// everything before US. This type only builds and reads the text; signing lives in Security.
public struct TwoDDoc: Sendable, Equatable {
    /// Group separator: ends a variable-length value that is not the last field.
    public static let groupSeparator: Unicode.Scalar = "\u{1D}"
    /// Unit separator: between the signed message and its signature.
    public static let unitSeparator: Unicode.Scalar = "\u{1F}"
    /// Header length for version 04.
    public static let headerLength = 26

    public struct Header: Sendable, Equatable {
        /// Certificate-authority id, 4 uppercase letters or digits (ours, not the ANTS's).
        public var authority: String
        /// Certificate id, 4 uppercase letters or digits (see `DocumentSigningKey.certificateId`).
        public var certificate: String
        public var issued: CivilDate
        public var signed: CivilDate
        /// 2 characters, `DocumentType.attestation` or `.filingReceipt`.
        public var documentType: String
        public var perimeter: String
        public var country: String

        public init(
            authority: String, certificate: String, issued: CivilDate, signed: CivilDate, documentType: String,
            perimeter: String = "01", country: String = "FR"
        ) {
            self.authority = authority
            self.certificate = certificate
            self.issued = issued
            self.signed = signed
            self.documentType = documentType
            self.perimeter = perimeter
            self.country = country
        }
    }

    public struct Field: Sendable, Equatable {
        public let id: String
        public let value: String

        /// The value is normalized (`TwoDDoc.normalizedValue`), so it can never hold GS or US.
        public init(id: String, value: String) {
            self.id = id
            self.value = TwoDDoc.normalizedValue(value)
        }

        /// A date field (`DN`, `DD`, `DF`, `DP`) as DDMMYYYY.
        public static func date(_ id: String, _ date: CivilDate) -> Field {
            Field(id: id, value: TwoDDoc.date(date))
        }

        // Parsing keeps what the barcode says, byte for byte: a signed value is never rewritten.
        fileprivate init(id: String, raw: String) {
            self.id = id
            self.value = raw
        }
    }

    /// The field registry: an id not listed here is refused when parsing.
    public struct FieldSpec: Sendable, Equatable {
        public let id: String
        public let name: String
        /// `nil` for a variable-length field (ended by GS unless last).
        public let length: Int?
        /// DDMMYYYY, checked to be a real day when parsing.
        public let isDate: Bool

        public static let documentNumber = FieldSpec(id: "AN", name: "document number", length: nil, isDate: false)
        public static let surnames = FieldSpec(id: "NM", name: "surnames", length: nil, isDate: false)
        public static let givenNames = FieldSpec(id: "PN", name: "given names", length: nil, isDate: false)
        public static let birthDate = FieldSpec(id: "DN", name: "birth date", length: 8, isDate: true)
        public static let validFrom = FieldSpec(id: "DD", name: "valid from", length: 8, isDate: true)
        public static let validUntil = FieldSpec(id: "DF", name: "valid until", length: 8, isDate: true)
        public static let filingDate = FieldSpec(id: "DP", name: "filing date", length: 8, isDate: true)
        /// One of `Standing`'s raw values.
        public static let standing = FieldSpec(id: "ST", name: "standing", length: 1, isDate: false)
        /// "1" when the holder may work.
        public static let rightToWork = FieldSpec(id: "TR", name: "right to work", length: 1, isDate: false)

        public static let all: [FieldSpec] = [
            documentNumber, surnames, givenNames, birthDate, validFrom, validUntil, filingDate, standing, rightToWork,
        ]

        public static func spec(_ id: String) -> FieldSpec? {
            all.first { $0.id == id }
        }
    }

    /// Document type ids of the header.
    public enum DocumentType {
        /// Attestation de prolongation d'instruction.
        public static let attestation = "A1"
        /// Récépissé de dépôt (filing receipt).
        public static let filingReceipt = "A2"
    }

    /// Values of the `ST` field.
    public enum Standing: String, Sendable, CaseIterable {
        case refugee = "R"
        case subsidiaryProtection = "S"
        case refugeeFamilyMember = "F"
        case subsidiaryProtectionFamilyMember = "G"
    }

    /// Raw values are stable: logs and the verification page may show them.
    public enum ParseError: String, Error, Sendable, Equatable {
        case notTwoDDoc
        case unsupportedVersion
        case badHeader
        case badDate
        /// An id missing from `FieldSpec.all`, or one that appears twice.
        case unknownField
        /// A fixed-length value cut short or holding GS, a truncated id, or GS after the last field.
        case badFieldLength
        case missingSignature
        case badSignatureEncoding
    }

    public var header: Header
    public var fields: [Field]

    public init(header: Header, fields: [Field]) {
        self.header = header
        self.fields = fields
    }

    public func value(_ id: String) -> String? {
        fields.first { $0.id == id }?.value
    }

    /// Header + data zone: exactly what is signed.
    public var message: String {
        // An unrepresentable date is written as "XXXX" so the message can never parse as valid.
        var text = "DC04" + header.authority + header.certificate
        text += (Self.hexDays(header.issued) ?? "XXXX") + (Self.hexDays(header.signed) ?? "XXXX")
        text += header.documentType + header.perimeter + header.country
        for (index, field) in fields.enumerated() {
            text += field.id + field.value
            if FieldSpec.spec(field.id)?.length == nil, index != fields.count - 1 {
                text.unicodeScalars.append(Self.groupSeparator)
            }
        }
        return text
    }

    /// The full barcode text: message, US, Base32 signature.
    public func text(signature: [UInt8]) -> String {
        var text = message
        text.unicodeScalars.append(Self.unitSeparator)
        return text + Base32.encode(signature)
    }

    /// Whether `message` parses back to this very document: header parts of the right length
    /// and alphabet, dates between 2000 and 2179, known fields of the right length, no repeats.
    /// Check before signing; `message` itself never refuses.
    public var isWellFormed: Bool {
        guard let parsed = try? Self.parse(text(signature: [UInt8](repeating: 0, count: 64))) else { return false }
        return parsed.document == self
    }

    // MARK: - Parsing

    /// Reads a barcode text. Never traps, whatever the input; the signature is only decoded,
    /// verifying it against `message` is the caller's job (`DocumentSignature.isValid`).
    public static func parse(_ text: String) throws(ParseError) -> (document: TwoDDoc, message: String, signature: [UInt8]) {
        // Unicode scalars, not Characters: a combining mark after GS must not merge with it.
        let s = Array(text.unicodeScalars)
        guard s.count >= 2, s[0] == "D", s[1] == "C" else { throw .notTwoDDoc }
        guard s.count >= 4, s[2] == "0", s[3] == "4" else { throw .unsupportedVersion }
        guard s.count >= headerLength, s[4..<headerLength].allSatisfy(isHeaderCharacter) else { throw .badHeader }
        func string(_ range: Range<Int>) -> String {
            String(String.UnicodeScalarView(s[range]))
        }
        guard let issued = civilDate(hexDays: string(12..<16)), let signed = civilDate(hexDays: string(16..<20)) else {
            throw .badDate
        }
        let header = Header(
            authority: string(4..<8), certificate: string(8..<12), issued: issued, signed: signed,
            documentType: string(20..<22), perimeter: string(22..<24), country: string(24..<26))

        guard let end = s.firstIndex(of: unitSeparator) else { throw .missingSignature }
        var fields: [Field] = []
        var i = headerLength
        while i < end {
            guard end - i >= 2 else { throw .badFieldLength }
            let id = string(i..<i + 2)
            guard let spec = FieldSpec.spec(id), !fields.contains(where: { $0.id == id }) else { throw .unknownField }
            i += 2
            if let length = spec.length {
                guard end - i >= length, !s[i..<i + length].contains(groupSeparator) else { throw .badFieldLength }
                let value = string(i..<i + length)
                if spec.isDate, civilDate(ddmmyyyy: value) == nil { throw .badDate }
                fields.append(Field(id: id, raw: value))
                i += length
            } else {
                let stop = s[i..<end].firstIndex(of: groupSeparator) ?? end
                fields.append(Field(id: id, raw: string(i..<stop)))
                i = stop
                if stop < end {
                    i += 1
                    // "Except the last field": a trailing GS would give two texts for one message.
                    guard i < end else { throw .badFieldLength }
                }
            }
        }

        guard end + 1 < s.count else { throw .missingSignature }
        guard let signature = Base32.decode(string(end + 1..<s.count)), signature.count == 64 else {
            throw .badSignatureEncoding
        }
        return (TwoDDoc(header: header, fields: fields), string(0..<end), signature)
    }

    private static func isHeaderCharacter(_ c: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(c) || ("0"..."9").contains(c)
    }

    // MARK: - Dates

    private static let epoch = CivilDate(year: 2000, month: 1, day: 1)!

    /// Days since 2000-01-01 as 4 uppercase hex digits; `nil` outside 0000…FFFF (2000–2179).
    public static func hexDays(_ date: CivilDate) -> String? {
        let days = epoch.days(until: date)
        guard (0...0xFFFF).contains(days) else { return nil }
        let digits = String(days, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }

    /// Exactly 4 uppercase hex digits (lowercase is refused: one text per date).
    public static func civilDate(hexDays text: String) -> CivilDate? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count == 4, scalars.allSatisfy({ ("0"..."9").contains($0) || ("A"..."F").contains($0) }),
            let days = Int(text, radix: 16)
        else { return nil }
        return epoch.adding(days: days)
    }

    /// DDMMYYYY.
    public static func date(_ date: CivilDate) -> String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(date.day, 2) + pad(date.month, 2) + pad(date.year, 4)
    }

    /// Exactly 8 ASCII digits forming a real day.
    public static func civilDate(ddmmyyyy text: String) -> CivilDate? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count == 8, scalars.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        func number(_ range: Range<Int>) -> Int {
            scalars[range].reduce(0) { $0 * 10 + Int($1.value - 48) }
        }
        return CivilDate(year: number(4..<8), month: number(2..<4), day: number(0..<2))
    }

    // MARK: - Values

    /// What a value may hold: uppercase ASCII letters, digits, space and `-'/.`. Accents are
    /// dropped (é → E, ç → C, ß → SS, Æ → AE), typographic apostrophes and dashes become ASCII,
    /// anything else (GS and US included) a space; runs of spaces collapse and ends are trimmed.
    public static func normalizedValue(_ raw: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        func emit(_ text: String) {
            if pendingSpace, !out.isEmpty { out.append(" ") }
            pendingSpace = false
            out.append(contentsOf: text.unicodeScalars)
        }
        // Uppercase first (ß → SS), then compatibility decomposition splits letters from accents
        // and folds look-alikes (fullwidth Ａ, ligature ﬁ) to plain letters.
        for c in raw.uppercased().decomposedStringWithCompatibilityMapping.unicodeScalars {
            switch c {
            case "A"..."Z", "0"..."9", "-", "'", "/", ".":
                emit(String(c))
            case "\u{2018}", "\u{2019}", "\u{02BC}", "\u{00B4}", "`":
                emit("'")
            case "\u{2010}"..."\u{2015}", "\u{2212}":
                emit("-")
            default:
                switch c.properties.generalCategory {
                case .nonspacingMark, .spacingMark, .enclosingMark:
                    continue
                default:
                    if let letters = letterFolding[c] {
                        emit(letters)
                    } else {
                        pendingSpace = true
                    }
                }
            }
        }
        return String(out)
    }

    // Latin letters that have no canonical decomposition into a base letter and a mark.
    private static let letterFolding: [Unicode.Scalar: String] = [
        "\u{00C6}": "AE", "\u{0152}": "OE", "\u{00D8}": "O", "\u{0110}": "D", "\u{00D0}": "D", "\u{0141}": "L",
        "\u{00DE}": "TH", "\u{0126}": "H", "\u{0166}": "T", "\u{014A}": "NG", "\u{0131}": "I", "\u{1E9E}": "SS",
        "\u{0197}": "I", "\u{01B5}": "Z", "\u{0189}": "D",
    ]
}
