import XCTest

@testable import PDF

final class TextEncodingTests: XCTestCase {
    private func bytes(_ text: String, _ encoding: PDFTextEncoding) -> [UInt8] {
        let cString = encoding.cString(text)
        XCTAssertEqual(cString.last, 0, "NUL-terminated")
        return cString.dropLast().map { UInt8(bitPattern: $0) }
    }

    func testUnicodeKeepsFrenchAndArabicAsUTF8() {
        XCTAssertEqual(bytes("Décision œuvre € عربي", .unicode), Array("Décision œuvre € عربي".utf8))
    }

    func testUnicodeComposesCombiningAccents() {
        XCTAssertEqual(bytes("De\u{0301}cision", .unicode), Array("Décision".utf8))
    }

    func testCharactersBeyondTheBasicPlaneBecomeQuestionMarks() {
        // libharu's UTF-8 encoder would silently print a blank.
        XCTAssertEqual(bytes("ok 😀", .unicode), Array("ok ?".utf8))
    }

    func testControlCharactersAndNULBecomeSpaces() {
        XCTAssertEqual(bytes("a\u{0}b\tc\nd\u{7}e\u{85}f", .unicode), Array("a b c d e f".utf8))
    }

    func testWinAnsiTransliteratesFrenchToWindows1252() {
        XCTAssertEqual(
            bytes("é à ç Œ œ € « » ’ – …", .winAnsi),
            [
                0xE9, 0x20, 0xE0, 0x20, 0xE7, 0x20, 0x8C, 0x20, 0x9C, 0x20, 0x80, 0x20,
                0xAB, 0x20, 0xBB, 0x20, 0x92, 0x20, 0x96, 0x20, 0x85,
            ])
    }

    func testWinAnsiReplacesWhatItCannotShow() {
        XCTAssertEqual(bytes("عربي 中 😀", .winAnsi), Array("???? ? ?".utf8))
        XCTAssertEqual(bytes("5\u{202F}%", .winAnsi), [0x35, 0xA0, 0x25], "narrow no-break space")
    }
}
