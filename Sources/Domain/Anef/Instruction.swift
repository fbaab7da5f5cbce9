/// What the prefecture decides and issues (issue 13). Raw values are stored.
public enum CardType: String, Sendable, CaseIterable {
    /// Refugees and their family: the resident card, 10 years.
    case residentCard10Years = "resident_card_10_years"
    /// Subsidiary protection: a multi-year card of at most 4 years.
    case multiYearCard4Years = "multi_year_card_4_years"
    /// Family members of a subsidiary-protection holder: the same card, with their own wording
    /// ("membre de la famille d'un bénéficiaire de la protection subsidiaire").
    case multiYearFamilyCard4Years = "multi_year_family_card_4_years"

    public init(standing: AttestationStanding) {
        switch standing {
        case .refugee, .familyOfRefugee: self = .residentCard10Years
        case .subsidiaryProtection: self = .multiYearCard4Years
        case .familyOfSubsidiaryProtection: self = .multiYearFamilyCard4Years
        }
    }
}

/// When an attestation is renewed, and when a renewal that cannot happen becomes an incident.
/// Renewals run ahead of expiry so that nobody is ever without a valid attestation (the
/// documented harm: jobs and benefits lost while a request is open).
public enum RenewalPolicy {
    /// The worker renews an attestation this many days before its last valid day, or later.
    public static let renewWithinDays = 15
    /// A renewal that cannot be made shows as an incident this many days before expiry.
    public static let incidentWithinDays = 30

    public enum Decision: Equatable, Sendable {
        case notYet
        case renew
        /// Open request but no renewal possible (e.g. OFPRA ended the protection).
        case blocked
        /// The request is closed: nothing to renew.
        case closed
    }

    public static func decide(
        state: PermitRequestState, validUntil: CivilDate, protectionEnded: Bool, today: CivilDate
    ) -> Decision {
        guard state.isOpen else { return .closed }
        let left = today.days(until: validUntil)
        if protectionEnded { return left <= incidentWithinDays ? .blocked : .notYet }
        return left <= renewWithinDays ? .renew : .notYet
    }

    /// The new attestation starts the day after the old one's last day (never a gap), or today
    /// if it has already lapsed.
    public static func nextFirstDay(after validUntil: CivilDate, today: CivilDate) -> CivilDate {
        max(validUntil.adding(days: 1), today)
    }
}
