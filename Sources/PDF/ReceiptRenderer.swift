import Foundation

/// Lays out a `Receipt`: centred title, a two-column table (labels in bold, values wrapped),
/// then the footer note. Meant for one page; a longer receipt continues on the next page
/// rather than losing rows.
public enum ReceiptRenderer {
    public static func render(
        _ receipt: Receipt, typeface: PDFTypeface = .dejaVuSans,
        creationDate: Date = Date()
    ) throws -> [UInt8] {
        let document = try PDFDocument(
            title: receipt.title, author: "AsylumPortal",
            typeface: typeface, creationDate: creationDate)
        try draw(receipt, in: document)
        return try document.data()
    }

    public static func draw(_ receipt: Receipt, in document: PDFDocument) throws {
        let layout = try PDFLayout(document: document)
        try layout.paragraph(receipt.title, size: 16, bold: true, align: .center)
        layout.space(6)
        try layout.rule(width: 1, color: .black)
        layout.space(4)

        let labelWidth = layout.contentWidth * 0.35
        let gutter = 12.0
        let valueX = layout.left + labelWidth + gutter
        let valueWidth = layout.right - valueX
        for line in receipt.lines {
            let labels = try document.wrap(line.label, width: labelWidth, size: size, bold: true)
            let values = try document.wrap(line.value, width: valueWidth, size: size)
            let rows = max(labels.count, values.count, 1)
            // Keep a row on one page when a page can hold it; only a row taller than a whole
            // page is split, line by line.
            let pageHeight = layout.page.height - layout.margins.top - layout.margins.bottom
            try layout.ensureSpace(min(Double(rows) * lineHeight + 2 * padding, pageHeight))
            layout.space(padding)
            for row in 0..<rows {
                try layout.ensureSpace(lineHeight)
                let baseline = layout.baseline(size: size)
                if row < labels.count {
                    try layout.page.text(labels[row], at: PDFPoint(x: layout.left, y: baseline), size: size, bold: true)
                }
                if row < values.count {
                    try layout.page.text(values[row], at: PDFPoint(x: valueX, y: baseline), size: size)
                }
                layout.space(lineHeight)
            }
            layout.space(padding)
            try layout.page.line(
                from: PDFPoint(x: layout.left, y: layout.y),
                to: PDFPoint(x: layout.right, y: layout.y),
                width: 0.3, color: PDFColor(gray: 0.75))
        }

        layout.space(24)
        try layout.paragraph(receipt.footer, size: 9, lineHeight: 12, color: PDFColor(gray: 0.3))
    }

    private static let size = 10.0
    private static let lineHeight = 14.0
    private static let padding = 5.0
}
