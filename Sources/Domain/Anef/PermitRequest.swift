/// The ANEF residence-permit request, its parts and the rules that say when it can be filed.
/// Raw values are stored in the database (CHECKs): never rename them.
public enum MaritalStatus: String, Sendable, CaseIterable {
    case single, married
    case civilPartnership = "civil_partnership"
    case cohabiting, divorced, widowed

    /// A spouse to name (and a marriage or partnership to date).
    public var hasSpouse: Bool { self == .married || self == .civilPartnership }
    /// The non-polygamy declaration applies to married people (CESEDA L.432-3).
    public var needsNonPolygamyDeclaration: Bool { self == .married }
}

/// Where the person lives, and what proves it. All three are first-class: hosted people and
/// people domiciled by an association are most of those who just got protection.
public enum AddressKind: String, Sendable, CaseIterable {
    case own, hosted, domiciliation

    public var requiredFiles: [PermitFileKind] {
        switch self {
        case .own: [.addressProof]
        case .hosted: [.hostAttestation, .hostID]
        case .domiciliation: [.domiciliationAttestation]
        }
    }
}

public enum PermitFileKind: String, Sendable, CaseIterable {
    case photo
    case addressProof = "address_proof"
    case hostAttestation = "host_attestation"
    case hostID = "host_id"
    case domiciliationAttestation = "domiciliation_attestation"
    case birthCertificate = "birth_certificate"
    case integrationContract = "integration_contract"
    case marriageCertificate = "marriage_certificate"
    /// What the person sends in answer to the prefecture's request for documents.
    case requestedDocument = "requested_document"

    /// Documents that often arrive after filing (OFPRA's birth act took 309 days on average in
    /// 2022; the integration contract is signed with OFII later): never a reason to wait.
    public var mayComeLater: Bool {
        self == .birthCertificate || self == .integrationContract || self == .marriageCertificate
    }
}

/// How the person relates to the protected person whose OFPRA number they give.
public enum FamilyRelationship: String, Sendable, CaseIterable {
    case spouse, child, parent
}

/// The wording an attestation carries, from the protection and the holder's place in it.
public enum AttestationStanding: String, Sendable, CaseIterable {
    case refugee
    case subsidiaryProtection = "subsidiary_protection"
    case familyOfRefugee = "family_of_refugee"
    case familyOfSubsidiaryProtection = "family_of_subsidiary_protection"

    public init?(protection: ProtectionKind, familyMember: Bool) {
        switch (protection, familyMember) {
        case (.refugee, false): self = .refugee
        case (.subsidiaryProtection, false): self = .subsidiaryProtection
        case (.refugee, true): self = .familyOfRefugee
        case (.subsidiaryProtection, true): self = .familyOfSubsidiaryProtection
        case (.stateless, _): return nil
        }
    }

    /// The one-letter code in the barcode (TwoDDoc field "ST").
    public var barcodeCode: String {
        switch self {
        case .refugee: "R"
        case .subsidiaryProtection: "S"
        case .familyOfRefugee: "F"
        case .familyOfSubsidiaryProtection: "G"
        }
    }

    public init?(barcodeCode: String) {
        guard let s = Self.allCases.first(where: { $0.barcodeCode == barcodeCode }) else { return nil }
        self = s
    }
}

/// The 22-character code an approved photo booth prints (single use: the database keeps it unique).
public struct PhotoBoothCode: Hashable, Sendable {
    public static let length = 22
    public let value: String

    public init?(_ input: String) {
        let candidate = TypedInput.removingWhitespace(input).replacingOccurrences(of: "-", with: "").uppercased()
        guard candidate.count == Self.length, candidate.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return nil
        }
        value = candidate
    }
}

/// The steps of the request, in the order the form walks them.
public enum RequestStep: String, Sendable, CaseIterable {
    case civilStatus = "civil_status"
    case family
    case address
    case addressFiles = "address_files"
    case contacts
    case photo
    case declarations
}

/// What filing needs, read from a draft: the task list shows it, filing refuses without it.
public struct RequestDraft: Sendable {
    public var civilStatusConfirmed = false
    public var maritalStatus: MaritalStatus?
    public var spouseNamed = false
    public var addressKind: AddressKind?
    public var addressComplete = false
    public var contactsConfirmed = false
    public var photoCode: String?
    public var currentFiles: Set<PermitFileKind> = []
    public var declaredTruthful = false
    public var declaredNotPolygamous = false

    public init() {}

    public func isComplete(_ step: RequestStep) -> Bool {
        switch step {
        case .civilStatus: return civilStatusConfirmed
        case .family:
            guard let m = maritalStatus else { return false }
            return !m.hasSpouse || spouseNamed
        case .address: return addressKind != nil && addressComplete
        case .addressFiles:
            guard let kind = addressKind else { return false }
            return kind.requiredFiles.allSatisfy(currentFiles.contains)
        case .contacts: return contactsConfirmed
        case .photo: return photoCode != nil || currentFiles.contains(.photo)
        case .declarations:
            return declaredTruthful && (maritalStatus?.needsNonPolygamyDeclaration != true || declaredNotPolygamous)
        }
    }

    public var missingSteps: [RequestStep] { RequestStep.allCases.filter { !isComplete($0) } }
    public var canBeFiled: Bool { missingSteps.isEmpty }
}

/// The attestation de prolongation d'instruction lasts six months from its first day
/// (R.431-15-3/-4): the last valid day is the day before the same date six months later.
public enum AttestationValidity {
    public static let months = 6

    public static func lastDay(from first: CivilDate) -> CivilDate { first.adding(months: months).adding(days: -1) }
}

/// What `/verifier` says of a genuine document.
public enum AttestationStatus: String, Sendable, CaseIterable {
    case valid, expired, replaced, revoked
    case notYetValid = "not_yet_valid"

    public static func of(
        validFrom: CivilDate, validUntil: CivilDate?, replaced: Bool, revoked: Bool, today: CivilDate
    ) -> AttestationStatus {
        if revoked { return .revoked }
        if replaced { return .replaced }
        if today < validFrom { return .notYetValid }
        if let until = validUntil, today > until { return .expired }
        return .valid
    }
}
