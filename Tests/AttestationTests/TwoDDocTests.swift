import Domain
import Security
import XCTest

final class TwoDDocTests: XCTestCase {
    private typealias Field = TwoDDoc.Field

    private static let day = CivilDate(year: 2026, month: 12, day: 3)!

    private func sample(certificate: String = "K7QX", fields: [Field]? = nil) -> TwoDDoc {
        let header = TwoDDoc.Header(
            authority: "AP01", certificate: certificate, issued: Self.day, signed: Self.day,
            documentType: TwoDDoc.DocumentType.attestation)
        return TwoDDoc(
            header: header,
            fields: fields ?? [
                Field(id: "AN", value: "API-2026-000123"),
                Field(id: "NM", value: "d'Arc-Núñez"),
                Field(id: "PN", value: "Zoë Marie"),
                .date("DN", CivilDate(year: 1996, month: 2, day: 29)!),
                .date("DD", Self.day),
                .date("DF", Self.day.adding(months: 6).adding(days: -1)),
                Field(id: "ST", value: TwoDDoc.Standing.refugee.rawValue),
                Field(id: "TR", value: "1"),
            ])
    }

    // MARK: - Round trip

    func testBuildSignParseVerify() throws {
        let key = DocumentSigningKey.generate()
        let document = sample(certificate: key.certificateId)
        XCTAssertTrue(document.isWellFormed)
        let signature = try key.sign(Array(document.message.utf8))
        XCTAssertEqual(signature.count, 64)
        let text = document.text(signature: signature)

        let parsed = try TwoDDoc.parse(text)
        XCTAssertEqual(parsed.document, document)
        XCTAssertEqual(parsed.message, document.message)
        XCTAssertEqual(parsed.signature, signature)
        XCTAssertTrue(DocumentSignature.isValid(parsed.signature, of: Array(parsed.message.utf8), publicKeyPEM: key.publicKeyPEM))
        XCTAssertFalse(
            DocumentSignature.isValid(
                parsed.signature, of: Array(parsed.message.utf8), publicKeyPEM: DocumentSigningKey.generate().publicKeyPEM))

        XCTAssertEqual(parsed.document.header.certificate, key.certificateId)
        XCTAssertEqual(parsed.document.header.issued, Self.day)
        XCTAssertEqual(parsed.document.value("NM"), "D'ARC-NUNEZ")
        XCTAssertEqual(parsed.document.value("PN"), "ZOE MARIE")
        XCTAssertEqual(parsed.document.value("DF"), "02062027")
        XCTAssertNil(parsed.document.value("DP"))
    }

    func testHeaderLayout() {
        let message = sample().message
        XCTAssertEqual(String(message.prefix(TwoDDoc.headerLength)), "DC04AP01K7QX26692669A101FR")
    }

    /// A changed character anywhere (header, separators, values, signature) must not verify.
    func testEveryOneCharacterChangeIsRefused() throws {
        let key = DocumentSigningKey.generate()
        let document = sample(certificate: key.certificateId)
        let text = document.text(signature: try key.sign(Array(document.message.utf8)))
        let scalars = Array(text.unicodeScalars)
        var checked = 0
        for index in scalars.indices {
            for replacement: Unicode.Scalar in ["A", "7", "\u{1D}"] where replacement != scalars[index] {
                var changed = scalars
                changed[index] = replacement
                XCTAssertFalse(verifies(changed, key: key), "change at \(index) to \(replacement.value) accepted")
                checked += 1
            }
            var shorter = scalars
            shorter.remove(at: index)
            XCTAssertFalse(verifies(shorter, key: key), "deletion at \(index) accepted")
        }
        XCTAssertGreaterThan(checked, 2 * scalars.count)
    }

    private func verifies(_ scalars: [Unicode.Scalar], key: DocumentSigningKey) -> Bool {
        guard let parsed = try? TwoDDoc.parse(String(String.UnicodeScalarView(scalars))) else { return false }
        return DocumentSignature.isValid(parsed.signature, of: Array(parsed.message.utf8), publicKeyPEM: key.publicKeyPEM)
    }

    // MARK: - Data zone

    func testGroupSeparatorOnlyAfterVariableFieldsThatAreNotLast() {
        let gs = "\u{1D}"
        XCTAssertEqual(
            sample().message.dropFirst(TwoDDoc.headerLength),
            "ANAPI-2026-000123\(gs)NMD'ARC-NUNEZ\(gs)PNZOE MARIE\(gs)DN29021996DD03122026DF02062027STRTR1")
        let lastVariable = sample(fields: [.date("DF", Self.day), Field(id: "AN", value: "X1"), Field(id: "NM", value: "DOE")])
        XCTAssertEqual(lastVariable.message.dropFirst(TwoDDoc.headerLength), "DF03122026ANX1\(gs)NMDOE")
        XCTAssertTrue(lastVariable.isWellFormed)
        let fixedOnly = sample(fields: [Field(id: "TR", value: "1"), Field(id: "ST", value: "S")])
        XCTAssertEqual(fixedOnly.message.dropFirst(TwoDDoc.headerLength), "TR1STS")
    }

    func testEmptyDataZoneAndEmptyLastValue() throws {
        let zero = [UInt8](repeating: 0, count: 64)
        XCTAssertEqual(try TwoDDoc.parse(sample(fields: []).text(signature: zero)).document.fields, [])
        let emptyLast = sample(fields: [Field(id: "TR", value: "1"), Field(id: "AN", value: "")])
        XCTAssertEqual(try TwoDDoc.parse(emptyLast.text(signature: zero)).document, emptyLast)
    }

    func testWellFormedness() {
        XCTAssertTrue(sample().isWellFormed)
        var badAuthority = sample()
        badAuthority.header.authority = "AP1"
        XCTAssertFalse(badAuthority.isWellFormed)
        var lowercase = sample()
        lowercase.header.country = "fr"
        XCTAssertFalse(lowercase.isWellFormed)
        var tooEarly = sample()
        tooEarly.header.issued = CivilDate(year: 1999, month: 12, day: 31)!
        XCTAssertFalse(tooEarly.isWellFormed)
        XCTAssertTrue(tooEarly.message.contains("XXXX"))
        XCTAssertFalse(sample(fields: [Field(id: "TR", value: "10")]).isWellFormed)
        XCTAssertFalse(sample(fields: [Field(id: "ZZ", value: "1")]).isWellFormed)
        XCTAssertFalse(sample(fields: [Field(id: "DN", value: "31022026")]).isWellFormed)
        XCTAssertFalse(sample(fields: [Field(id: "TR", value: "1"), Field(id: "TR", value: "1")]).isWellFormed)
    }

    // MARK: - Errors

    func testParseErrors() {
        let signature = String(repeating: "A", count: 103)
        let header = "DC04AP01K7QX26692669A101FR"
        let cases: [(String, TwoDDoc.ParseError)] = [
            ("", .notTwoDDoc),
            ("D", .notTwoDDoc),
            ("XX04", .notTwoDDoc),
            ("DC", .unsupportedVersion),
            ("DC03AP01K7QX26692669A101FR\u{1F}\(signature)", .unsupportedVersion),
            ("DC04AP01", .badHeader),
            ("DC04AP01K7QX26692669A101Fr\u{1F}\(signature)", .badHeader),
            ("DC04AP01K7QX2669266aA101FR\u{1F}\(signature)", .badHeader),
            ("DC04AP01K7QX2669266GA101FR\u{1F}\(signature)", .badDate),
            (header, .missingSignature),
            (header + "TR1", .missingSignature),
            (header + "\u{1F}", .missingSignature),
            (header + "XX1\u{1F}\(signature)", .unknownField),
            (header + "ANX\u{1D}ANY\u{1F}\(signature)", .unknownField),
            (header + "T\u{1F}\(signature)", .badFieldLength),
            (header + "DN0101\u{1F}\(signature)", .badFieldLength),
            (header + "AN1\u{1D}\u{1F}\(signature)", .badFieldLength),
            (header + "DN31022026\u{1F}\(signature)", .badDate),
            (header + "TR1\u{1F}\(signature.dropLast())B", .badSignatureEncoding),
            (header + "TR1\u{1F}\(signature.lowercased())", .badSignatureEncoding),
            (header + "TR1\u{1F}MZXW6YTBOI", .badSignatureEncoding),
            (header + "TR1\u{1F}\(signature)\u{1F}", .badSignatureEncoding),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try TwoDDoc.parse(text), text.debugDescription) { error in
                XCTAssertEqual(error as? TwoDDoc.ParseError, expected, text.debugDescription)
            }
        }
        XCTAssertEqual(TwoDDoc.ParseError.badSignatureEncoding.rawValue, "badSignatureEncoding")
        XCTAssertNoThrow(try TwoDDoc.parse(header + "TR1\u{1F}\(signature)"))
    }

    func testGarbageNeverCrashes() {
        var random = SplitMix(seed: 0x2D0C)
        let alphabet = Array("DC04AP01K7QX2669A1FRNMPNDNDFSTTR1 \u{1D}\u{1F}\u{1D}\u{1F}éÑ\u{301}👩‍👩‍👧\r\n\0".unicodeScalars)
        let valid = sample().text(signature: [UInt8](repeating: 7, count: 64))
        // Every prefix of a valid text, then random texts that mostly start like one.
        for length in 0...valid.unicodeScalars.count {
            _ = try? TwoDDoc.parse(String(String.UnicodeScalarView(valid.unicodeScalars.prefix(length))))
        }
        for round in 0..<2_000 {
            var scalars: [Unicode.Scalar] = round % 2 == 0 ? Array(valid.unicodeScalars.prefix(Int(random.next() % 40))) : []
            for _ in 0..<Int(random.next() % 200) { scalars.append(alphabet[Int(random.next() % UInt64(alphabet.count))]) }
            _ = try? TwoDDoc.parse(String(String.UnicodeScalarView(scalars)))
        }
        var big = String.UnicodeScalarView()
        for _ in 0..<10_000 { big.append(alphabet[Int(random.next() % UInt64(alphabet.count))]) }
        _ = try? TwoDDoc.parse(String(big))
        _ = try? TwoDDoc.parse("DC04AP01K7QX26692669A101FR" + String(repeating: "AN\u{1D}", count: 3_000) + "\u{1F}")
    }

    // MARK: - Dates

    func testHexDays() {
        XCTAssertEqual(TwoDDoc.hexDays(CivilDate(year: 2000, month: 1, day: 1)!), "0000")
        XCTAssertEqual(TwoDDoc.hexDays(CivilDate(year: 2000, month: 1, day: 17)!), "0010")
        // 2026-12-03 is 9833 days after 2000-01-01 = 0x2669.
        XCTAssertEqual(TwoDDoc.hexDays(Self.day), "2669")
        XCTAssertEqual(TwoDDoc.civilDate(hexDays: "2669"), Self.day)
        XCTAssertEqual(TwoDDoc.civilDate(hexDays: "0000"), CivilDate(year: 2000, month: 1, day: 1))
        let last = CivilDate(year: 2000, month: 1, day: 1)!.adding(days: 0xFFFF)
        XCTAssertEqual(TwoDDoc.hexDays(last), "FFFF")
        XCTAssertNil(TwoDDoc.hexDays(last.adding(days: 1)))
        XCTAssertNil(TwoDDoc.hexDays(CivilDate(year: 1999, month: 12, day: 31)!))
        for bad in ["", "266", "26690", "266a", "+266", "-001", "２６６９", " 266"] {
            XCTAssertNil(TwoDDoc.civilDate(hexDays: bad), bad)
        }
        var day = CivilDate(year: 2000, month: 1, day: 1)!
        while day.year < 2100 {
            XCTAssertEqual(TwoDDoc.civilDate(hexDays: TwoDDoc.hexDays(day)!), day)
            day = day.adding(days: 97)
        }
    }

    func testDDMMYYYY() {
        XCTAssertEqual(TwoDDoc.date(Self.day), "03122026")
        XCTAssertEqual(TwoDDoc.date(CivilDate(year: 987, month: 1, day: 9)!), "09010987")
        XCTAssertEqual(TwoDDoc.civilDate(ddmmyyyy: "29021996"), CivilDate(year: 1996, month: 2, day: 29))
        for bad in ["29021997", "31042026", "00012026", "01132026", "0312202", "031220266", "03-12-26", "", "0312２026"] {
            XCTAssertNil(TwoDDoc.civilDate(ddmmyyyy: bad), bad)
        }
    }

    // MARK: - Values

    func testNormalizedValue() {
        XCTAssertEqual(TwoDDoc.normalizedValue("Zoë  d'Arc-Ñúñez"), "ZOE D'ARC-NUNEZ")
        XCTAssertEqual(TwoDDoc.normalizedValue("  François Lefèvre-Çelik "), "FRANCOIS LEFEVRE-CELIK")
        XCTAssertEqual(TwoDDoc.normalizedValue("Œuvre Straße Æsir Øre Łódź"), "OEUVRE STRASSE AESIR ORE LODZ")
        XCTAssertEqual(TwoDDoc.normalizedValue("O’Brien – Smith"), "O'BRIEN - SMITH")
        XCTAssertEqual(TwoDDoc.normalizedValue("Ｊｅａｎ ﬁls"), "JEAN FILS")
        XCTAssertEqual(TwoDDoc.normalizedValue("A\u{1D}B\u{1F}C\nD\tE<F>&\"G"), "A B C D E F G")
        XCTAssertEqual(TwoDDoc.normalizedValue("n° 12/3.4"), "N 12/3.4")
        XCTAssertEqual(TwoDDoc.normalizedValue("İstanbul ışık"), "ISTANBUL ISIK")
        XCTAssertEqual(TwoDDoc.normalizedValue("Nguyễn Thị"), "NGUYEN THI")
        // Non-Latin scripts have no letters left: callers must supply the Latin transcription.
        XCTAssertEqual(TwoDDoc.normalizedValue("محمد"), "")
        XCTAssertEqual(Field(id: "NM", value: "\u{1D}x\u{1F}").value, "X")
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -'/.")
        var random = SplitMix(seed: 42)
        for _ in 0..<300 {
            let scalars = (0..<20).compactMap { _ in Unicode.Scalar(UInt32(random.next() % 0x3000)) }
            let value = TwoDDoc.normalizedValue(String(String.UnicodeScalarView(scalars)))
            XCTAssertTrue(value.allSatisfy(allowed.contains), value)
            XCTAssertEqual(TwoDDoc.normalizedValue(value), value)
        }
    }

    // MARK: - Base32

    func testBase32RFC4648Vectors() {
        let vectors = ["": "", "f": "MY", "fo": "MZXQ", "foo": "MZXW6", "foob": "MZXW6YQ", "fooba": "MZXW6YTB", "foobar": "MZXW6YTBOI"]
        for (plain, encoded) in vectors {
            XCTAssertEqual(Base32.encode(Array(plain.utf8)), encoded)
            XCTAssertEqual(Base32.decode(encoded), Array(plain.utf8))
        }
        for bad in ["MZ", "M", "MZX", "MZXW6Y", "mzxw6", "MZXW6=", "MZ1W6", "MZXW6 "] {
            XCTAssertNil(Base32.decode(bad), bad)
        }
        var random = SplitMix(seed: 7)
        for count in 0..<70 {
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            XCTAssertEqual(Base32.decode(Base32.encode(bytes)), bytes)
        }
        XCTAssertEqual(Base32.encode([UInt8](repeating: 0xFF, count: 64)).count, 103)
    }
}

/// A tiny seeded generator so the fuzz loops are reproducible.
struct SplitMix {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
