/// Whether an application falls under the digital space (documents notified online)
/// rather than letters by post. The GUDA notice signed at registration states the outcome.
public enum Eligibility {
    /// Checks run from the person to the site to the dates, so the reason given is the
    /// most fundamental one (a minor registered at an unknown site is told "minor").
    ///
    /// Dublin rule: a Dublin application is out until it is requalified into the normal or
    /// accelerated procedure; once requalified, the requalification day (when the GUDA hands
    /// over the notice) must be on or after the site's start, whatever the registration day.
    /// A Dublin application registered before the start but requalified after it is in.
    public static func evaluate(
        site siteID: String,
        registeredOn: CivilDate,
        procedure: Procedure,
        unaccompaniedMinor: Bool,
        overseas: Bool,
        alreadyProtected: Bool
    ) -> EligibilityResult {
        if alreadyProtected { return .outOfScope(.alreadyProtected) }
        if unaccompaniedMinor { return .outOfScope(.unaccompaniedMinor) }
        let site = GudaSite.find(id: siteID)
        if overseas || site?.isOverseas == true { return .outOfScope(.overseas) }
        guard let site, let start = site.inScopeFrom else { return .outOfScope(.unknownSite) }

        switch procedure {
        case .dublin:
            return .outOfScope(.dublinNotRequalified)
        case .dublinRequalifiedNormal(let requalifiedOn), .dublinRequalifiedAccelerated(let requalifiedOn):
            return requalifiedOn >= start ? .inScope : .outOfScope(.requalifiedBeforeSiteStart(from: start))
        case .normal, .accelerated:
            return registeredOn >= start ? .inScope : .outOfScope(.siteNotYetInScope(from: start))
        }
    }
}

public enum EligibilityResult: Hashable, Sendable {
    case inScope
    case outOfScope(ExclusionReason)
}

public enum ExclusionReason: Hashable, Sendable {
    case alreadyProtected
    case unaccompaniedMinor
    case overseas
    case unknownSite
    case dublinNotRequalified
    /// Registered before the site joined the scheme.
    case siteNotYetInScope(from: CivilDate)
    /// Requalified out of Dublin before the site joined the scheme.
    case requalifiedBeforeSiteStart(from: CivilDate)

    /// What is stored (`applicants.eligibility`, checked by the schema) and logged: the reason
    /// without its date. The web layer words it.
    public enum Code: String, Sendable, CaseIterable {
        case alreadyProtected = "already_protected"
        case unaccompaniedMinor = "unaccompanied_minor"
        case overseas
        case unknownSite = "unknown_site"
        case dublinNotRequalified = "dublin_not_requalified"
        case siteNotYetInScope = "site_not_yet_in_scope"
        case requalifiedBeforeSiteStart = "requalified_before_site_start"
    }

    public var code: Code {
        switch self {
        case .alreadyProtected: .alreadyProtected
        case .unaccompaniedMinor: .unaccompaniedMinor
        case .overseas: .overseas
        case .unknownSite: .unknownSite
        case .dublinNotRequalified: .dublinNotRequalified
        case .siteNotYetInScope: .siteNotYetInScope
        case .requalifiedBeforeSiteStart: .requalifiedBeforeSiteStart
        }
    }
}
