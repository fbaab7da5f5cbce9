import Foundation
import XCTest

@testable import Domain

/// The Domain parsers read what people type: hostile or garbled text is refused (nil) or read
/// as documented, never a trap. Inputs are drawn from a fixed-seed generator over the
/// characters these parsers care about, so every run checks the same 3,000 strings.
final class HostileParsingTests: XCTestCase {
    /// xorshift64*: deterministic, so a failure names an input that fails again.
    struct Draw {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        mutating func next(_ bound: Int) -> Int {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return Int((state &* 0x2545_F491_4F6C_DD1D) % UInt64(bound))
        }
    }

    static let alphabet: [String] = [
        "0", "1", "6", "9", "+", "(", ")", "0)", "(0", " ", "\u{00A0}", "-", ".", "/",
        "٣", "۷", "３", "৩", "½", "²", "⑤", "e\u{0301}", "6\u{0301}", "\u{0}", "\n", "ß",
        "O", "I", "K", "-", "—", "_", "A", ":", "é", "😀", "\u{202E}",
    ]

    func strings(_ count: Int) -> [String] {
        var draw = Draw()
        return (0..<count).map { _ in
            (0..<draw.next(24)).map { _ in Self.alphabet[draw.next(Self.alphabet.count)] }.joined()
        }
    }

    func testPhoneNumbersNeverTrapAndMaskKeepsTheLastDigits() {
        // Numbers that are nearly valid: drawn digits behind the usual prefixes.
        var draw = Draw()
        let near = (0..<2000).map { _ in
            ["0", "+33", "0033", "+262", "+590", "+1", "+33 (0)", "+330"][draw.next(8)]
                + (0..<(7 + draw.next(10))).map { _ in ["6", "9", "2", "0", " ", "٣", "."][draw.next(7)] }.joined()
        }
        var parsed = 0
        for s in strings(3000) + near + ["+", "00", "+" + String(repeating: "9", count: 400), "(0)(0)(0)", "+330", "+33 0"] {
            guard let p = PhoneNumber(s) else { continue }
            parsed += 1
            XCTAssertTrue(p.e164.hasPrefix("+") && p.e164.dropFirst().allSatisfy(\.isASCIIDigit), s.debugDescription)
            XCTAssertTrue((9...16).contains(p.e164.count), s.debugDescription)
            XCTAssertTrue(p.masked.hasSuffix(String(p.e164.suffix(2))), s.debugDescription)
        }
        XCTAssertGreaterThan(parsed, 100, "the drawn numbers no longer exercise the accepting paths")
    }

    func testIdentifiersNeverTrap() {
        for s in strings(3000) + [String(repeating: "٣", count: 10), String(repeating: "1", count: 10_000)] {
            if let a = AGDREFNumber(s) {
                XCTAssertEqual(a.digits.count, 10)
                XCTAssertTrue(a.digits.allSatisfy(\.isASCIIDigit))
            }
            if let o = OFPRAFileNumber(s) { XCTAssertFalse(o.value.contains(where: \.isWhitespace)) }
            _ = ApplicantIdentifier.parse(s)
        }
        // Digits typed in another script are digits; a fraction or a superscript is not.
        XCTAssertEqual(AGDREFNumber("١٠٠٠٠٠٠٠٠١")?.digits, "1000000001")
        XCTAssertNil(AGDREFNumber("100000000½"))
    }

    func testKeysAndCodesNeverTrap() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let code = VerificationCode(digits: "123456", issuedAt: now)!
        for s in strings(3000) + [String(repeating: "K", count: 100_000)] {
            if let key = ConnectionKey.normalize(s) {
                XCTAssertEqual(key.canonical.count, ConnectionKey.length)
                XCTAssertEqual(key.grouped.count, 19)
            }
            XCTAssertNotEqual(code.check(s, now: now), .used)
        }
        XCTAssertEqual(code.check("١٢٣ ٤٥٦", now: now), .valid)
        XCTAssertNil(VerificationCode(digits: "١٢٣٤٥٦", issuedAt: now))
    }

    func testDatesAndTimesNeverTrap() {
        for s in strings(3000) + [
            "0000-00-00", "9999-12-31", "10000-01-01", "-001-01-01", "+202-01-01", "2026-02-29",
            "2024-02-29", "٢٠٢٦-٠١-٠١", "2026-1-01", "2026-01-01T00", "99:99", "-1:00", "24:00",
        ] {
            if let d = CivilDate(iso: s) {
                XCTAssertEqual(CivilDate(iso: d.iso), d)
                _ = d.weekday
            }
            if let d = CivilDate(typed: s) { XCTAssertEqual(CivilDate(typed: d.iso), d) }
            if let t = TimeOfDay(hhmm: s) { XCTAssertEqual(TimeOfDay(hhmm: t.hhmm), t) }
        }
        XCTAssertNil(CivilDate(iso: "2026-02-29"))
        XCTAssertNotNil(CivilDate(iso: "9999-12-31"))
        XCTAssertNil(CivilDate(iso: "٢٠٢٦-٠١-٠١"))
        XCTAssertNil(TimeOfDay(hhmm: "24:00"))
    }
}
