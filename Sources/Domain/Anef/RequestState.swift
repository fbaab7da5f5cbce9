/// The states of a residence-permit request and the only moves between them (issue 13). The
/// database holds the same table (`anef_state_transitions`, migration 014) and refuses any
/// other move; `RequestStateTests` checks the two agree. Raw values are stored.
public enum PermitRequestState: String, Sendable, CaseIterable {
    case draft
    case filed
    case underReview = "under_review"
    case documentsRequested = "documents_requested"
    case favourable
    case cardInProduction = "card_in_production"
    case cardAvailable = "card_available"
    case cardHandedOver = "card_handed_over"
    case refused
    case closed
    case withdrawn

    public var next: Set<PermitRequestState> {
        switch self {
        case .draft: [.filed, .withdrawn]
        case .filed: [.underReview, .withdrawn]
        case .underReview: [.documentsRequested, .favourable, .refused, .closed, .withdrawn]
        case .documentsRequested: [.underReview, .closed, .withdrawn]
        case .favourable: [.cardInProduction]
        case .cardInProduction: [.cardAvailable]
        case .cardAvailable: [.cardHandedOver]
        case .cardHandedOver, .refused, .closed, .withdrawn: []
        }
    }

    public func canMove(to state: PermitRequestState) -> Bool { next.contains(state) }

    /// Still being handled: the attestation must stay valid (renewals, issue 13).
    public var isOpen: Bool { ![.draft, .cardHandedOver, .refused, .closed, .withdrawn].contains(self) }
}
