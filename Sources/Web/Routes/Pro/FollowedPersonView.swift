import Domain
import Foundation
import Mustache

/// A followed person as the dashboard's rows and the person page show them: dates and flags,
/// never a document. Typed, so a page of 50 people is read field by field instead of through
/// 50 dictionaries built and normalized per view (issue 10).
struct FollowedPersonView: PageModel {
    let id: Int64
    let name: String
    let agdref: String
    let registered: String
    let space: String
    let lastLogin: String
    let hasPhone: String
    let hasEmail: String
    let flags: [String]
    let documents: [Document]

    /// One document's dates: its category, never its title or content.
    struct Document: MustacheParent {
        let category: String
        let deposited: String
        let notified: String
        let interview: String

        func child(named name: String) -> Any? {
            switch name {
            case "category": PageValues.text(category)
            case "deposited": PageValues.text(deposited)
            case "notified": PageValues.text(notified)
            case "interview": PageValues.text(interview)
            default: nil
            }
        }
    }

    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "name": PageValues.text(self.name)
        case "agdref": PageValues.text(agdref)
        case "registered": PageValues.text(registered)
        case "space": PageValues.text(space)
        case "lastLogin": PageValues.text(lastLogin)
        case "hasPhone": PageValues.text(hasPhone)
        case "hasEmail": PageValues.text(hasEmail)
        case "flags": flags
        case "hasFlags": !flags.isEmpty
        case "documents": documents
        case "hasDocuments": !documents.isEmpty
        default: nil
        }
    }
}

extension FollowedPersonView {
    /// The person's texts in the request's language (the memberwise init stays for tests).
    init(_ p: FollowedPerson, now: Date, _ ctx: RequestContext) {
        let a = p.applicant
        func when(_ d: Date?) -> String { d.map { DisplayFormat.dateTime($0, ctx.language) } ?? "—" }
        id = a.id
        name = a.fullName
        agdref = a.agdref ?? ""
        registered =
            a.registeredOn.flatMap(CivilDate.init(iso:)).map { VaultText.day($0, ctx) } ?? ctx.text("pro.follow.not_registered")
        space =
            a.activatedAt != nil
            ? ctx.text("pro.follow.activated_on", ["date": when(a.activatedAt)])
            : a.spaceAvailableAt != nil
                ? ctx.text("pro.follow.open_since", ["date": when(a.spaceAvailableAt)])
                : ctx.text("pro.follow.no_space")
        lastLogin = when(a.lastLoginAt)
        hasPhone = ctx.text(a.verifiedPhone != nil ? "pro.follow.yes" : "pro.follow.no")
        hasEmail = ctx.text(a.verifiedEmail != nil ? "pro.follow.yes" : "pro.follow.no")
        flags = p.flags(now: now).map { ctx.text("pro.flags.\($0.rawValue)") }
        documents = p.documents.map { d in
            let notified: String
            switch d.notification {
            case .pending: notified = ctx.text("pro.follow.not_notified")
            case .notified(let at, _): notified = when(at)
            }
            return Document(
                category: ctx.text("pro.categories.\(d.category.rawValue)"), deposited: when(d.depositedAt), notified: notified,
                interview: d.interview.map { "\(VaultText.day($0.date, ctx)) \($0.time.hhmm)" } ?? "")
        }
    }
}
