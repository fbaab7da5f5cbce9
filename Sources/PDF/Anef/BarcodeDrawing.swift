import Foundation

extension PDFBarcode {
    /// Modules of white kept round the symbol: scanners need the QR quiet zone of 4.
    public static let quietZone = 4
    /// Data Matrix needs 1 module of white; 2 leave room for print bleed and a cut edge.
    public static let dataMatrixQuietZone = 2

    /// QR symbols stop at 177 modules a side (Data Matrix at 144); a larger matrix is a caller's
    /// mistake, and would cost thousands of drawing objects.
    static let maximumSize = 200

    func validate() throws {
        guard size > 0, size <= Self.maximumSize else {
            throw PDFError.invalidArgument("barcode of \(size) modules a side")
        }
        guard modules.count == size * size else {
            throw PDFError.invalidArgument("barcode of size \(size) has \(modules.count) modules, not \(size * size)")
        }
    }

    /// Dark runs of `row` as (first column, length): one rectangle per run rather than per module
    /// keeps the page small and leaves no seams between neighbours when rasterised.
    func darkRuns(inRow row: Int) -> [(start: Int, length: Int)] {
        var runs: [(start: Int, length: Int)] = []
        var column = 0
        while column < size {
            guard modules[row * size + column] else {
                column += 1
                continue
            }
            let start = column
            while column < size, modules[row * size + column] { column += 1 }
            runs.append((start, column - start))
        }
        return runs
    }
}

extension PDFPage {
    /// Draws `barcode` as filled black squares inside a white square of `side` points whose
    /// bottom-left corner is `origin`; the white border, `quietZone` modules wide, is the quiet zone.
    func barcode(
        _ barcode: PDFBarcode, origin: PDFPoint, side: Double, quietZone: Int = PDFBarcode.quietZone
    ) throws {
        try barcode.validate()
        try Self.validate(length: side, "barcode side")
        guard quietZone >= 0 else { throw PDFError.invalidArgument("quiet zone of \(quietZone) modules") }
        let module = side / Double(barcode.size + 2 * quietZone)
        try rectangle(PDFRect(x: origin.x, y: origin.y, width: side, height: side), stroke: nil, fill: .white)
        let quiet = Double(quietZone) * module
        for row in 0..<barcode.size {
            // Row 0 is the top of the symbol, PDF's y grows upwards.
            let y = origin.y + side - quiet - Double(row + 1) * module
            for run in barcode.darkRuns(inRow: row) {
                try rectangle(
                    PDFRect(
                        x: origin.x + quiet + Double(run.start) * module, y: y,
                        width: Double(run.length) * module, height: module),
                    stroke: nil, fill: .black)
            }
        }
    }
}
