/// Greedy word wrapping. Pure (widths come from `measure`) so it is tested without a PDF.
struct LineBreaker {
    let maxWidth: Double
    let measure: (String) -> Double

    /// Lines of `text` no wider than `maxWidth`. Newlines in `text` force breaks (a blank line
    /// stays blank); a word wider than the line is cut between characters, without a hyphen
    /// since such words are usually references or addresses that must stay exact. Text with no
    /// word at all gives no line.
    func lines(_ text: String) -> [String] {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        let hardLines = normalized.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r" }
        guard hardLines.contains(where: { !$0.allSatisfy(\.isWhitespace) }) else { return [] }
        return hardLines.flatMap { wrap(String($0)) }
    }

    private func wrap(_ line: String) -> [String] {
        // Only ordinary spaces and tabs break: no-break spaces (as before ":" in French) hold.
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard !words.isEmpty else { return [""] }
        let space = measure(" ")
        var lines: [String] = []
        var current = ""
        var currentWidth = 0.0
        for word in words {
            let width = measure(word)
            if !current.isEmpty, fits(currentWidth + space + width) {
                current += " " + word
                currentWidth += space + width
                continue
            }
            if !current.isEmpty { lines.append(current) }
            if fits(width) {
                (current, currentWidth) = (word, width)
            } else {
                var pieces = cut(word)
                let last = pieces.removeLast()
                lines += pieces
                (current, currentWidth) = (last, measure(last))
            }
        }
        lines.append(current)
        return lines
    }

    /// Splits a too-long word into pieces that fit; each piece holds at least one character so
    /// even an absurdly narrow width makes progress.
    private func cut(_ word: String) -> [String] {
        var pieces: [String] = []
        var piece = ""
        var width = 0.0
        for character in word {
            let characterWidth = measure(String(character))
            if !piece.isEmpty, !fits(width + characterWidth) {
                pieces.append(piece)
                (piece, width) = ("", 0)
            }
            piece.append(character)
            width += characterWidth
        }
        pieces.append(piece)
        return pieces
    }

    /// A hair of tolerance: widths are sums of floats.
    private func fits(_ width: Double) -> Bool { width <= maxWidth + 0.001 }
}

extension PDFDocument {
    /// The lines `paragraph` would draw for `text` within `width` points.
    public func wrap(_ text: String, width: Double, size: Double, bold: Bool = false) throws -> [String] {
        try PDFPage.validate(length: width, "wrapping width")
        try PDFPage.validate(size: size)
        let font = try font(bold: bold)
        let encoding = textEncoding
        return LineBreaker(maxWidth: width) { font.width(of: encoding.cString($0), size: size) }.lines(text)
    }
}
