import Domain
import Foundation
import HTTP
import Postgres

/// `/anef`: for a visitor, who the service is for and the ways in; for a logged-in account, the
/// request, its state and dated history, the files sent, the documents to download and, in
/// plain words, what the person has to do next.
enum AnefSpaceRoutes {
    static func register(_ routes: inout Routes) {
        routes.add(.get, "/anef") { ctx in
            guard let account = ctx.anefAccount else { return SpaceRoutes.landing("anef", ctx) }
            return try space(AnefContext(base: ctx, account: account))
        }
        routes.anef("/anef") { g in g.get("/carte.ics", cardCalendar) }
    }

    /// The card's collection, for the phone's calendar.
    static func cardCalendar(_ ctx: AnefContext) throws -> Response {
        guard let r = try AnefRequests.find(account: ctx.account.id, db: ctx.db),
            r.state == PermitRequestState.cardAvailable.rawValue
        else { throw HTTPError.notFound }
        let outcome = try Instruction.outcome(request: r.id, db: ctx.db)
        guard let day = outcome.pickupOn, let time = outcome.pickupTime else { throw HTTPError.notFound }
        let office = try cardOffice(r, outcome, db: ctx.db)
        let visit = InterviewAppointment(
            date: day, time: time, place: office?.name ?? "",
            address: [office?.address, office?.city].compactMap { $0 }.joined(separator: ", "),
            interpreterLanguage: nil)
        let ics = InterviewCalendar.ics(
            uid: "card-\(r.number)", interview: visit, summary: ctx.text("anef.card.calendar_title"), interpreter: nil)
        return Response(
            status: .ok,
            headers: [.contentType: "text/calendar; charset=utf-8", .contentDisposition: "attachment; filename=\"carte.ics\""],
            body: Array(ics.utf8))
    }

    static func space(_ ctx: AnefContext, lateError: String? = nil, askError: String? = nil) throws -> Response {
        var data: [String: Any] = ["family": ctx.account.role == .family]
        if let relationship = ctx.account.relationship, let p = try Protections.find(id: ctx.account.protectionId, db: ctx.db) {
            data["link"] = ctx.text(
                "anef.space.family_link",
                ["relationship": ctx.text("anef.relationships.\(relationship.rawValue)"), "number": p.ofpraNumber])
        }
        guard let request = try AnefRequests.find(account: ctx.account.id, db: ctx.db) else {
            data["none"] = true
            return ctx.page("anef/space", title: "anef.space.title", data)
        }
        let files = try AnefFiles.current(request: request.id, db: ctx.db)
        let today = ParisCalendar.civilDate(of: Date())
        data["number"] = request.number
        data["hasRequest"] = true
        data["mandates"] = try Mandates.live(account: ctx.account.id, db: ctx.db).map { m -> [String: Any] in
            ["id": m.id, "name": m.structureName, "until": VaultText.day(m.expiresOn, ctx)]
        }
        data["structures"] = try Mandates.structures(db: ctx.db).map {
            ["id": $0.id, "name": "\($0.name) (\(ctx.text("structures.\($0.kind.rawValue)")), \($0.city))"]
        }
        data["durations"] = MandateRoutes.durations.map { ["months": $0, "label": ctx.text("anef.mandates.months", count: $0)] }
        data["state"] = ctx.text("anef.states.\(request.state)")
        data["canWithdraw"] = PermitRequestState(rawValue: request.state)?.canMove(to: .withdrawn) == true
        if request.isDraft {
            let missing = AnefRequestRoutes.draft(request, files).missingSteps.count
            data["draft"] = ["left": ctx.text("anef.tasks.left", count: missing)]
        } else {
            let attestations = try Attestations.forRequest(request.id, db: ctx.db)
            let api = attestations.first { $0.kind == .api && $0.status(today: today) == .valid }
            data["filed"] = [
                "on": request.filedAt.map { DisplayFormat.dateTime($0, ctx.language) } ?? "",
                "prefecture": request.department.flatMap { Prefecture(department: $0)?.name } ?? "",
                "until": api?.validUntil.map { VaultText.day($0, ctx) } ?? "",
            ]
            data["attestations"] = attestations.map { a -> [String: Any] in
                [
                    "title": ctx.text(a.kind == .api ? "anef.space.api" : "anef.space.receipt"), "number": a.number,
                    "href": "/anef/attestations/\(a.publicId.uuidString.lowercased())",
                    "validity": a.validUntil.map {
                        ctx.text("anef.space.validity", ["from": VaultText.day(a.validFrom, ctx), "until": VaultText.day($0, ctx)])
                    } ?? "",
                    "status": ctx.text(DomainText.key(a.status(today: today))),
                ]
            }
            let present = Set(files.map(\.kind))
            data["late"] = PermitFileKind.allCases.filter(\.mayComeLater).map { k -> [String: Any] in
                ["value": k.rawValue, "label": ctx.text("anef.file_kinds.\(k.rawValue)"), "sent": present.contains(k)]
            }
            try instruction(ctx, request, today: today, askError: askError, into: &data)
            if let lateError {
                data["lateError"] = ctx.text(lateError)
                data["errorSummary"] = ["items": [["href": "#f-late-file", "text": ctx.text(lateError)]]]
            }
        }
        data["files"] = files.map { f -> [String: Any] in
            [
                "label": ctx.text("anef.file_kinds.\(f.kind.rawValue)"), "href": "/anef/pieces/\(f.publicId.uuidString.lowercased())",
                "when": DisplayFormat.dateTime(f.uploadedAt, ctx.language),
            ]
        }
        data["history"] = try AnefRequests.history(request.id, db: ctx.db).map { e -> [String: Any] in
            // A file's line says which document; other details (the person's own report) stay off the list.
            let file = e.event.contains("file") ? e.detail.flatMap(PermitFileKind.init(rawValue:)) : nil
            return [
                "when": DisplayFormat.dateTime(e.at, ctx.language),
                "what": ctx.text("anef.events.\(e.event)") + (file.map { " — " + ctx.text("anef.file_kinds.\($0.rawValue)") } ?? ""),
                "who": ctx.text("anef.actors.\(e.actor)"),
            ]
        }
        return ctx.page("anef/space", title: "anef.space.title", data, status: lateError == nil && askError == nil ? 200 : 422)
    }

    /// Where the card waits: the convoking instructor's prefecture, else the department's.
    static func cardOffice(_ r: PermitRequest, _ outcome: Instruction.Outcome, db: PGConnection) throws -> Structure? {
        if let id = outcome.officeId, let s = try Structures.find(id: id, db: db) { return s }
        return try r.department.flatMap { try PrefectureRequests.office(department: $0, db: db) }
    }

    /// What the prefecture asked, decided or issued, in plain words, with what to do next.
    static func instruction(_ ctx: AnefContext, _ r: PermitRequest, today: CivilDate, askError: String?, into data: inout [String: Any])
        throws
    {
        let state = PermitRequestState(rawValue: r.state) ?? .filed
        if let ask = try Instruction.openAsk(request: r.id, db: ctx.db) {
            var a: [String: Any] = [
                "what": ask.what, "why": ask.why, "due": VaultText.day(ask.dueOn, ctx), "late": ask.dueOn < today,
            ]
            if let askError { a["error"] = ctx.text(askError) }
            data["ask"] = a
            if let askError { data["errorSummary"] = ["items": [["href": "#f-answer-file", "text": ctx.text(askError)]]] }
        }
        let outcome = try Instruction.outcome(request: r.id, db: ctx.db)
        switch state {
        case .favourable, .cardInProduction, .cardAvailable, .cardHandedOver:
            data["favourable"] = ["card": outcome.card.map { ctx.text("anef.card_types.\($0.rawValue)") } ?? ""]
        case .refused:
            let appealUntil = outcome.decidedAt.map { ParisCalendar.civilDate(of: $0).adding(months: 2) }
            data["refused"] = [
                "reasons": outcome.reasons ?? "", "until": appealUntil.map { VaultText.day($0, ctx) } ?? "",
            ]
        case .closed:
            data["closedOutcome"] = ["reasons": outcome.reasons ?? ""]
        default: break
        }
        if state == .cardAvailable, let day = outcome.pickupOn, let time = outcome.pickupTime {
            let office = try cardOffice(r, outcome, db: ctx.db)
            data["pickup"] = [
                "day": VaultText.day(day, ctx), "time": time.hhmm, "office": office?.name ?? "",
                "address": [office?.address, office?.city].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", "),
                "hours": office?.openingHours ?? "",
            ]
        }
        if let live = try Attestations.live(request: r.id, db: ctx.db),
            try Instruction.renewalBlockedReported(request: r.id, attestation: live.number, db: ctx.db)
        {
            let office = try r.department.flatMap { try PrefectureRequests.office(department: $0, db: ctx.db) }
            data["renewalBlocked"] = ["office": office?.name ?? "", "phone": office?.phone ?? "", "address": office?.address ?? ""]
        }
    }
}
