import Domain

/// The words for Domain's typed outcomes: Domain names a reason, only the web layer says it.
/// Each mapping is a key family `make i18n-check` expands over the type's cases.
enum DomainText {
    static func key(_ problem: PDFCheck.Problem) -> String { "documents.upload.\(problem.rawValue)" }
    static func key(_ violation: PasswordViolation) -> String { "password.\(violation.rawValue)" }
    static func key(_ reason: ExclusionReason.Code) -> String { "eligibility.\(reason.rawValue)" }
    /// A photo and a scanned document have different minimum sizes: each says its own.
    static func key(_ problem: ImageProblem, photo: Bool) -> String {
        (photo ? "anef.photo_problems." : "anef.scan_problems.") + problem.rawValue
    }
    static func key(_ field: IdentityMatch.Field) -> String { "anef.signup.differs.\(field.rawValue)" }
    static func key(_ status: AttestationStatus) -> String { "verifier.status.\(status.rawValue)" }
    static func key(_ problem: InterviewProblem) -> String { "documents.deposit.problems.\(problem.rawValue)" }
}
