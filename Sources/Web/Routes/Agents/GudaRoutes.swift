import Domain
import Foundation
import HTTP
import Postgres

/// Step 2: a GUDA agent registers the asylum application. In scope → a one-time key and the
/// printed notice; out of scope → no space, and the agent sees why.
enum GudaRoutes {
    static func register(_ routes: inout Routes) {
        routes.staff("/agents/guda") { g in
            g.get("", queue)
            g.get("/personnes/:id", showForm)
            g.post("/personnes/:id", submit)
            g.post("/personnes/:id/notice", reprintNotice)
        }
    }

    static func queue(_ ctx: StaffContext) throws -> Response {
        let search = String((ctx.request.query["q"] ?? "").trimmingCharacters(in: .whitespaces).prefix(100))
        let site = try agentSite(ctx)
        let people = try Applicants.awaitingRegistration(search: search, site: site, db: ctx.db).map { a -> [String: Any] in
            [
                "id": a.id, "name": a.fullName, "birth": a.birthDate, "nationality": a.nationality,
                "enrolled": DisplayFormat.dateTime(a.enrolledAt, ctx.language),
            ]
        }
        let registered = try ctx.db.query(
            """
            SELECT id, surname, given_names, agdref, eligibility, registered_at, activated_at, closed_at FROM applicants
            WHERE registered_by = $1 AND guda_site = $2 ORDER BY registered_at DESC LIMIT 20
            """, [ctx.staff.id, site]
        ).rows.map { r -> [String: Any] in
            let eligibility: String = try r.get("eligibility")
            let id: Int64 = try r.get("id")
            let activated = try r.optional("activated_at", as: Date.self) != nil
            let closed = try r.optional("closed_at", as: Date.self) != nil
            let canReprint = eligibility == Applicants.inScope && !activated && !closed
            return [
                "id": id,
                "name": "\(try r.get("given_names", as: String.self)) \(try r.get("surname", as: String.self).uppercased())",
                "agdref": try r.get("agdref", as: String.self), "inScope": canReprint,
                "activated": eligibility == Applicants.inScope && activated,
                "token": canReprint ? try PrintTokens.forForm(.gudaReprint, staff: ctx.staff.id, applicant: id, db: ctx.db) : "",
                // The schema only lets `in_scope` or a reason code in.
                "outcome": ctx.text(
                    eligibility == Applicants.inScope
                        ? "guda.in_scope" : ExclusionReason.Code(rawValue: eligibility).map(DomainText.key) ?? eligibility),
            ]
        }
        return ctx.page(
            "agents/guda-queue", title: "guda.queue_title",
            [
                "people": people, "hasPeople": !people.isEmpty, "q": search, "registered": registered,
                "noSite": site == nil, "tokenField": PrintTokens.fieldName,
            ])
    }

    static func form(_ ctx: StaffContext) -> FormView {
        FormView([
            .init(name: "agdref", labelKey: "guda.agdref", autocomplete: "off", hintKey: "guda.agdref_hint"),
            .init(name: "registered_on", labelKey: "guda.registered_on", type: "date", hintKey: "pro.enrol.date_hint"),
            .init(
                name: "procedure", labelKey: "guda.procedure",
                options: ProcedureChoice.allCases.map { ($0.rawValue, ctx.text("guda.procedures.\($0.rawValue)")) }),
            .init(
                name: "requalified_on", labelKey: "guda.requalified_on", type: "date", hintKey: "guda.requalified_hint",
                required: false),
            .init(name: "minor", labelKey: "guda.minor", type: "checkbox", required: false),
            .init(name: "overseas", labelKey: "guda.overseas", type: "checkbox", required: false),
        ])
    }

    /// The person, if they belong to the agent's own GUDA site; 404 otherwise (and noted).
    static func applicant(_ ctx: StaffContext, _ id: Int64) throws -> Applicant {
        guard let a = try Applicants.find(id: id, atGudaSite: try agentSite(ctx), db: ctx.db) else {
            try Audit.record(ctx, "refused_person", applicant: nil, detail: ctx.request.path)
            throw HTTPError.notFound
        }
        return a
    }

    static func showForm(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let person = try applicant(ctx, id)
        guard person.eligibility == nil else { return .redirect(to: "/agents/guda") }
        try Audit.record(ctx, "view_person", applicant: person.id)
        var f = form(ctx)
        f.values["registered_on"] = ParisCalendar.civilDate(of: Date()).iso
        f.values["procedure"] = ProcedureChoice.normal.rawValue
        return try render(ctx, person, f)
    }

    static func render(_ ctx: StaffContext, _ person: Applicant, _ f: FormView, status: Int = 200) throws -> Response {
        var data = f.context(ctx)
        data["person"] = ["id": person.id, "name": person.fullName, "birth": person.birthDate, "nationality": person.nationality]
        data["site"] = try agentSite(ctx).flatMap(GudaSite.find)?.displayName ?? ""
        data["tokenField"] = PrintTokens.fieldName
        data["token"] = try PrintTokens.forForm(.gudaRegistration, staff: ctx.staff.id, applicant: person.id, db: ctx.db)
        return ctx.page("agents/guda-register", title: "guda.register_title", data, status: status)
    }

    /// A re-posted form (reload, back button): the key on the notice is not shown again.
    static func alreadyPrinted(_ ctx: StaffContext, _ use: PrintTokens.Use, back: String) -> Response {
        ctx.page(
            "agents/key-not-shown", title: "print.title",
            [
                "message": ctx.text(use == .alreadyUsed ? "print.already_printed" : "print.expired"), "back": back,
            ], status: 409)
    }

    static func submit(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let person = try applicant(ctx, id)
        var f = form(ctx)
        f.read(try ctx.form())
        let v = f.values
        let agdref = (v["agdref"] ?? "").filter { !$0.isWhitespace }
        if !agdref.isEmpty && (agdref.count != 10 || !agdref.allSatisfy(\.isASCII) || !agdref.allSatisfy(\.isNumber)) {
            f.fail("agdref", "guda.agdref_invalid")
        }
        // The site is the agent's own, never a form choice.
        guard let site = try agentSite(ctx), GudaSite.find(id: site) != nil else { throw HTTPError.notFound }
        let today = ParisCalendar.civilDate(of: Date())
        let registeredOn = v["registered_on"].flatMap(CivilDate.init(typed:))
        if !(v["registered_on"] ?? "").isEmpty, registeredOn == nil || registeredOn! > today {
            f.fail("registered_on", "pro.enrol.invalid_date")
        }
        let choice = ProcedureChoice(rawValue: v["procedure"] ?? "")
        if choice == nil { f.fail("procedure", "form.choose") }
        let requalifiedOn = v["requalified_on"].flatMap(CivilDate.init(typed:))
        if choice?.isRequalified == true {
            if requalifiedOn == nil || requalifiedOn! > today { f.fail("requalified_on", "guda.requalified_required") }
        }
        guard f.isValid, let registeredOn, let choice, let procedure = choice.procedure(requalifiedOn: requalifiedOn) else {
            return try render(ctx, person, f, status: 422)
        }
        let result = Eligibility.evaluate(
            site: site, registeredOn: registeredOn, procedure: procedure,
            unaccompaniedMinor: v["minor"] != nil, overseas: v["overseas"] != nil,
            alreadyProtected: false)
        var reason: ExclusionReason.Code?
        if case .outOfScope(let r) = result { reason = r.code }
        let code = reason?.rawValue ?? Applicants.inScope
        let registration = Applicants.Registration(
            agdref: agdref, gudaSite: site, registeredOn: registeredOn.iso, procedure: choice.rawValue,
            requalifiedOn: procedure.requalifiedOn?.iso, unaccompaniedMinor: v["minor"] != nil,
            overseas: v["overseas"] != nil, eligibility: code)
        do {
            return try ctx.db.transaction { tx in
                let use = try PrintTokens.use(
                    try ctx.form()[PrintTokens.fieldName], .gudaRegistration, staff: ctx.staff.id,
                    applicant: person.id, db: tx)
                if use != .fresh {
                    if person.eligibility != nil && !person.isInScope { return Response.redirect(to: "/agents/guda") }
                    return alreadyPrinted(ctx, use, back: "/agents/guda")
                }
                guard let registered = try Applicants.register(id: person.id, registration, by: ctx.staff.id, db: tx) else {
                    return Response.redirect(to: "/agents/guda")
                }
                guard registered.isInScope else {
                    try Audit.record(ctx, "register_application", applicant: registered.id, detail: code)
                    return ctx.page(
                        "agents/guda-out-of-scope", title: "guda.out_title",
                        [
                            "name": registered.fullName, "agdref": agdref, "reason": reason.map { ctx.text(DomainText.key($0)) } ?? "",
                            "reasonCode": code,
                            "from": outOfScopeDate(result).map { DisplayFormat.date(ParisCalendar.startOfDay($0), ctx.language) } ?? "",
                        ])
                }
                let key = try KeyIssuer.issue(
                    for: registered, event: "key_issued", by: .staff(ctx.staff.id),
                    address: ctx.request.remoteAddress, db: tx)
                try Audit.record(ctx, "register_application", applicant: registered.id, detail: code)
                ctx.logger.info("applicant \(registered.id) registered in scope by staff \(ctx.staff.id)")
                return try NoticePage.render(ctx, registered, key: key, db: tx)
            }
        } catch let error as PGError where error.isUniqueViolation {
            f.fail("agdref", "guda.agdref_taken")
            return try render(ctx, person, f, status: 422)
        }
    }

    /// Printing again means a new key: the old one stops working, so a lost notice is harmless.
    /// Not once the space is activated: the person has a password (or the lost-password route);
    /// a key from the GUDA would hand the space to whoever holds the new notice.
    static func reprintNotice(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let person = try applicant(ctx, id)
        guard person.isInScope, person.closedAt == nil else { throw HTTPError(409, "no space for this person") }
        guard person.activatedAt == nil else {
            try Audit.record(ctx, "refused_reissue_key", applicant: person.id, detail: "activated")
            return ctx.page(
                "agents/key-not-shown", title: "print.title",
                ["message": ctx.text("guda.reprint_activated"), "back": "/agents/guda"], status: 409)
        }
        return try ctx.db.transaction { tx in
            let use = try PrintTokens.use(
                try ctx.form()[PrintTokens.fieldName], .gudaReprint, staff: ctx.staff.id,
                applicant: person.id, db: tx)
            guard use == .fresh else { return alreadyPrinted(ctx, use, back: "/agents/guda") }
            let key = try KeyIssuer.issue(
                for: person, event: "key_reissued", by: .staff(ctx.staff.id),
                address: ctx.request.remoteAddress, db: tx)
            try Audit.record(ctx, "reissue_key", applicant: person.id)
            return try NoticePage.render(ctx, person, key: key, db: tx)
        }
    }

    /// The agent's site: their structure's `guda_site` (a GUDA structure only).
    static func agentSite(_ ctx: StaffContext) throws -> String? {
        guard let id = ctx.staff.structureId, let s = try Structures.find(id: id, db: ctx.db), s.kind == .guda else { return nil }
        return s.gudaSite
    }

    static func outOfScopeDate(_ result: EligibilityResult) -> CivilDate? {
        if case .outOfScope(.siteNotYetInScope(let d)) = result { return d }
        if case .outOfScope(.requalifiedBeforeSiteStart(let d)) = result { return d }
        return nil
    }
}

/// The procedure as the registration form offers it (the requalification date is a separate field).
enum ProcedureChoice: String, CaseIterable {
    case normal, accelerated, dublin
    case dublinRequalifiedNormal = "dublin_requalified_normal"
    case dublinRequalifiedAccelerated = "dublin_requalified_accelerated"

    var isRequalified: Bool { self == .dublinRequalifiedNormal || self == .dublinRequalifiedAccelerated }

    func procedure(requalifiedOn: CivilDate?) -> Procedure? {
        switch self {
        case .normal: return .normal
        case .accelerated: return .accelerated
        case .dublin: return .dublin
        case .dublinRequalifiedNormal: return requalifiedOn.map { .dublinRequalifiedNormal(on: $0) }
        case .dublinRequalifiedAccelerated: return requalifiedOn.map { .dublinRequalifiedAccelerated(on: $0) }
        }
    }
}
