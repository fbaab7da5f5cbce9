/// A square 2D barcode as a matrix of modules, drawn by the PDF module without knowing how it was
/// encoded (the Barcode module builds it; this target does not depend on it).
public struct PDFBarcode: Sendable, Equatable {
    /// Modules per side.
    public let size: Int
    /// Row-major, `true` = dark; `size * size` entries (checked when drawn).
    public let modules: [Bool]

    public init(size: Int, modules: [Bool]) {
        self.size = size
        self.modules = modules
    }
}

/// The protection that grounds the residence-permit request, as the attestation words it.
public enum ProtectionStanding: String, Sendable {
    case refugee, subsidiaryProtection, familyOfRefugee, familyOfSubsidiaryProtection

    /// The mention printed on the attestation.
    public var attestationWording: String {
        switch self {
        case .refugee: return "reconnu(e) réfugié(e)"
        case .subsidiaryProtection: return "bénéficiaire de la protection subsidiaire"
        case .familyOfRefugee: return "membre de famille d'un réfugié"
        case .familyOfSubsidiaryProtection:
            return "membre de la famille d'un bénéficiaire de la protection subsidiaire"
        }
    }
}

/// The "attestation de prolongation d'instruction" (API): proves lawful stay and the right to
/// work while a residence-permit request is processed. Dates are already formatted for print.
public struct ProlongationAttestation: Sendable {
    public var number: String
    public var surnames: String
    public var givenNames: String
    /// Already formatted, e.g. "12/03/1990".
    public var birthDate: String
    public var birthPlace: String
    public var nationality: String
    public var standing: ProtectionStanding
    public var foreignerNumber: String
    public var requestNumber: String
    public var address: [String]
    /// The issuing authority as printed in the header, e.g. "Préfecture d'Ille-et-Vilaine".
    public var prefecture: String
    public var validFrom: String
    public var validUntil: String
    public var issuedOn: String
    /// Full URL (it is what the barcode's scanner app opens); the page prints only host + /verifier.
    public var verificationURL: String
    public var barcode: PDFBarcode
    /// Number of the attestation this one renews.
    public var replaces: String?
    /// The signed 2D-Doc itself as a Data Matrix, which 2D-Doc readers scan, drawn beside the QR
    /// code (which only links to the verification page).
    public var dataMatrix: PDFBarcode?

    public init(
        number: String, surnames: String, givenNames: String, birthDate: String,
        birthPlace: String, nationality: String, standing: ProtectionStanding,
        foreignerNumber: String, requestNumber: String, address: [String], prefecture: String,
        validFrom: String, validUntil: String, issuedOn: String, verificationURL: String,
        barcode: PDFBarcode, replaces: String? = nil, dataMatrix: PDFBarcode? = nil
    ) {
        self.number = number
        self.surnames = surnames
        self.givenNames = givenNames
        self.birthDate = birthDate
        self.birthPlace = birthPlace
        self.nationality = nationality
        self.standing = standing
        self.foreignerNumber = foreignerNumber
        self.requestNumber = requestNumber
        self.address = address
        self.prefecture = prefecture
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.issuedOn = issuedOn
        self.verificationURL = verificationURL
        self.barcode = barcode
        self.replaces = replaces
        self.dataMatrix = dataMatrix
    }
}

/// Proof that a residence-permit request was filed, for the CAF, France Travail or employers.
public struct FilingReceipt: Sendable {
    public var requestNumber: String
    public var surnames: String
    public var givenNames: String
    public var birthDate: String
    public var nationalityOrStatus: String
    public var address: [String]
    public var foreignerNumber: String
    public var filedOn: String
    public var prefecture: String
    public var verificationURL: String
    public var barcode: PDFBarcode
    /// The signed 2D-Doc as a Data Matrix, as on the attestation.
    public var dataMatrix: PDFBarcode?

    public init(
        requestNumber: String, surnames: String, givenNames: String, birthDate: String,
        nationalityOrStatus: String, address: [String], foreignerNumber: String, filedOn: String,
        prefecture: String, verificationURL: String, barcode: PDFBarcode, dataMatrix: PDFBarcode? = nil
    ) {
        self.requestNumber = requestNumber
        self.surnames = surnames
        self.givenNames = givenNames
        self.birthDate = birthDate
        self.nationalityOrStatus = nationalityOrStatus
        self.address = address
        self.foreignerNumber = foreignerNumber
        self.filedOn = filedOn
        self.prefecture = prefecture
        self.verificationURL = verificationURL
        self.barcode = barcode
        self.dataMatrix = dataMatrix
    }
}
