import Domain
import Foundation
import HTTP
import Outbox

/// Prefecture instructors (issue 13, first step): the department's queue sorted by urgency,
/// a request with OFPRA's status, the documents, the family link and the history the person
/// reads too, and taking a filed request up for review. Every view is in the audit trail.
enum PrefectureRoutes {
    static func register(_ routes: inout Routes) {
        routes.staff("/agents/prefecture") { g in
            g.get("", queue)
            g.get("/demandes/:id", show)
            g.post("/demandes/:id/instruction", startReview)
            g.post("/demandes/:id/documents", askForDocuments)
            g.post("/demandes/:id/decision", decide)
            g.post("/demandes/:id/carte", card)
            g.post("/demandes/:id/renouvellement", renew)
            g.get("/signalements/:id", showReport)
            g.get("/signalements/:id/capture", reportScreenshot)
            g.post("/signalements/:id/reponse", answerReport)
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
                "urgent": (left ?? Int.max) <= 30, "incident": q.incident, "overdue": q.overdue,
            ]
        }
        let reports = try BlockageReports.queue(department: dept, db: ctx.db).map { b -> [String: Any] in
            [
                "href": "/agents/prefecture/signalements/\(b.id)", "name": b.name,
                "when": DisplayFormat.dateTime(b.reportedAt, ctx.language),
                "open": b.answeredAt == nil,
            ]
        }
        try Audit.record(ctx, "view_anef_queue", detail: dept)
        let states = PermitRequestState.allCases.filter { $0 != .draft }.map {
            ["value": $0.rawValue, "label": ctx.text("anef.states.\($0.rawValue)"), "selected": $0 == filter]
        }
        return ctx.page(
            "agents/prefecture-queue", title: "prefecture.queue.title",
            ["rows": rows, "states": states, "prefecture": Prefecture(department: dept)?.name ?? dept, "reports": reports])
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
            "underReview": r.state == PermitRequestState.underReview.rawValue,
            "documentsRequested": r.state == PermitRequestState.documentsRequested.rawValue,
            "favourable": r.state == PermitRequestState.favourable.rawValue,
            "inProduction": r.state == PermitRequestState.cardInProduction.rawValue,
            "available": r.state == PermitRequestState.cardAvailable.rawValue,
            "canRenew": PermitRequestState(rawValue: r.state)?.isOpen == true,
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
                "birthAct": try Protections.birthActOn(protection.id, db: ctx.db).map { VaultText.day($0, ctx) } ?? "",
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
        data["asks"] = try Instruction.asks(request: r.id, db: ctx.db).map { a -> [String: Any] in
            [
                "what": a.what, "why": a.why, "due": VaultText.day(a.dueOn, ctx),
                "asked": DisplayFormat.dateTime(a.requestedAt, ctx.language),
                "answered": a.answeredAt.map { DisplayFormat.dateTime($0, ctx.language) } ?? "",
                "overdue": a.answeredAt == nil && a.dueOn < today,
            ]
        }
        let outcome = try Instruction.outcome(request: r.id, db: ctx.db)
        data["outcome"] = [
            "reasons": outcome.reasons ?? "", "card": outcome.card.map { ctx.text("anef.card_types.\($0.rawValue)") } ?? "",
            "pickup": outcome.pickupOn.map { VaultText.day($0, ctx) + " " + (outcome.pickupTime?.hhmm ?? "") } ?? "",
        ]
        data["incident"] =
            try Attestations.live(request: r.id, db: ctx.db).map {
                try Instruction.renewalBlockedReported(request: r.id, attestation: $0.number, db: ctx.db)
            } ?? false
        data["tomorrow"] = today.adding(days: 1).iso
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
        return PDFResponse.upload(bytes, contentType: f.contentType, name: f.kind.rawValue)
    }

    // MARK: instruction

    /// The request in the instructor's department, with the person's account and the audit id.
    static func scoped(_ ctx: StaffContext, _ id: Int64) throws -> (PermitRequest, AnefAccount, Int64?) {
        guard let (r, account) = try PrefectureRequests.find(id: id, department: try department(ctx), db: ctx.db) else {
            throw HTTPError.notFound
        }
        return (r, account, try PrefectureRequests.applicantId(protection: account.protectionId, db: ctx.db))
    }

    static func back(_ r: PermitRequest, _ notice: String) -> Response {
        .redirect(to: "/agents/prefecture/demandes/\(r.id)?notice=\(notice)#actions")
    }

    /// Which documents, why, and by when: the person is e-mailed and sees a "to do" in their space.
    static func askForDocuments(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let (r, account, applicant) = try scoped(ctx, id)
        let form = try ctx.form()
        let what = (form["what"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let why = (form["why"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let today = ParisCalendar.civilDate(of: Date())
        guard !what.isEmpty, !why.isEmpty, what.count <= 1000, why.count <= 1000,
            let due = CivilDate(typed: form["due_on"] ?? ""), due > today
        else { return back(r, "ask_invalid") }
        let moved = try ctx.db.transaction { tx -> Bool in
            guard
                try PrefectureRequests.move(
                    r.id, from: .underReview, to: .documentsRequested, event: "documents_requested", staff: ctx.staff.id, db: tx)
            else { return false }
            try Instruction.ask(request: r.id, what: what, why: why, due: due, staff: ctx.staff.id, db: tx)
            try AnefMessages.toPerson(
                account, "anef_documents_requested", params: ["date": due.numeric], channels: [.email],
                dedup: "anef-ask:\(r.id):\(Date().timeIntervalSince1970)", db: tx)
            try Audit.record(ctx, "ask_anef_documents", applicant: applicant, detail: r.number, db: tx)
            return true
        }
        return back(r, moved ? "documents_asked" : "state_changed")
    }

    static func decide(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let (r, account, applicant) = try scoped(ctx, id)
        let form = try ctx.form()
        let reasons = (form["reasons"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard let protection = try Protections.find(id: account.protectionId, db: ctx.db),
            let standing = AttestationStanding(protection: protection.kind, familyMember: account.role == .family)
        else { throw HTTPError.notFound }
        let to: PermitRequestState
        switch form["decision"] {
        case "favourable": to = .favourable
        case "refused": to = .refused
        case "closed": to = .closed
        default: return back(r, "decision_invalid")
        }
        if to != .favourable && (reasons.isEmpty || reasons.count > 4000) { return back(r, "reasons_required") }
        let from: [PermitRequestState] = to == .closed ? [.underReview, .documentsRequested] : [.underReview]
        let moved = try ctx.db.transaction { tx -> Bool in
            // The fields the new state needs go in first (the CHECKs want them), so the state is
            // read, row locked, before anything is written.
            guard let current = try PrefectureRequests.lockedState(r.id, db: tx), from.contains(current) else { return false }
            try Instruction.recordDecision(
                request: r.id, reasons: to == .favourable ? nil : reasons, card: to == .favourable ? CardType(standing: standing) : nil,
                db: tx)
            let event = to == .favourable ? "decision_favourable" : to == .refused ? "decision_refused" : "decision_closed"
            guard try PrefectureRequests.move(r.id, from: current, to: to, event: event, staff: ctx.staff.id, db: tx) else { return false }
            try AnefMessages.toPerson(account, "anef_decision", dedup: "anef-decision:\(r.id)", db: tx)
            try Audit.record(ctx, "decide_anef_request", applicant: applicant, detail: "\(r.number) \(to.rawValue)", db: tx)
            return true
        }
        return back(r, moved ? "decision_recorded" : "state_changed")
    }

    /// Card being made → available (with the day and time to come: SMS and e-mail convocation,
    /// calendar file on the person's page) → handed over.
    static func card(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let (r, account, applicant) = try scoped(ctx, id)
        let form = try ctx.form()
        let today = ParisCalendar.civilDate(of: Date())
        let step: (PermitRequestState, PermitRequestState, String)
        switch form["step"] {
        case "production": step = (.favourable, .cardInProduction, "card_in_production")
        case "available": step = (.cardInProduction, .cardAvailable, "card_available")
        case "handed_over": step = (.cardAvailable, .cardHandedOver, "card_handed_over")
        default: return back(r, "card_invalid")
        }
        var pickup: (CivilDate, TimeOfDay)?
        if step.1 == .cardAvailable {
            guard let day = CivilDate(typed: form["pickup_on"] ?? ""), day >= today,
                let time = TimeOfDay(hhmm: String((form["pickup_time"] ?? "").prefix(5)))
            else { return back(r, "pickup_invalid") }
            pickup = (day, time)
        }
        let office = try ctx.staff.structureId.flatMap { try Structures.find(id: $0, db: ctx.db) }
        let moved = try ctx.db.transaction { tx -> Bool in
            guard try PrefectureRequests.lockedState(r.id, db: tx) == step.0 else { return false }
            // The pickup first: the schema wants it in place before the card counts as available.
            if let (day, time) = pickup { try Instruction.setPickup(request: r.id, on: day, at: time, office: office?.id, db: tx) }
            guard try PrefectureRequests.move(r.id, from: step.0, to: step.1, event: step.2, staff: ctx.staff.id, db: tx) else {
                return false
            }
            if let (day, time) = pickup {
                try AnefMessages.toPerson(
                    account, "anef_card_available",
                    params: [
                        "date": day.numeric, "time": time.hhmm,
                        // Never empty (a message without its params is refused): the name, a dash.
                        "address": [office?.address, office?.city].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
                            .nonEmpty ?? office?.name ?? "-",
                        "hours": office?.openingHours.nonEmpty ?? "-",
                    ], channels: [.sms, .email], dedup: "anef-card:\(r.id)", db: tx)
            }
            try Audit.record(ctx, "anef_card_step", applicant: applicant, detail: "\(r.number) \(step.1.rawValue)", db: tx)
            return true
        }
        return back(r, moved ? "card_step_recorded" : "state_changed")
    }

    /// An instructor renews by hand (also when the automatic renewal is blocked).
    static func renew(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let (r, _, applicant) = try scoped(ctx, id)
        let renewals = AttestationRenewals(key: ctx.app.signingKey, publicURL: ctx.app.config.publicURL, logger: ctx.logger)
        let decision = try renewals.renewIfDue(
            request: r.id, today: ParisCalendar.civilDate(of: Date()), force: true, staff: ctx.staff.id, db: ctx.db)
        guard decision == .renew else { return back(r, "state_changed") }
        try Audit.record(ctx, "renew_anef_attestation", applicant: applicant, detail: r.number)
        return back(r, "attestation_renewed")
    }

    // MARK: blockage reports

    static func report(_ ctx: StaffContext, _ id: Int64) throws -> BlockageReport {
        guard let b = try BlockageReports.find(id: id, department: try department(ctx), db: ctx.db) else { throw HTTPError.notFound }
        return b
    }

    static func showReport(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let b = try report(ctx, id)
        try Audit.record(ctx, "view_blockage_report", detail: String(b.id))
        return ctx.page(
            "agents/prefecture-report", title: "prefecture.report.title",
            [
                "id": b.id, "name": b.name, "contact": b.contact, "identifier": b.identifier ?? "", "tried": b.tried, "saw": b.saw,
                "structure": b.withStructure ?? "", "screenshot": b.hasScreenshot,
                "when": DisplayFormat.dateTime(b.reportedAt, ctx.language),
                "answer": b.answer ?? "", "counter": b.invitedToCounter,
                "answered": b.answeredAt.map { DisplayFormat.dateTime($0, ctx.language) } ?? "",
            ])
    }

    static func reportScreenshot(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        guard let (type, bytes) = try BlockageReports.screenshot(id: id, department: try department(ctx), db: ctx.db) else {
            throw HTTPError.notFound
        }
        return PDFResponse.upload(bytes, contentType: type, name: "capture")
    }

    /// The answer goes to the contact the person gave (e-mail or SMS), once.
    static func answerReport(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let b = try report(ctx, id)
        let form = try ctx.form()
        let text = (form["answer"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 600 else {
            return .redirect(to: "/agents/prefecture/signalements/\(b.id)?notice=answer_required")
        }
        let counter = form["counter"] == "1"
        let answered = try ctx.db.transaction { tx -> Bool in
            guard try BlockageReports.answer(id: b.id, text: text, counter: counter, staff: ctx.staff.id, db: tx) else { return false }
            let channel: Channel = b.contact.contains("@") ? .email : .sms
            try Outbox.enqueue(
                OutboxMessage(
                    channel: channel, recipient: b.contact, template: "anef_blockage_answered", language: ctx.language.code,
                    params: ["answer": text], dedupKey: "anef-blockage:\(b.id)", subjectRef: "anef-blockage:\(b.id)"), in: tx)
            try Audit.record(ctx, "answer_blockage_report", detail: String(b.id), db: tx)
            return true
        }
        return .redirect(to: "/agents/prefecture/signalements/\(b.id)?notice=" + (answered ? "report_answered" : "report_already_answered"))
    }
}

extension String {
    /// nil for "", so `?? fallback` reads naturally.
    var nonEmpty: String? { isEmpty ? nil : self }
}
