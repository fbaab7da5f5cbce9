import Domain
import Foundation
import HTTP
import Postgres

/// The professional module: SPADA/CADA/HUDA staff follow the dates of the people their
/// structure accompanies (never the documents), and recover a key for someone without contacts.
enum FollowRoutes {

    static func register(_ routes: inout Routes) {
        routes.staff("/pro") { g in
            g.get("/suivi", dashboard)
            g.get("/personnes/:id", detail)
            g.post("/personnes/:id/cle", recoverKey)
            g.post("/personnes/:id/hebergement", openAccommodation)
            g.post("/personnes/:id/hebergement/fin", endAccommodation)
        }
    }

    /// People per dashboard page: keeps a page of people with their letters under 30 KB.
    static let perPage = 50

    static func dashboard(_ ctx: StaffContext) throws -> Response {
        let now = ctx.now
        guard let structure = ctx.staff.structureId else { throw HTTPError(403, "staff without structure") }
        let filter = ctx.request.query["signal"].flatMap(FollowedPerson.Flag.init(rawValue:))
        let sort = ctx.request.query["tri"].flatMap(FollowedPeople.Sort.init(rawValue:)) ?? .name
        let requested = ctx.request.query["page"].flatMap { Int($0) } ?? 1
        let list = try FollowedPeople.page(
            structure: structure, filter: filter, sort: sort, page: requested,
            perPage: perPage, now: now, db: ctx.db)
        try Audit.record(ctx, "view_dashboard", detail: filter?.rawValue)
        var data: [String: Any] = [
            "people": list.people.map { FollowedPersonView($0, now: now, ctx.base) },
            "hasPeople": !list.people.isEmpty,
            "filters": FollowedPerson.Flag.allCases.map { f in
                ["href": dashboardHref(filter: f, sort: sort), "label": ctx.text("pro.flags.\(f.rawValue)"), "current": f == filter]
            },
            "allHref": dashboardHref(filter: nil, sort: sort),
            "allCurrent": filter == nil,
            "sorts": FollowedPeople.Sort.allCases.map { s in
                ["href": dashboardHref(filter: filter, sort: s), "label": ctx.text("pro.follow.sort_\(s.rawValue)"), "current": s == sort]
            },
        ]
        if list.pageCount > 1 {
            func link(_ n: Int) -> String { dashboardHref(filter: filter, sort: sort, page: n) }
            data["pagination"] =
                [
                    "status": ctx.text(
                        "pro.follow.page_status",
                        [
                            "from": String(list.offset + 1), "to": String(list.offset + list.people.count), "total": String(list.total),
                        ]),
                    "previous": list.page > 1 ? link(list.page - 1) : false,
                    "next": list.page < list.pageCount ? link(list.page + 1) : false,
                    "pages": (1...list.pageCount).map { n in ["href": link(n), "number": n, "current": n == list.page] },
                ] as [String: Any]
        }
        return ctx.page("pro/dashboard", title: "pro.follow.title", data)
    }

    /// The dashboard's address for a filter, an order and a page; defaults are left out.
    static func dashboardHref(filter: FollowedPerson.Flag?, sort: FollowedPeople.Sort, page: Int = 1) -> String {
        var query = [String]()
        if let filter { query.append("signal=\(filter.rawValue)") }
        if sort != .name { query.append("tri=\(sort.rawValue)") }
        if page > 1 { query.append("page=\(page)") }
        return "/pro/suivi" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    /// The person if the staff member's structure follows them today; 404 otherwise (and noted).
    static func followed(_ ctx: StaffContext, _ id: Int64) throws -> FollowedPerson {
        guard let structure = ctx.staff.structureId,
            let person = try FollowedPeople.list(structure: structure, only: id, now: ctx.now, db: ctx.db).first
        else {
            try Audit.record(ctx, "refused_person", applicant: nil, detail: ctx.request.path)
            throw HTTPError.notFound
        }
        return person
    }

    static func detail(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let p = try followed(ctx, id)
        try Audit.record(ctx, "view_person", applicant: p.applicant.id)
        return try render(ctx, p, keyForm: keyForm())
    }

    static func canRecoverKey(_ a: Applicant) -> Bool {
        a.verifiedPhone == nil && a.verifiedEmail == nil && a.isInScope && a.closedAt == nil && a.agdref != nil
    }

    /// What the professional reads off the person's attestation, and the presence confirmation.
    static func keyForm() -> FormView {
        FormView([
            .init(name: "att_surname", labelKey: "pro.key.surname", autocomplete: "off", hintKey: "pro.key.as_printed"),
            .init(name: "att_birth_date", labelKey: "pro.enrol.birth_date", type: "date", hintKey: "pro.enrol.date_hint"),
            .init(name: "att_agdref", labelKey: "guda.agdref", autocomplete: "off", hintKey: "pro.key.as_printed"),
            .init(name: "present", labelKey: "pro.key.present", type: "checkbox", keepValue: false, required: false),
        ])
    }

    static func render(_ ctx: StaffContext, _ p: FollowedPerson, keyForm: FormView, status: Int = 200) throws -> Response {
        var data = [String: Any]()
        let a = p.applicant
        data["canRecoverKey"] = canRecoverKey(a)
        if canRecoverKey(a) {
            let staff = ctx.staff
            var key = keyForm.context(ctx)
            key["token"] = try PrintTokens.forForm(.structureRecovery, staff: staff.id, applicant: a.id, db: ctx.db)
            key["tokenField"] = PrintTokens.fieldName
            key["recentRecovery"] =
                try KeyRecoveries.withinLastDay(applicant: a.id, db: ctx.db)
                .map { ctx.text("pro.key.recent", ["date": DisplayFormat.dateTime($0, ctx.language)]) } ?? false
            data["keyForm"] = key
            if let summary = key["errorSummary"] { data["errorSummary"] = summary }
        }
        data["closed"] = a.closedAt != nil
        data["isSpada"] = ctx.staff.role == .spadaStaff
        let links = try ctx.db.query(
            """
            SELECT f.kind, f.started_on, f.ended_on, s.id AS structure_id, s.name FROM follow_links f
            JOIN structures s ON s.id = f.structure_id WHERE f.applicant_id = $1 ORDER BY f.started_on
            """, [a.id]
        ).rows
        data["links"] = try links.map { r -> [String: Any] in
            let ended: String? = try r.optional("ended_on")
            let kind: String = try r.get("kind")
            let structureId: Int64 = try r.get("structure_id")
            let mayEnd = ctx.staff.role == .spadaStaff || structureId == ctx.staff.structureId
            func day(_ iso: String?) -> String { iso.flatMap(CivilDate.init(iso:)).map { VaultText.day($0, ctx) } ?? "" }
            return [
                "kind": ctx.text("pro.links.\(kind)"), "name": try r.get("name", as: String.self),
                "from": day(try r.get("started_on", as: String.self)), "until": day(ended),
                "canEnd": ended == nil && kind == "accommodation" && mayEnd, "structureId": structureId,
            ]
        }
        data["accommodations"] = try Structures.all(ctx.db).filter { $0.kind == .cada || $0.kind == .huda }
            .map { ["value": $0.id, "label": "\(ctx.text("structures.\($0.kind.rawValue)")) · \($0.name)"] }
        data["today"] = ParisCalendar.civilDate(of: ctx.now).iso
        // Each document's legal facts, dated, under its category only (never its title or outcome).
        data["timelines"] = try Documents.forApplicant(a.id, db: ctx.db).map { d -> [String: Any] in
            [
                "title": ctx.text(
                    "timeline.document",
                    [
                        "kind": ctx.text("pro.categories.\(d.kind.category.rawValue)"),
                        "date": DisplayFormat.dateTime(d.depositedAt, ctx.language),
                    ]),
                "timeline": TimelineText.rows(
                    try DocumentTimelines.events(
                        documentId: d.id, publicId: d.publicId, depositedAt: d.depositedAt, firstConsultedAt: d.firstConsultedAt,
                        now: ctx.now, db: ctx.db), ctx.base),
            ]
        }
        data["optout"] = try OptOutRoutes.panel(ctx, a)
        return ctx.page(
            "pro/person", title: "pro.follow.person_title", data, over: FollowedPersonView(p, now: ctx.now, ctx.base), status: status)
    }

    /// For someone with neither phone nor e-mail, the person present: a new key and notice. The
    /// professional types what the attestation shows and it must match the record; one recovery a
    /// day; the form's single-use token means a reload shows "already printed", never a new key.
    /// No password is set: the person chooses theirs with the key (activation or lost password).
    static func recoverKey(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let p = try followed(ctx, id)
        let a = p.applicant
        let staff = ctx.staff
        guard canRecoverKey(a) else {
            throw HTTPError(409, "key recovery is for people without contact details")
        }
        let submitted = try ctx.form()
        var f = keyForm()
        f.read(submitted)
        let birth = f.values["att_birth_date"].flatMap(CivilDate.init(typed:))
        if !(f.values["att_birth_date"] ?? "").isEmpty && birth == nil { f.fail("att_birth_date", "pro.enrol.invalid_date") }
        if submitted["present"] != "1" { f.fail("present", "pro.key.presence_required") }
        if f.isValid, let birth, let recordBirth = CivilDate(iso: a.birthDate) {
            let typed = AttestationIdentity(surname: f.values["att_surname"]!, birthDate: birth, agdref: f.values["att_agdref"]!)
            if !typed.matches(surname: a.surname, birthDate: recordBirth, agdref: a.agdref) {
                f.fail("att_surname", "pro.key.identity_mismatch")
                try Audit.record(ctx, "key_recovery_refused", applicant: a.id, detail: "identity")
            }
        }
        guard f.isValid else { return try render(ctx, p, keyForm: f, status: 422) }
        let back = "/pro/personnes/\(a.id)"
        return try ctx.db.transaction { tx in
            try KeyRecoveries.lockPerson(a.id, db: tx)
            let use = try PrintTokens.use(submitted[PrintTokens.fieldName], .structureRecovery, staff: staff.id, applicant: a.id, db: tx)
            guard use == .fresh else { return GudaRoutes.alreadyPrinted(ctx, use, back: back) }
            if let last = try KeyRecoveries.withinLastDay(applicant: a.id, db: tx) {
                try Audit.record(ctx, "key_recovery_refused", applicant: a.id, detail: "daily_limit")
                return ctx.page(
                    "agents/key-not-shown", title: "print.title",
                    [
                        "message": ctx.text("pro.key.daily_limit", ["date": DisplayFormat.dateTime(last, ctx.language)]), "back": back,
                    ], status: 429)
            }
            let key = try KeyIssuer.issue(
                for: a, event: KeyRecoveries.event, by: .staff(staff.id),
                address: ctx.request.remoteAddress, db: tx)
            try Audit.record(ctx, "recover_key", applicant: a.id)
            return try NoticePage.render(ctx, a, key: key, db: tx)
        }
    }

    static func openAccommodation(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let p = try followed(ctx, id)
        let form = try ctx.form()
        guard let structureId = Int64(form["structure"] ?? ""),
            let structure = try Structures.find(id: structureId, db: ctx.db), structure.kind == .cada || structure.kind == .huda,
            let day = (form["started_on"]).flatMap(CivilDate.init(typed:))
        else {
            return .redirect(to: "/pro/personnes/\(p.applicant.id)?notice=accommodation_invalid")
        }
        try ctx.db.transaction { tx in
            try FollowLinks.open(
                applicant: p.applicant.id, structure: structure.id, kind: .accommodation, startedOn: day.iso,
                by: ctx.staff.id, db: tx)
            try Audit.record(ctx, "open_accommodation", applicant: p.applicant.id, detail: structure.name, db: tx)
        }
        return .redirect(to: "/pro/personnes/\(p.applicant.id)?notice=accommodation_saved")
    }

    static func endAccommodation(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let p = try followed(ctx, id)
        guard let structureId = Int64(try ctx.form()["structure"] ?? "") else { throw HTTPError.badRequest }
        // The SPADA may end any accommodation link; a CADA/HUDA only its own.
        guard ctx.staff.role == .spadaStaff || ctx.staff.structureId == structureId else { throw HTTPError.forbidden }
        try ctx.db.transaction { tx in
            try FollowLinks.end(
                applicant: p.applicant.id, structure: structureId,
                endedOn: ParisCalendar.civilDate(of: Date()).iso, db: tx)
            try Audit.record(ctx, "end_accommodation", applicant: p.applicant.id, db: tx)
        }
        let back = ctx.staff.structureId == structureId ? "/pro/suivi" : "/pro/personnes/\(p.applicant.id)"
        return .redirect(to: back + "?notice=accommodation_ended")
    }
}
