import Domain
import I18n
import Outbox

/// The catalogue keys the code builds from a value (`"roles.\(role.rawValue)"`), for
/// `make i18n-check`: each interpolated key in the code must be one of these families, and
/// the values listed are the keys it can reach. `nil` values: the value comes from outside the
/// code (a query parameter, an action stored in the journal), so the whole section is used.
public enum RuntimeKeys {
    public static let families: [CatalogueAudit.Family] = [
        .init("documents.kinds.", DocumentKind.allCases.map(\.rawValue)),
        .init("documents.explain.", nil),
        .init("documents.deadline.", nil, suffix: ".title"),
        .init("documents.deadline.", nil, suffix: ".explain"),
        .init("documents.deadline.holidays.", PublicHoliday.allCases.map(\.rawValue)),
        .init("documents.upload.", PDFCheck.Problem.allCases.map(\.rawValue)),
        .init("documents.deposit.problems.", InterviewProblem.allCases.map(\.rawValue)),
        .init("password.", PasswordViolation.allCases.map(\.rawValue)),
        .init("eligibility.", ExclusionReason.Code.allCases.map(\.rawValue)),
        .init("roles.", Role.allCases.map(\.rawValue)),
        .init("structures.", Structure.Kind.allCases.map(\.rawValue)),
        .init("outbox.states.", MessageState.allCases.map(\.rawValue)),
        .init("outbox.channels.", Channel.allCases.map(\.rawValue)),
        .init("delivery.status.", DeliveryStatus.allCases.map(\.rawValue)),
        // A document's timeline: one key per fact (messages, reminders and outages have their own).
        .init(
            "timeline.",
            TimelineEvent.Kind.allCases.filter { ![.message, .deadlineReminder, .outage].contains($0) }.map(\.rawValue)),
        .init("timeline.component.", ["database", "sms_provider", "email_provider"]),
        .init("optout.reasons.", PaperOptOut.Reason.allCases.map(\.rawValue)),
        .init("optout.states.", nil),
        .init("optout.steps.", nil),
        .init("pro.flags.", FollowedPerson.Flag.allCases.map(\.rawValue)),
        .init("pro.follow.sort_", FollowedPeople.Sort.allCases.map(\.rawValue)),
        .init("pro.categories.", nil),
        .init("pro.links.", nil),
        .init("pro.enrol.states.", nil),
        .init("guda.procedures.", ProcedureChoice.allCases.map(\.rawValue)),
        // The home page's spaces and their numbered steps (`spaces.\(space).step\(i)`).
        .init("spaces.", nil),
        // The printed GUDA notice reads the whole section, in French and the person's language.
        .init("notice.", nil),
        // SMS and e-mails: the worker checks its layouts against the catalogue when it starts.
        .init("messages.", nil),
        .init("notices.", nil),
        .init("history.", nil),
        .init("history.actor.", nil),
        .init("errors.", nil, suffix: ".title"),
        .init("errors.", nil, suffix: ".body"),
        .init("audit.actions.", nil),
        .init("ofpra.closure.reasons.", nil),
        // ANEF: the request's parts, the files' problems and the verifier's answers.
        .init("anef.photo_problems.", ImageProblem.allCases.map(\.rawValue)),
        .init("anef.scan_problems.", ImageProblem.allCases.map(\.rawValue)),
        .init("anef.signup.differs.", IdentityMatch.Field.allCases.map(\.rawValue)),
        .init("anef.marital.", MaritalStatus.allCases.map(\.rawValue)),
        .init("anef.address_kinds.", AddressKind.allCases.map(\.rawValue)),
        .init("anef.file_kinds.", PermitFileKind.allCases.map(\.rawValue)),
        .init("anef.relationships.", FamilyRelationship.allCases.map(\.rawValue)),
        .init("anef.standings.", AttestationStanding.allCases.map(\.rawValue)),
        .init("anef.steps.", RequestStep.allCases.map(\.rawValue)),
        .init("anef.protection_kinds.", ProtectionKind.allCases.map(\.rawValue)),
        .init("anef.events.", nil),
        .init("anef.states.", PermitRequestState.allCases.map(\.rawValue)),
        .init("anef.card_types.", CardType.allCases.map(\.rawValue)),
        .init("anef.actors.", ["person", "system", "staff"]),
        .init("anef.file_hints.", PermitFileKind.allCases.map(\.rawValue)),
        .init("anef.address.kind_hints.", AddressKind.allCases.map(\.rawValue)),
        .init("anef.address.files_explain.", AddressKind.allCases.map(\.rawValue)),
        .init("verifier.problems.", VerifierRoutes.Problem.allCases.map(\.rawValue)),
        .init("verifier.status.", AttestationStatus.allCases.map(\.rawValue)),
    ]
}
