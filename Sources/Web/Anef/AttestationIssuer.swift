import Barcode
import Domain
import Foundation
import HTTP
import PDF
import Postgres
import Security

/// Issues the filing receipt and the attestation (API) of a filed request: the signed 2D-Doc
/// barcode, its QR code (a link to `/verifier`) and the PDF, stored as issued. Runs in the
/// filing's transaction: a filed request always has both documents.
struct AttestationIssuer: Sendable {
    /// Our own certification-authority id in the 2D-Doc header (we hold no government one).
    static let authority = "AP00"
    static let country = "FR"
    static let perimeter = "01"

    enum DocumentType: String {
        case attestation = "A1"
        case receipt = "A2"
    }

    let key: DocumentSigningKey
    let publicURL: String

    struct Holder {
        let account: AnefAccount
        let protection: ProtectionRecord
        let request: PermitRequest
        let prefecture: Prefecture
    }

    struct Issued {
        let receipt: Int64
        let attestation: Int64
    }

    func issueAtFiling(_ h: Holder, today: CivilDate, db: PGConnection) throws -> Issued {
        try SigningKeys.publish(certificateId: key.certificateId, publicKeyPEM: key.publicKeyPEM, db: db)
        guard let standing = AttestationStanding(protection: h.protection.kind, familyMember: h.account.role == .family) else {
            throw HTTPError(409, "no attestation for this protection")
        }
        let birth = CivilDate(iso: h.account.birthDate) ?? h.protection.birthDate
        let identity = identity(h, birth)

        let receiptNumber = h.request.number
        let receiptCode = try signed(
            .receipt, today: today, [.init(id: "AN", value: receiptNumber)] + identity + [.init(id: "DP", value: TwoDDoc.date(today))])
        let receiptPDF = try AnefDocumentRenderer.filingReceipt(
            FilingReceipt(
                requestNumber: receiptNumber, surnames: h.account.surnames, givenNames: h.account.givenNames,
                birthDate: birth.numeric, nationalityOrStatus: nationalityOrStatus(h, standing),
                address: addressLines(h.request), foreignerNumber: h.account.foreignerNumber ?? h.protection.foreignerNumber ?? "—",
                filedOn: today.numeric, prefecture: h.prefecture.name, verificationURL: receiptCode.url,
                barcode: receiptCode.barcode, dataMatrix: receiptCode.dataMatrix))
        let receipt = try Attestations.insert(
            number: "REC-" + receiptNumber, request: h.request.id, kind: .receipt, validFrom: today, validUntil: nil,
            certificateId: key.certificateId, barcode: receiptCode.text, pdf: receiptPDF, db: db)

        let api = try issueAttestation(
            h, standing: standing, identity: identity, birth: birth, from: today, today: today, replaces: nil, db: db)
        return Issued(receipt: receipt, attestation: api)
    }

    /// A renewal: a new attestation from `from` (the day after the old one's last day), saying
    /// which one it replaces; the old one is marked replaced in the same transaction.
    func renew(_ h: Holder, replacing old: IssuedAttestation, from: CivilDate, today: CivilDate, db: PGConnection) throws -> Int64 {
        try SigningKeys.publish(certificateId: key.certificateId, publicKeyPEM: key.publicKeyPEM, db: db)
        guard let standing = AttestationStanding(protection: h.protection.kind, familyMember: h.account.role == .family) else {
            throw HTTPError(409, "no attestation for this protection")
        }
        let birth = CivilDate(iso: h.account.birthDate) ?? h.protection.birthDate
        let id = try issueAttestation(
            h, standing: standing, identity: identity(h, birth), birth: birth, from: from, today: today, replaces: old.number, db: db)
        try Attestations.markReplaced(old.id, by: id, db: db)
        return id
    }

    func identity(_ h: Holder, _ birth: CivilDate) -> [TwoDDoc.Field] {
        [
            .init(id: "NM", value: TwoDDoc.normalizedValue(h.account.surnames)),
            .init(id: "PN", value: TwoDDoc.normalizedValue(h.account.givenNames)),
            .init(id: "DN", value: TwoDDoc.date(birth)),
        ]
    }

    /// One attestation (API): six months from `from`, signed, drawn and stored.
    func issueAttestation(
        _ h: Holder, standing: AttestationStanding, identity: [TwoDDoc.Field], birth: CivilDate, from: CivilDate, today: CivilDate,
        replaces: String?, db: PGConnection
    ) throws -> Int64 {
        let number = try Attestations.nextNumber(prefix: "API", db: db)
        let until = AttestationValidity.lastDay(from: from)
        let code = try signed(
            .attestation, today: today,
            [.init(id: "AN", value: number)] + identity + [
                .init(id: "DD", value: TwoDDoc.date(from)), .init(id: "DF", value: TwoDDoc.date(until)),
                .init(id: "ST", value: standing.barcodeCode), .init(id: "TR", value: "1"),
            ])
        let pdf = try AnefDocumentRenderer.attestation(
            ProlongationAttestation(
                number: number, surnames: h.account.surnames, givenNames: h.account.givenNames, birthDate: birth.numeric,
                birthPlace: h.account.role == .protected ? h.protection.birthPlace : "",
                nationality: h.account.role == .protected ? (h.protection.nationality ?? "—") : "—",
                standing: Self.pdfStanding(standing), foreignerNumber: h.account.foreignerNumber ?? h.protection.foreignerNumber ?? "—",
                requestNumber: h.request.number, address: addressLines(h.request), prefecture: h.prefecture.name,
                validFrom: from.numeric, validUntil: until.numeric, issuedOn: today.numeric,
                verificationURL: code.url, barcode: code.barcode, replaces: replaces, dataMatrix: code.dataMatrix))
        return try Attestations.insert(
            number: number, request: h.request.id, kind: .api, validFrom: from, validUntil: until,
            certificateId: key.certificateId, barcode: code.text, pdf: pdf, db: db)
    }

    /// The signed text, the link the QR carries, the QR, and the DataMatrix of the raw text (the
    /// symbol 2D-Doc readers scan).
    struct SignedCode {
        let text: String
        let url: String
        let barcode: PDFBarcode
        let dataMatrix: PDFBarcode
    }

    /// Signs the fields, and draws the QR code of the `/verifier` link that carries them.
    func signed(_ type: DocumentType, today: CivilDate, _ fields: [TwoDDoc.Field]) throws -> SignedCode {
        let doc = TwoDDoc(
            header: .init(
                authority: Self.authority, certificate: key.certificateId, issued: today, signed: today,
                documentType: type.rawValue, perimeter: Self.perimeter, country: Self.country),
            fields: fields)
        let text = doc.text(signature: try key.sign(Array(doc.message.utf8)))
        let url = Self.verificationURL(publicURL: publicURL, text: text)
        let qr = try QRCode(encoding: url, correction: .medium)
        let matrix = try DataMatrix(encoding: text)
        return SignedCode(
            text: text, url: url, barcode: PDFBarcode(size: qr.size, modules: qr.modules),
            dataMatrix: PDFBarcode(size: matrix.width, modules: matrix.modules))
    }

    /// `/verifier?d=…`: the barcode's text percent-encoded (its GS/US separators included).
    static func verificationURL(publicURL: String, text: String) -> String {
        publicURL + "/verifier?d=" + FormData.percentEncode(text)
    }

    func nationalityOrStatus(_ h: Holder, _ standing: AttestationStanding) -> String {
        let status = Self.statusWording[standing] ?? ""
        guard h.account.role == .protected, let nationality = h.protection.nationality else { return status }
        return "\(nationality) — \(status)"
    }

    func addressLines(_ r: PermitRequest) -> [String] {
        var lines: [String] = []
        if r.addressKind == .hosted, let host = r.hostName { lines.append("Chez \(host)") }
        if r.addressKind == .domiciliation, let org = r.domiciliationOrg { lines.append("Domiciliation : \(org)") }
        return lines + r.addressLines
    }

    static let statusWording: [AttestationStanding: String] = [
        .refugee: "réfugié(e)", .subsidiaryProtection: "bénéficiaire de la protection subsidiaire",
        .familyOfRefugee: "membre de famille d'un réfugié",
        .familyOfSubsidiaryProtection: "membre de la famille d'un bénéficiaire de la protection subsidiaire",
    ]

    static func pdfStanding(_ s: AttestationStanding) -> ProtectionStanding {
        switch s {
        case .refugee: .refugee
        case .subsidiaryProtection: .subsidiaryProtection
        case .familyOfRefugee: .familyOfRefugee
        case .familyOfSubsidiaryProtection: .familyOfSubsidiaryProtection
        }
    }
}
