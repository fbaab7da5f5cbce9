import Mustache

/// A page's own values as a type, for the pages read most (the applicant space): the handler
/// says in one place what the page shows, and rendering reads fields through a switch rather
/// than dictionaries built and normalized per request. A model answers the template's names
/// in `child(named:)`; text goes through `PageValues.text` so an empty one prints nothing and
/// hides its section, as in dictionary pages.
protocol PageModel: MustacheParent {}

/// The context of a typed page: the layout's frame (title, switcher, CSRF, user, notice) over
/// the page's model, the frame winning on a shared name as it does for dictionary pages.
struct PageContext: MustacheParent {
    let frame: [String: Any]
    let model: any PageModel

    func child(named name: String) -> Any? { frame[name] ?? model.child(named: name) }
}

extension PageValues {
    /// A text value for a model: "" becomes the blank that prints nothing.
    static func text(_ s: String) -> Any { s.isEmpty ? BlankValue() : s }
}

/// The applicant's space (`usager/home`).
struct ApplicantSpacePage: PageModel {
    let name: String
    let agdref: String
    let lastLogin: String
    let noContacts: Bool
    let documents: [Row]

    /// One document of the vault list.
    struct Row: MustacheParent {
        let href: String
        let kind: String
        let deposited: String
        let isNew: Bool
        let notification: String
        /// VaultText's values, shared with the agents' pages (normalized when the row is built).
        let deadlines: Any
        let interview: Any?

        func child(named name: String) -> Any? {
            switch name {
            case "href": return PageValues.text(self.href)
            case "kind": return PageValues.text(self.kind)
            case "deposited": return PageValues.text(self.deposited)
            case "isNew": return self.isNew
            case "notification": return PageValues.text(self.notification)
            case "deadlines": return self.deadlines
            case "interview": return self.interview
            default: return nil
            }
        }
    }

    func child(named name: String) -> Any? {
        switch name {
        case "name": return PageValues.text(self.name)
        case "agdref": return PageValues.text(self.agdref)
        case "lastLogin": return PageValues.text(self.lastLogin)
        case "noContacts": return self.noContacts
        case "documents": return self.documents
        case "hasDocuments": return !self.documents.isEmpty
        default: return nil
        }
    }
}
