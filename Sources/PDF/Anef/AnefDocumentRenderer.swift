import Foundation

/// The two PDFs of an ANEF residence-permit request: the attestation de prolongation
/// d'instruction and the filing receipt. One sober A4 page each: prefecture header, centred
/// title, label/value rows, plain-French statements, and the signed barcode bottom right. Text
/// that would not fit flows onto another page rather than over the barcode or off the page.
public enum AnefDocumentRenderer {
    /// Said in these words so that employers and the holder cannot miss it (missing work
    /// mentions on real attestations cost people jobs).
    public static let rightToWork =
        "Cette attestation autorise son titulaire à travailler en France, dans la profession de son choix, salariée ou non salariée."
    /// Real attestations were criticised for implying free travel: say plainly that it is not a
    /// travel document.
    public static let notATravelDocument =
        "Cette attestation n'est pas un document de voyage : elle ne permet pas de franchir une frontière. Pour voyager, un titre de voyage doit être demandé à la préfecture."

    public static func attestation(
        _ a: ProlongationAttestation, creationDate: Date = Date(),
        typeface: PDFTypeface = .dejaVuSans
    ) throws -> [UInt8] {
        let document = try PDFDocument(
            title: attestationTitle, author: a.prefecture, typeface: typeface, creationDate: creationDate)
        try draw(a, in: document)
        return try document.data()
    }

    public static func filingReceipt(
        _ r: FilingReceipt, creationDate: Date = Date(),
        typeface: PDFTypeface = .dejaVuSans
    ) throws -> [UInt8] {
        let document = try PDFDocument(
            title: receiptTitle, author: r.prefecture, typeface: typeface, creationDate: creationDate)
        try draw(r, in: document)
        return try document.data()
    }

    /// Draws the attestation on new pages of `document`.
    public static func draw(_ a: ProlongationAttestation, in document: PDFDocument) throws {
        try a.barcode.validate()
        try a.dataMatrix?.validate()
        let layout = try PDFLayout(document: document, margins: margins)
        try header(layout, authority: a.prefecture, title: attestationTitle, number: "Attestation n°\u{00A0}\(a.number)")

        try section(layout, "Titulaire")
        try rows(
            layout,
            [
                ("Nom(s)", a.surnames),
                ("Prénom(s)", a.givenNames),
                ("Date de naissance", a.birthDate),
                ("Lieu de naissance", a.birthPlace),
                ("Nationalité", a.nationality),
                ("N° étranger", a.foreignerNumber),
                ("Qualité", a.standing.attestationWording),
                ("Adresse", a.address.joined(separator: "\n")),
            ])

        layout.space(10)
        try section(layout, "Objet")
        var statements = [
            "Son titulaire a déposé une demande de titre de séjour, enregistrée sous le n°\u{00A0}\(a.requestNumber), qui est en cours d'instruction.",
            "Cette attestation prouve que son titulaire séjourne régulièrement en France pendant sa durée de validité, du \(a.validFrom) au \(a.validUntil).",
        ]
        if let replaced = a.replaces?.trimmingCharacters(in: .whitespacesAndNewlines), !replaced.isEmpty {
            statements.append("Elle remplace l'attestation n°\u{00A0}\(replaced).")
        }
        for statement in statements { try statementParagraph(layout, statement) }
        try statementParagraph(layout, rightToWork, bold: true)
        try statementParagraph(layout, notATravelDocument)

        layout.space(6)
        try layout.paragraph(
            "Attestation n°\u{00A0}\(a.number), délivrée le \(a.issuedOn) par : \(a.prefecture).", size: bodySize,
            lineHeight: bodyLineHeight)

        try barcodeBlock(layout, a.barcode, dataMatrix: a.dataMatrix, verificationURL: a.verificationURL)
        try footers(layout, reference: "Attestation n°\u{00A0}\(a.number)")
    }

    /// Draws the filing receipt on new pages of `document`.
    public static func draw(_ r: FilingReceipt, in document: PDFDocument) throws {
        try r.barcode.validate()
        try r.dataMatrix?.validate()
        let layout = try PDFLayout(document: document, margins: margins)
        try header(layout, authority: r.prefecture, title: receiptTitle, number: "Demande n°\u{00A0}\(r.requestNumber)")

        try statementParagraph(layout, "La demande de titre de séjour décrite ci-dessous a été déposée.")
        try rows(
            layout,
            [
                ("Nom(s)", r.surnames),
                ("Prénom(s)", r.givenNames),
                ("Date de naissance", r.birthDate),
                ("Nationalité ou statut", r.nationalityOrStatus),
                ("Adresse", r.address.joined(separator: "\n")),
                ("N° étranger", r.foreignerNumber),
                ("N° de demande", r.requestNumber),
                ("Date de dépôt", r.filedOn),
                ("Préfecture", r.prefecture),
            ])

        layout.space(10)
        for note in [
            "Ce récépissé prouve que la demande de titre de séjour a été déposée à la date indiquée. Il peut être présenté notamment à la CAF, à France Travail ou à un employeur.",
            "Il ne constitue ni un titre de séjour ni un document de voyage. Pendant l'instruction, le séjour régulier et le droit de travailler sont prouvés par l'attestation de prolongation d'instruction.",
        ] {
            try statementParagraph(layout, note)
        }

        try barcodeBlock(layout, r.barcode, dataMatrix: r.dataMatrix, verificationURL: r.verificationURL)
        try footers(layout, reference: "Récépissé de la demande n°\u{00A0}\(r.requestNumber)")
    }

    /// "host/verifier" for print: the full URL (with its token) is in the barcode, and a reader
    /// typing it by hand needs something short.
    static func verificationAddress(_ url: String) -> String {
        let trimmed = url.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let components = URLComponents(string: trimmed), let host = components.host, !host.isEmpty else {
            // No scheme: take what comes before the first path, query or fragment.
            let host = trimmed.split(whereSeparator: { "/?#".contains($0) }).first.map(String.init) ?? ""
            return host.isEmpty ? trimmed : host.lowercased() + "/verifier"
        }
        let port = components.port.map { ":\($0)" } ?? ""
        return host.lowercased() + port + "/verifier"
    }

    // MARK: - Layout

    static let attestationTitle = "Attestation de prolongation d'instruction"
    static let receiptTitle = "Récépissé de dépôt de demande de titre de séjour"

    private static let margin = 2 * pointsPerCentimetre
    /// 40 mm, quiet zone included: large enough for phone cameras at arm's length.
    private static let barcodeSide = 4 * pointsPerCentimetre
    /// Room under the Data Matrix for its caption, inside the barcode band.
    private static let dataMatrixCaption = 12.0
    /// The Data Matrix with its quiet zone and caption stands as tall as the QR code. A 2D-Doc
    /// of 180 to 280 characters makes 48 to 64 modules a side, 0.7 to 0.5 mm each; even 144 (the
    /// largest) leave 0.24 mm a module, about 3 dots of a 300 dpi printer.
    private static let dataMatrixSide = barcodeSide - dataMatrixCaption
    /// Text stops above the barcode on every page, so a long page breaks instead of running
    /// under the code.
    private static let margins = PDFMargins(
        top: margin, left: margin, bottom: margin + barcodeSide + 14, right: margin)

    private static let bodySize = 10.5
    private static let bodyLineHeight = 14.5
    private static let rowSize = 10.0
    private static let rowLineHeight = 14.0
    private static let rowPadding = 3.0
    private static let gray = PDFColor(gray: 0.35)

    private static func header(_ layout: PDFLayout, authority: String, title: String, number: String) throws {
        try layout.paragraph(authority, size: 11, bold: true)
        layout.space(2)
        try layout.paragraph(number, size: 9, color: gray)
        layout.space(16)
        try layout.paragraph(title, size: 16, bold: true, align: .center)
        layout.space(4)
        try layout.rule(width: 1, color: .black)
        layout.space(6)
    }

    private static func section(_ layout: PDFLayout, _ title: String) throws {
        try layout.ensureSpace(3 * rowLineHeight)  // a heading never ends a page alone
        try layout.paragraph(title, size: 11, bold: true)
        layout.space(2)
    }

    private static func statementParagraph(_ layout: PDFLayout, _ text: String, bold: Bool = false) throws {
        try layout.paragraph(text, size: bodySize, bold: bold, lineHeight: bodyLineHeight)
        layout.space(6)
    }

    /// Labels in bold on the left, values wrapped on the right (newlines in a value break lines),
    /// a hairline under each row; a row stays on one page when a page can hold it.
    private static func rows(_ layout: PDFLayout, _ rows: [(label: String, value: String)]) throws {
        let document = layout.document
        let labelWidth = layout.contentWidth * 0.28
        let valueX = layout.left + labelWidth + 12
        let valueWidth = layout.right - valueX
        let pageHeight = layout.page.height - layout.margins.top - layout.margins.bottom
        for row in rows {
            let labels = try document.wrap(row.label, width: labelWidth, size: rowSize, bold: true)
            let values = try document.wrap(row.value, width: valueWidth, size: rowSize)
            let count = max(labels.count, values.count, 1)
            try layout.ensureSpace(min(Double(count) * rowLineHeight + 2 * rowPadding, pageHeight))
            layout.space(rowPadding)
            for index in 0..<count {
                try layout.ensureSpace(rowLineHeight)
                let baseline = layout.baseline(size: rowSize)
                if index < labels.count {
                    try layout.page.text(
                        labels[index], at: PDFPoint(x: layout.left, y: baseline), size: rowSize, bold: true)
                }
                if index < values.count {
                    try layout.page.text(values[index], at: PDFPoint(x: valueX, y: baseline), size: rowSize)
                }
                layout.space(rowLineHeight)
            }
            layout.space(rowPadding)
            try layout.page.line(
                from: PDFPoint(x: layout.left, y: layout.y), to: PDFPoint(x: layout.right, y: layout.y),
                width: 0.3, color: PDFColor(gray: 0.75))
        }
    }

    /// The QR code in the bottom-right corner of the last page, in the space the margins keep
    /// free, the Data Matrix (if any) left of it, and the caption right-aligned beside them.
    private static func barcodeBlock(
        _ layout: PDFLayout, _ barcode: PDFBarcode, dataMatrix: PDFBarcode?, verificationURL: String
    ) throws {
        let page = layout.page
        let bottom = margin
        let codeX = layout.right - barcodeSide
        try page.barcode(barcode, origin: PDFPoint(x: codeX, y: bottom), side: barcodeSide)

        var captionRight = codeX - 10
        if let dataMatrix {
            // Both white squares carry their own quiet zone: a small gap keeps them apart.
            let matrixX = codeX - 6 - dataMatrixSide
            try page.barcode(
                dataMatrix, origin: PDFPoint(x: matrixX, y: bottom + dataMatrixCaption), side: dataMatrixSide,
                quietZone: PDFBarcode.dataMatrixQuietZone)
            try page.text(
                "2D-Doc", at: PDFPoint(x: matrixX + dataMatrixSide / 2, y: bottom + 2), size: 8, align: .center,
                color: gray)
            captionRight = matrixX - 10
        }
        let captionWidth = captionRight - layout.left
        let document = layout.document
        let lines =
            try document.wrap("Vérifiez ce document : " + verificationAddress(verificationURL), width: captionWidth, size: 9)
            .map { (text: $0, bold: false) }
            + document.wrap("Signé électroniquement (2D-Doc)", width: captionWidth, size: 9, bold: true)
            .map { (text: $0, bold: true) }
        // Centred on the code's height; a caption taller than the code would start above it.
        let step = 12.0
        var baseline = bottom + (barcodeSide + Double(lines.count) * step) / 2 - 9
        for line in lines {
            try page.text(
                line.text, at: PDFPoint(x: captionRight, y: baseline), size: 9, bold: line.bold, align: .right,
                color: line.bold ? .black : gray)
            baseline -= step
        }
    }

    /// Reference and "page/pages" under the barcode, once the page count is known.
    private static func footers(_ layout: PDFLayout, reference: String) throws {
        let y = margin / 2
        let count = layout.pages.count
        for (index, page) in layout.pages.enumerated() {
            let width = layout.contentWidth - 40
            if let first = try layout.document.wrap(reference, width: width, size: 8).first {
                try page.text(first, at: PDFPoint(x: layout.left, y: y), size: 8, color: gray)
            }
            try page.text("\(index + 1)/\(count)", at: PDFPoint(x: layout.right, y: y), size: 8, align: .right, color: gray)
        }
    }
}
