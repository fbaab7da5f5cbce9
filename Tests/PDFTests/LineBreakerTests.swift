import XCTest

@testable import PDF

/// Wrapping with a fake font where every character is 1 point wide.
final class LineBreakerTests: XCTestCase {
    private func lines(_ text: String, width: Double) -> [String] {
        LineBreaker(maxWidth: width) { Double($0.count) }.lines(text)
    }

    func testWrapsBetweenWordsWithinTheWidth() {
        XCTAssertEqual(lines("un deux trois quatre cinq", width: 10), ["un deux", "trois", "quatre", "cinq"])
        XCTAssertEqual(lines("un deux", width: 7), ["un deux"], "exact fit stays on one line")
    }

    func testNewlinesForceBreaksAndBlankLinesStay() {
        XCTAssertEqual(lines("a\nb\r\nc\n\nd", width: 50), ["a", "b", "c", "", "d"])
    }

    func testCollapsesRunsOfSpacesAndTabs() {
        XCTAssertEqual(lines("  a \t  b  ", width: 50), ["a b"])
    }

    func testNoBreakSpaceHoldsWordsTogether() {
        XCTAssertEqual(lines("Objet\u{00A0}: décision", width: 8), ["Objet\u{00A0}:", "décision"])
    }

    func testCutsAWordLongerThanTheLine() {
        XCTAssertEqual(lines("ab 0123456789abc cd", width: 5), ["ab", "01234", "56789", "abc", "cd"])
    }

    func testEveryLineGetsAtLeastOneCharacterEvenWhenNothingFits() {
        XCTAssertEqual(lines("abc", width: 0.5), ["a", "b", "c"])
    }

    func testTextWithoutWordsGivesNoLine() {
        XCTAssertEqual(lines("", width: 10), [])
        XCTAssertEqual(lines(" \n\t ", width: 10), [])
    }

    func testAccentedAndCombinedCharactersAreNotSplit() {
        // "é" written as e + combining accent is one Character: never cut in the middle.
        let combined = "e\u{0301}e\u{0301}e\u{0301}"
        XCTAssertEqual(lines(combined, width: 1).count, 3)
    }
}
