/// Clean-up shared by the identifiers people type, often on phones set to another script.
enum TypedInput {
    /// Digits from any script (Arabic-Indic ٣, Persian ۳, Bengali ৩, full-width ３…)
    /// become ASCII digits; every other character is kept as it is.
    static func asciiDigits(_ input: String) -> String {
        String(
            input.map { character -> Character in
                guard !character.isASCII, character.isNumber, let value = character.wholeNumberValue,
                    (0...9).contains(value)
                else { return character }
                return Character(String(value))
            })
    }

    /// Whitespace of any kind, the no-break spaces phones insert included.
    static func removingWhitespace(_ input: String) -> String {
        input.filter { !$0.isWhitespace }
    }
}

extension Character {
    /// 0-9 only (`isNumber` alone also accepts other scripts and fractions).
    var isASCIIDigit: Bool { isASCII && isNumber }
}
