import Domain
import Foundation
import HTTP

/// Prefecture instructors (issue 13, first step): the department's queue sorted by urgency,
/// a request with OFPRA's status, the documents, the family link and the history the person
/// reads too, and taking a filed request up for review. Every view is in the audit trail.
enum PrefectureRoutes {
    static func register(_ routes: inout Routes) {
        routes.staff("/agents/prefecture") { g in
            g.get("", queue)
            g.get("/demandes/:id", show)
            g.post("/demandes/:id/instruction", startReview)
            g.get("/pieces/:id", file)
        }
    }

    /// The instructor's department; an instructor attached to no prefecture sees nothing.
    static func department(_ ctx: StaffContext) throws -> String {
        guard let id = ctx.staff.structureId, let s = try Structures.find(id: id, db: ctx.db), s.kind == .prefecture,
            let department = s.department
        else { throw HTTPError.notFound }
        return department
    }

    static func queue(_ ctx: StaffContext) throws -> Response {
        let dept = try department(ctx)
        let filter = PermitRequestState(rawValue: ctx.request.query["etat"] ?? "")
        let today = ParisCalendar.civilDate(of: Date())
        let rows = try PrefectureRequests.queue(department: dept, state: filter, db: ctx.db).map { q -> [String: Any] in
            let left = q.attestationUntil.map { today.days(until: $0) }
            return [
                "href": "/agents/prefecture/demandes/\(q.id)", "number": q.number, "name": q.name,
                "state": ctx.text("anef.states.\(q.state.rawValue)"), "family": q.family,
                "filed": q.filedAt.map { DisplayFormat.dateTime($0, ctx.language) } ?? "",
                "until": q.attestationUntil.map { VaultText.day($0, ctx) } ?? "",
                "urgent": (left ?? Int.max) <= 30,
            ]
        }
        try Audit.record(ctx, "view_anef_queue", detail: dept)
        let states = PermitRequestState.allCases.filter { $0 != .draft }.map {
            ["value": $0.rawValue, "label": ctx.text("anef.states.\($0.rawValue)"), "selected": $0 == filter]
        }
        return ctx.page(
            "agents/prefecture-queue", title: "prefecture.queue.title",
            ["rows": rows, "states": states, "prefecture": Prefecture(department: dept)?.name ?? dept])
    }

    static func show(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        guard let (r, account) = try PrefectureRequests.find(id: id, department: try department(ctx), db: ctx.db),
            let protection = try Protections.find(id: account.protectionId, db: ctx.db)
        else { throw HTTPError.notFound }
        let applicant = try PrefectureRequests.applicantId(protection: protection.id, db: ctx.db)
        try Audit.record(ctx, "view_anef_request", applicant: applicant, detail: r.number)
        let family = account.role == .family
        var data: [String: Any] = [
            "id": r.id, "number": r.number, "state": ctx.text("anef.states.\(r.state)"),
            "canStart": r.state == PermitRequestState.filed.rawValue,
            "name": account.fullName, "birth": CivilDate(iso: account.birthDate).map { VaultText.day($0, ctx) } ?? account.birthDate,
            "foreignerNumber": account.foreignerNumber ?? "", "family": family,
            "relationship": account.relationship.map { ctx.text("anef.relationships.\($0.rawValue)") } ?? "",
            "protection": [
                "kind": ctx.text("anef.protection_kinds.\(protection.kind.rawValue)"), "by": protection.grantedBy.rawValue.uppercased(),
                "on": VaultText.day(protection.grantedOn, ctx), "number": protection.ofpraNumber,
                "holder": "\(protection.givenNames) \(protection.surnames.uppercased())",
                "birth": VaultText.day(protection.birthDate, ctx), "place": protection.birthPlace,
                "nationality": protection.nationality ?? ctx.text("anef.protection_kinds.stateless"),
                "checked": ctx.text("prefecture.request.checked_now", ["when": DisplayFormat.dateTime(Date(), ctx.language)]),
            ],
            "marital": r.maritalStatus.map { ctx.text("anef.marital.\($0.rawValue)") } ?? "",
            "spouse": [r.spouseGivenNames, r.spouseSurnames?.uppercased()].compactMap { $0 }.joined(separator: " "),
            "children": try AnefRequests.children(r.id, db: ctx.db).map {
                "\($0.givenNames) \($0.surnames.uppercased()) (\($0.birthDate))"
            },
            "addressKind": r.addressKind.map { ctx.text("anef.address_kinds.\($0.rawValue)") } ?? "",
            "host": r.hostName ?? "", "organisation": r.domiciliationOrg ?? "", "address": r.addressLines,
            "photoCode": r.photoCode ?? "", "email": account.email, "phone": account.phone,
            "spoken": account.spokenLanguages.compactMap { SpokenLanguages.find($0)?.name }.joined(separator: ", "),
            "filed": r.filedAt.map { DisplayFormat.dateTime($0, ctx.language) } ?? "", "channel": r.channel,
        ]
        data["files"] = try AnefFiles.current(request: r.id, db: ctx.db).map { f -> [String: Any] in
            [
                "label": ctx.text("anef.file_kinds.\(f.kind.rawValue)"),
                "href": "/agents/prefecture/pieces/\(f.publicId.uuidString.lowercased())",
                "when": DisplayFormat.dateTime(f.uploadedAt, ctx.language), "late": f.afterFiling,
            ]
        }
        let today = ParisCalendar.civilDate(of: Date())
        data["attestations"] = try Attestations.forRequest(r.id, db: ctx.db).map { a -> [String: Any] in
            [
                "number": a.number, "kind": ctx.text(a.kind == .api ? "anef.space.api" : "anef.space.receipt"),
                "until": a.validUntil.map { VaultText.day($0, ctx) } ?? "", "status": ctx.text(DomainText.key(a.status(today: today))),
            ]
        }
        // The same lines the person reads, with what they wrote when they reported an error.
        data["history"] = try AnefRequests.history(r.id, db: ctx.db).map { e -> [String: Any] in
            [
                "when": DisplayFormat.dateTime(e.at, ctx.language), "what": ctx.text("anef.events.\(e.event)"),
                "who": ctx.text("anef.actors.\(e.actor)"),
                "detail": e.event == "civil_status_error_reported" ? (e.detail ?? "") : "",
            ]
        }
        return ctx.page("agents/prefecture-request", title: "prefecture.request.title", data)
    }

    static func startReview(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        guard let (r, account) = try PrefectureRequests.find(id: id, department: try department(ctx), db: ctx.db) else {
            throw HTTPError.notFound
        }
        let applicant = try PrefectureRequests.applicantId(protection: account.protectionId, db: ctx.db)
        let moved = try ctx.db.transaction { tx -> Bool in
            guard try PrefectureRequests.move(r.id, from: .filed, to: .underReview, event: "review_started", staff: ctx.staff.id, db: tx)
            else { return false }
            try Audit.record(ctx, "start_anef_review", applicant: applicant, detail: r.number, db: tx)
            return true
        }
        return .redirect(to: "/agents/prefecture/demandes/\(r.id)?notice=" + (moved ? "review_started" : "review_not_started"))
    }

    static func file(_ ctx: StaffContext, _ id: UUID) throws -> Response {
        guard let (f, bytes, request) = try PrefectureRequests.file(publicId: id, department: try department(ctx), db: ctx.db) else {
            throw HTTPError.notFound
        }
        try Audit.record(ctx, "view_anef_file", detail: "request \(request): \(f.kind.rawValue)")
        if f.contentType == "application/pdf" { return PDFResponse.make(bytes, filename: "\(f.kind.rawValue).pdf", download: false) }
        var r = Response(status: .ok, headers: [.contentType: f.contentType, .xContentTypeOptions: "nosniff"], body: bytes)
        r.setHeader(.contentSecurityPolicy, PDFResponse.contentSecurityPolicy)
        return r
    }
}
