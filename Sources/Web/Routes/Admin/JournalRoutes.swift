import Domain
import Foundation
import HTTP

/// Administrators search the audit trail of staff and agents.
enum JournalRoutes {
    static func register(_ routes: inout Routes) {
        routes.staff("/admin/journal") { g in
            g.get("", search)
        }
    }

    static func search(_ ctx: StaffContext) throws -> Response {
        let q = ctx.request.query
        let staff = (q["agent"] ?? "").trimmingCharacters(in: .whitespaces)
        let identifier = (q["personne"] ?? "").trimmingCharacters(in: .whitespaces)
        let day = q["jour"].flatMap(CivilDate.init(typed:))
        var applicantId: Int64?
        var unknownPerson = false
        if !identifier.isEmpty {
            applicantId = try ApplicantCredentials(ctx: ctx.base, scope: "journal").find(identifier)?.id
            unknownPerson = applicantId == nil
        }
        let entries = unknownPerson ? [] : try Audit.search(staffEmail: staff, applicantId: applicantId, day: day?.iso, db: ctx.db)
        return ctx.page(
            "admin/journal", title: "admin.journal.title",
            [
                "agent": staff, "personne": identifier, "jour": day?.iso ?? "", "unknownPerson": unknownPerson,
                "entries": entries.map { e -> [String: Any] in
                    [
                        "when": DisplayFormat.dateTime(e.at, ctx.language), "who": "\(e.staffName) (\(e.staffEmail))",
                        "role": ctx.text("roles.\(e.role)"), "structure": e.structureName ?? "",
                        "action": ctx.text("audit.actions.\(e.action)"), "person": e.applicantName ?? "", "detail": e.detail ?? "",
                    ]
                },
            ])
    }
}
