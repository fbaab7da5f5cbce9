import Foundation

/// Lays out a `Letter` as a French administrative letter on A4: sender top left, addressee in
/// the right column (where a window envelope shows it), date, subject, body, signature, and a
/// footer with the reference and page number on every page.
public enum LetterRenderer {
    public static func render(
        _ letter: Letter, typeface: PDFTypeface = .dejaVuSans,
        creationDate: Date = Date()
    ) throws -> [UInt8] {
        let document = try PDFDocument(
            title: letter.title, author: firstLine(of: letter.heading),
            typeface: typeface, creationDate: creationDate)
        try draw(letter, in: document)
        return try document.data()
    }

    /// Draws the letter on new pages of `document`, e.g. to append it to other pages.
    public static func draw(_ letter: Letter, in document: PDFDocument) throws {
        let layout = try PDFLayout(document: document)
        let column = layout.left + layout.contentWidth * 0.55
        let columnWidth = layout.right - column
        let top = layout.y

        try layout.paragraph(letter.heading, size: 11, bold: true, width: layout.contentWidth * 0.5)
        if !letter.reference.isEmpty {
            layout.space(4)
            try layout.paragraph(letter.reference, size: 9, width: layout.contentWidth * 0.5, color: gray)
        }
        let underHeading = layout.y

        // The addressee sits about 4.5 cm from the top edge, as window envelopes expect, unless
        // a long heading pushes it down.
        layout.moveTo(y: min(top - 3.5 * pointsPerCentimetre, underHeading))
        for line in letter.recipientLines {
            try layout.paragraph(line, size: 11, indent: column - layout.left, width: columnWidth)
        }
        layout.moveTo(y: min(layout.y, underHeading))

        layout.space(28)
        try layout.paragraph(letter.date, size: 11, align: .right)
        layout.space(24)
        try layout.paragraph(letter.title, size: 12, bold: true)
        layout.space(14)
        for paragraph in letter.paragraphs {
            try layout.paragraph(paragraph, size: 11, lineHeight: 15)
            layout.space(8)
        }

        let signature = try document.wrap(letter.signature, width: columnWidth, size: 11)
        layout.space(16)
        try layout.ensureSpace(Double(signature.count) * 15)
        for line in signature {
            try layout.textLine(line, x: column, width: columnWidth, size: 11, lineHeight: 15)
        }

        try footers(layout, reference: letter.reference)
    }

    static let gray = PDFColor(gray: 0.35)

    /// Reference and "page/pages" in the bottom margin, drawn once the page count is known.
    static func footers(_ layout: PDFLayout, reference: String) throws {
        let y = layout.margins.bottom / 2
        let count = layout.pages.count
        for (index, page) in layout.pages.enumerated() {
            if !reference.isEmpty {
                try page.text(firstLine(of: reference), at: PDFPoint(x: layout.left, y: y), size: 8, color: gray)
            }
            try page.text(
                "\(index + 1)/\(count)", at: PDFPoint(x: layout.right, y: y), size: 8,
                align: .right, color: gray)
        }
    }

    static func firstLine(of text: String) -> String {
        String(text.split(whereSeparator: \.isNewline).first ?? "")
    }
}
