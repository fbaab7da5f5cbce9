/// The letters OFPRA deposits in the digital space. Raw values are stored in the database
/// and exchanged with OFPRA: never rename them.
public enum DocumentKind: String, CaseIterable, Sendable {
    case accountCreation = "account_creation"
    case introductionLetter = "introduction_letter"
    case convocation = "convocation"
    case convocationCancellation = "convocation_cancellation"
    case sixMonthLetter = "six_month_letter"
    case interviewTranscript = "interview_transcript"
    case reclassification = "reclassification"
    case decisionRefugeeStatus = "decision_refugee_status"
    case decisionSubsidiaryProtection = "decision_subsidiary_protection"
    case decisionRejection = "decision_rejection"
    case decisionInadmissibility = "decision_inadmissibility"
    case decisionClosure = "decision_closure"
    case renotification = "renotification"
    /// From now on OFPRA writes by post: the opt-out takes effect with this deposit.
    case courrierPost = "courrier_post"
    case other = "other"

    /// How the professional module groups dates (it never shows the documents themselves).
    public enum Category: String, Sendable {
        case convocation
        case decision
        case otherLetter = "other_letter"
    }

    public var category: Category {
        switch self {
        case .convocation, .convocationCancellation:
            .convocation
        // A renotification serves a decision again, so its date matters like a decision's.
        case .decisionRefugeeStatus, .decisionSubsidiaryProtection, .decisionRejection,
            .decisionInadmissibility, .decisionClosure, .renotification:
            .decision
        case .accountCreation, .introductionLetter, .sixMonthLetter, .interviewTranscript,
            .reclassification, .courrierPost, .other:
            .otherLetter
        }
    }

    /// Decisions that open an appeal to the CNDA (and the legal-aid deadline with it).
    public var isNegativeDecision: Bool {
        self == .decisionRejection || self == .decisionInadmissibility
    }
}
