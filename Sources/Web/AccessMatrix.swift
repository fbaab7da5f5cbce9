import Domain
import HTTP

/// Who may call which route, and on which records: the one place the app's authorization is
/// written. Every route a module registers must have a line here (start-up stops otherwise), and
/// an integration test walks every line with every role and a logged-out visitor.
///
/// Each route whose path names a record (`:id`) also says its record scope (`Route.RecordScope`):
/// people their structure follows for SPADA/CADA/HUDA, the agent's own site for the GUDA, the
/// agent's own office for the OFII, national for OFPRA, the platform for administrators, the
/// applicant's own records. Handlers enforce it by loading the record through a query limited
/// to that scope (out of scope: 404 and nothing changed); the test walks every such route as an
/// agent of the right role but the wrong site or structure, then as the right one.
public enum AccessMatrix {
    static let professionals: Set<Role> = [.spadaStaff, .cadaStaff, .hudaStaff]
    static let admin: Set<Role> = [.administrator]
    static let ofpra: Set<Role> = [.ofpraAgent]
    static let prefecture: Set<Role> = [.prefectureInstructor]

    public static let rules: [String: Route.Rule] = [
        // Public pages and health.
        "GET /": .anyone,
        "GET /healthz": .anyone,
        "GET /usager": .anyone,
        "GET /pro": .anyone,
        "GET /agents": .anyone,
        "GET /anef": .anyone,
        "GET /demo/messages": .staff(admin),
        "GET /__test/sleep": .testOnly,
        "GET /__test/clock": .testOnly,
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
        // Also while a closed space is read-only: the home shows the documents and deadlines.
        "GET /usager/espace": .applicantReadOnly,
        "GET /usager/coordonnees": .applicant,
        "POST /usager/coordonnees/telephone": .applicant,
        "POST /usager/coordonnees/email": .applicant,
        "POST /usager/coordonnees/langue": .applicant,
        "GET /usager/coordonnees/verifier/:id": Route.Rule(.applicant, .ownRecord),
        "POST /usager/coordonnees/verifier/:id": Route.Rule(.applicant, .ownRecord),
        "GET /usager/compte": .applicant,
        "GET /usager/documents/:id": .documentOwner,
        "GET /usager/documents/:id/pdf": .documentOwner,
        "GET /usager/documents/:id/calendrier.ics": .documentOwner,
        "GET /usager/documents/:id/accuse": .documentOwner,
        "POST /usager/documents/:id/aide-juridictionnelle": .documentOwner,
        // Professionals (SPADA, CADA, HUDA).
        "GET /pro/inscriptions": .staff([.spadaStaff]),
        "GET /pro/inscriptions/nouvelle": .staff([.spadaStaff]),
        "POST /pro/inscriptions/nouvelle": .staff([.spadaStaff]),
        "GET /pro/inscriptions/:id/coordonnees": .staff([.spadaStaff], .followedByOwnStructure),
        "POST /pro/inscriptions/:id/coordonnees": .staff([.spadaStaff], .followedByOwnStructure),
        "GET /pro/suivi": .staff(professionals),
        // ANEF requests of people who let the structure follow them (dates only, never documents).
        "GET /pro/demandes-titre": .staff(professionals),
        "GET /pro/personnes/:id": .staff(professionals, .followedByOwnStructure),
        "POST /pro/personnes/:id/cle": .staff(professionals, .followedByOwnStructure),
        "POST /pro/personnes/:id/hebergement": .staff([.spadaStaff], .followedByOwnStructure),
        "POST /pro/personnes/:id/hebergement/fin": .staff(professionals, .followedByOwnStructure),
        "POST /pro/personnes/:id/renonciation": .staff([.spadaStaff], .followedByOwnStructure),
        // GUDA.
        "GET /agents/guda": .staff([.gudaAgent]),
        "GET /agents/guda/personnes/:id": .staff([.gudaAgent], .ownGudaSite),
        "POST /agents/guda/personnes/:id": .staff([.gudaAgent], .ownGudaSite),
        "POST /agents/guda/personnes/:id/notice": .staff([.gudaAgent], .ownGudaSite),
        // OFII.
        "GET /agents/ofii/renonciations": .staff([.ofiiAgent]),
        "GET /agents/ofii/renonciations/:id": .staff([.ofiiAgent], .ownOfiiOffice),
        "POST /agents/ofii/renonciations/:id/convocation": .staff([.ofiiAgent], .ownOfiiOffice),
        "POST /agents/ofii/renonciations/:id/formulaire": .staff([.ofiiAgent], .ownOfiiOffice),
        // OFPRA.
        "GET /agents/ofpra/espaces": .staff(ofpra),
        "POST /agents/ofpra/espaces/:id": .staff(ofpra, .national),
        "GET /agents/ofpra/personnes": .staff(ofpra),
        "GET /agents/ofpra/personnes/:id": .staff(ofpra, .national),
        "POST /agents/ofpra/personnes/:id/documents": .staff(ofpra, .national),
        "POST /agents/ofpra/personnes/:id/cloture": .staff(ofpra, .national),
        "GET /agents/ofpra/renonciations": .staff(ofpra),
        "GET /agents/ofpra/renonciations/:id": .staff(ofpra, .national),
        "GET /agents/ofpra/renonciations/:id/formulaire": .staff(ofpra, .national),
        "POST /agents/ofpra/renonciations/:id/acceptation": .staff(ofpra, .national),
        "POST /agents/ofpra/renonciations/:id/refus": .staff(ofpra, .national),
        "POST /agents/ofpra/personnes/:id/protection": .staff(ofpra, .national),
        "POST /agents/ofpra/personnes/:id/acte-de-naissance": .staff(ofpra, .national),
        "GET /agents/ofpra/courrier": .staff(ofpra),
        "POST /agents/ofpra/courrier/:id/poste": .staff(ofpra, .national),
        // Prefecture instructors (ANEF requests of their department).
        "GET /agents/prefecture": .staff(prefecture),
        "GET /agents/prefecture/demandes/:id": .staff(prefecture, .ownPrefecture),
        "GET /agents/prefecture/guichet": .staff(prefecture),
        "POST /agents/prefecture/guichet": .staff(prefecture),
        "GET /agents/prefecture/demandes/:id/attestation": .staff(prefecture, .ownPrefecture),
        "POST /agents/prefecture/demandes/:id/instruction": .staff(prefecture, .ownPrefecture),
        "GET /agents/prefecture/pieces/:id": .staff(prefecture, .ownPrefecture),
        "POST /agents/prefecture/demandes/:id/documents": .staff(prefecture, .ownPrefecture),
        "POST /agents/prefecture/demandes/:id/decision": .staff(prefecture, .ownPrefecture),
        "POST /agents/prefecture/demandes/:id/carte": .staff(prefecture, .ownPrefecture),
        "POST /agents/prefecture/demandes/:id/renouvellement": .staff(prefecture, .ownPrefecture),
        "GET /agents/prefecture/signalements/:id": .staff(prefecture, .ownPrefecture),
        "GET /agents/prefecture/signalements/:id/capture": .staff(prefecture, .ownPrefecture),
        "POST /agents/prefecture/signalements/:id/reponse": .staff(prefecture, .ownPrefecture),
        // ANEF: the ways in (public, throttled), then the account's own request and files.
        "GET /anef/creer-un-compte": .anyone,
        "POST /anef/creer-un-compte": .anyone,
        "GET /anef/creer-un-compte/famille": .anyone,
        "POST /anef/creer-un-compte/famille": .anyone,
        "GET /anef/creer-un-compte/codes": .anyone,
        "POST /anef/creer-un-compte/codes": .anyone,
        "POST /anef/creer-un-compte/codes/renvoyer": .anyone,
        "GET /anef/connexion": .anyone,
        "GET /anef/signaler-un-blocage": .anyone,
        "POST /anef/signaler-un-blocage": .anyone,
        "POST /anef/connexion": .anyone,
        "GET /anef/mot-de-passe-oublie": .anyone,
        "POST /anef/mot-de-passe-oublie": .anyone,
        "POST /anef/mot-de-passe-oublie/nouveau": .anyone,
        "GET /anef/demande": .anefAccount,
        "GET /anef/demande/etat-civil": .anefAccount,
        "POST /anef/demande/etat-civil": .anefAccount,
        "POST /anef/demande/etat-civil/erreur": .anefAccount,
        "GET /anef/demande/famille": .anefAccount,
        "POST /anef/demande/famille": .anefAccount,
        "POST /anef/demande/famille/enfants": .anefAccount,
        "POST /anef/demande/famille/enfants/:id/retirer": Route.Rule(.anefAccount, .ownRecord),
        "GET /anef/demande/adresse": .anefAccount,
        "POST /anef/demande/adresse": .anefAccount,
        "GET /anef/demande/justificatifs": .anefAccount,
        "POST /anef/demande/justificatifs": .anefAccount,
        "GET /anef/demande/coordonnees": .anefAccount,
        "POST /anef/demande/coordonnees": .anefAccount,
        "GET /anef/demande/photo": .anefAccount,
        "POST /anef/demande/photo": .anefAccount,
        "GET /anef/demande/declarations": .anefAccount,
        "POST /anef/demande/declarations": .anefAccount,
        "GET /anef/demande/recapitulatif": .anefAccount,
        "POST /anef/demande/deposer": .anefAccount,
        "POST /anef/demande/retrait": .anefAccount,
        "POST /anef/mandats": .anefAccount,
        "GET /anef/coordonnees": .anefAccount,
        "POST /anef/coordonnees/email": .anefAccount,
        "POST /anef/coordonnees/telephone": .anefAccount,
        "POST /anef/coordonnees/confirmer": .anefAccount,
        "POST /anef/mandats/:id/retrait": Route.Rule(.anefAccount, .ownRecord),
        "POST /anef/pieces": .anefAccount,
        "POST /anef/demande/reponse": .anefAccount,
        "GET /anef/carte.ics": .anefAccount,
        "GET /anef/pieces/:id": Route.Rule(.anefAccount, .ownRecord),
        "GET /anef/attestations/:id": Route.Rule(.anefAccount, .ownRecord),
        // Anyone checks an attestation; the public keys are public.
        "GET /verifier": .anyone,
        "POST /verifier": .anyone,
        "GET /verifier/cles": .anyone,
        // Administrators.
        "GET /admin/personnel": .staff(admin),
        "POST /admin/personnel": .staff(admin),
        "POST /admin/structures": .staff(admin),
        "GET /admin/messages": .staff(admin),
        "POST /admin/messages/:id/retry": .staff(admin, .platform),
        "GET /admin/journal": .staff(admin),
        // Delivery receipts of the SMS gateway and the mail bounce processor (bearer token).
        "POST /api/accuses-de-reception": .providerCallback,
    ]

    static func rule(_ method: HTTPRequest.Method, _ pattern: String) -> Route.Rule {
        guard let rule = rules["\(method.rawValue) \(pattern)"] else {
            preconditionFailure("no access rule for \(method) \(pattern): add it to AccessMatrix.rules")
        }
        // A path that names a record must say whose records it reaches.
        precondition(
            pattern.contains(":") == (rule.scope != .none), "\(method) \(pattern): record scope must be set exactly for paths with an :id")
        return rule
    }
}
