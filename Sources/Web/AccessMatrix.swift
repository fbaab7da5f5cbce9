import Domain
import HTTP

/// Who may call which route: the one place the app's authorization is written. Every route a
/// module registers must have a line here (start-up stops otherwise), and an integration test
/// walks every line with every role and a logged-out visitor.
///
/// Record-level rules (staff see only people their structure follows, an applicant only their
/// own documents, an OFII agent only requests sent to their office) are checked in the
/// handlers on top of this table; the same test covers them.
public enum AccessMatrix {
    static let professionals: Set<Role> = [.spadaStaff, .cadaStaff, .hudaStaff]
    static let admin: Set<Role> = [.administrator]
    static let ofpra: Set<Role> = [.ofpraAgent]

    public static let rules: [String: Route.Access] = [
        // Public pages and health.
        "GET /": .anyone,
        "GET /healthz": .anyone,
        "GET /usager": .anyone,
        "GET /pro": .anyone,
        "GET /agents": .anyone,
        "GET /anef": .anyone,
        "GET /demo/messages": .staff(admin),
        "GET /__test/sleep": .testOnly,
        // Staff sign-in (professionals and agents) and everyone's logout.
        "GET /connexion": .anyone,
        "POST /connexion": .anyone,
        "GET /connexion/deverrouiller": .anyone,
        "POST /connexion/deverrouiller": .anyone,
        "POST /deconnexion": .anyone,
        "GET /espace": .anyStaff,
        // Applicants: the ways in, then their own space.
        "GET /usager/connexion": .anyone,
        "POST /usager/connexion": .anyone,
        "GET /usager/activation": .anyone,
        "POST /usager/activation": .anyone,
        "GET /usager/activation/mot-de-passe": .activation,
        "POST /usager/activation/mot-de-passe": .activation,
        "GET /usager/mot-de-passe-oublie": .anyone,
        "POST /usager/mot-de-passe-oublie": .anyone,
        "GET /usager/cle-perdue": .anyone,
        "POST /usager/cle-perdue": .anyone,
        "GET /usager/espace": .applicant,
        "GET /usager/coordonnees": .applicant,
        "POST /usager/coordonnees/telephone": .applicant,
        "POST /usager/coordonnees/email": .applicant,
        "GET /usager/coordonnees/verifier/:id": .applicant,
        "POST /usager/coordonnees/verifier/:id": .applicant,
        "GET /usager/compte": .applicant,
        "GET /usager/documents/:id": .documentOwner,
        "GET /usager/documents/:id/pdf": .documentOwner,
        "GET /usager/documents/:id/calendrier.ics": .documentOwner,
        "GET /usager/documents/:id/accuse": .documentOwner,
        // Professionals (SPADA, CADA, HUDA).
        "GET /pro/inscriptions": .staff([.spadaStaff]),
        "GET /pro/inscriptions/nouvelle": .staff([.spadaStaff]),
        "POST /pro/inscriptions/nouvelle": .staff([.spadaStaff]),
        "GET /pro/suivi": .staff(professionals),
        "GET /pro/personnes/:id": .staff(professionals),
        "POST /pro/personnes/:id/cle": .staff(professionals),
        "POST /pro/personnes/:id/hebergement": .staff([.spadaStaff]),
        "POST /pro/personnes/:id/hebergement/fin": .staff(professionals),
        "POST /pro/personnes/:id/renonciation": .staff([.spadaStaff]),
        // GUDA.
        "GET /agents/guda": .staff([.gudaAgent]),
        "GET /agents/guda/personnes/:id": .staff([.gudaAgent]),
        "POST /agents/guda/personnes/:id": .staff([.gudaAgent]),
        "POST /agents/guda/personnes/:id/notice": .staff([.gudaAgent]),
        // OFII.
        "GET /agents/ofii/renonciations": .staff([.ofiiAgent]),
        "GET /agents/ofii/renonciations/:id": .staff([.ofiiAgent]),
        "POST /agents/ofii/renonciations/:id/convocation": .staff([.ofiiAgent]),
        "POST /agents/ofii/renonciations/:id/formulaire": .staff([.ofiiAgent]),
        // OFPRA.
        "GET /agents/ofpra/espaces": .staff(ofpra),
        "POST /agents/ofpra/espaces/:id": .staff(ofpra),
        "GET /agents/ofpra/personnes": .staff(ofpra),
        "GET /agents/ofpra/personnes/:id": .staff(ofpra),
        "POST /agents/ofpra/personnes/:id/documents": .staff(ofpra),
        "POST /agents/ofpra/personnes/:id/cloture": .staff(ofpra),
        "GET /agents/ofpra/renonciations": .staff(ofpra),
        "GET /agents/ofpra/renonciations/:id": .staff(ofpra),
        "GET /agents/ofpra/renonciations/:id/formulaire": .staff(ofpra),
        "POST /agents/ofpra/renonciations/:id/acceptation": .staff(ofpra),
        "POST /agents/ofpra/renonciations/:id/refus": .staff(ofpra),
        "GET /agents/ofpra/courrier": .staff(ofpra),
        "POST /agents/ofpra/courrier/:id/poste": .staff(ofpra),
        // Administrators.
        "GET /admin/personnel": .staff(admin),
        "POST /admin/personnel": .staff(admin),
        "POST /admin/structures": .staff(admin),
        "GET /admin/messages": .staff(admin),
        "POST /admin/messages/:id/retry": .staff(admin),
        "GET /admin/journal": .staff(admin),
    ]

    static func access(_ method: String, _ pattern: String) -> Route.Access {
        guard let access = rules["\(method) \(pattern)"] else {
            preconditionFailure("no access rule for \(method) \(pattern): add it to AccessMatrix.rules")
        }
        return access
    }
}

extension Router where Route == Web.Route {
    /// Registers a handler under the access rule the matrix gives its method and path.
    mutating func add(_ method: String, _ pattern: String,
                      _ handler: @escaping @Sendable (RequestContext) throws -> Response) {
        add(method, pattern, Web.Route(AccessMatrix.access(method, pattern), handler))
    }
}
