import Domain
import Foundation
import HTTP
import Outbox
import PDFValidation
import Postgres

/// OFPRA agents find a person by AGDREF or OFPRA number, see their documents with the state of
/// each message and the notification date, and deposit new documents.
enum OfpraFileRoutes {
    static func register(_ routes: inout Routes) {
        routes.staff("/agents/ofpra/personnes") { g in
            g.get("", search)
            g.get("/:id", show)
            g.post("/:id/documents", deposit)
            g.post("/:id/cloture", close)
        }
    }

    static func search(_ ctx: StaffContext) throws -> Response {
        let q = (ctx.request.query["q"] ?? "").trimmingCharacters(in: .whitespaces)
        var notFound = false
        if !q.isEmpty {
            if let person = try ApplicantCredentials(ctx: ctx.base, scope: "staff-search").find(q) {
                return .redirect(to: "/agents/ofpra/personnes/\(person.id)")
            }
            notFound = true
        }
        return ctx.page("agents/ofpra-search", title: "ofpra.search_title", ["q": q, "notFound": notFound])
    }

    static func depositForm(_ ctx: StaffContext) -> FormView {
        FormView([
            .init(
                name: "kind", labelKey: "documents.deposit.kind",
                // COURRIER_POST only comes from an accepted opt-out (it switches the person to paper).
                options: DocumentKind.allCases.filter { $0 != .courrierPost }
                    .map { ($0.rawValue, ctx.text("documents.kinds.\($0.rawValue)")) }),
            .init(
                name: "file", labelKey: "documents.deposit.file", type: "file", hintKey: "documents.deposit.file_hint",
                keepValue: false, required: false),
            .init(
                name: "interview_date", labelKey: "documents.deposit.interview_date", type: "date",
                hintKey: "documents.deposit.convocation_only", required: false),
            .init(name: "interview_time", labelKey: "documents.deposit.interview_time", type: "time", required: false),
            .init(name: "interview_place", labelKey: "documents.deposit.interview_place", required: false),
            .init(name: "interview_address", labelKey: "documents.deposit.interview_address", required: false),
            .init(
                name: "interpreter_language", labelKey: "documents.deposit.interpreter_language", required: false,
                options: [("", ctx.text("documents.deposit.no_interpreter"))] + SpokenLanguages.all.map { ($0.code, $0.name) }),
        ])
    }

    static func person(_ ctx: StaffContext, _ id: Int64) throws -> Applicant {
        guard let p = try Applicants.find(id: id, db: ctx.db),
            p.eligibility != nil
        else { throw HTTPError.notFound }
        return p
    }

    static func show(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let p = try person(ctx, id)
        try Audit.record(ctx, "view_person", applicant: p.id)
        return try render(ctx, p, depositForm(ctx))
    }

    static let closureReasons = ["final_decision", "protection_granted", "withdrawal", "other"]

    /// End of the procedure: the person can no longer log in; the file stays, read-only.
    static func close(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let p = try person(ctx, id)
        let form = try ctx.form()
        guard let reason = form["reason"], closureReasons.contains(reason) else {
            return .redirect(to: "/agents/ofpra/personnes/\(p.id)?notice=closure_reason_required#cloture")
        }
        let detail = String((form["detail"] ?? "").prefix(500))
        try ctx.db.transaction { tx in
            guard try Applicants.close(id: p.id, reason: detail.isEmpty ? reason : "\(reason): \(detail)", by: ctx.staff.id, db: tx) else {
                return
            }
            try ctx.app.sessions.endAll(subject: .applicant, id: p.id, db: tx)
            try AuthEvents.record("space_closed", applicant: p.id, by: .staff(ctx.staff.id), address: ctx.request.remoteAddress, db: tx)
            try Audit.record(ctx, "close_space", applicant: p.id, detail: reason)
        }
        return .redirect(to: "/agents/ofpra/personnes/\(p.id)?notice=space_closed")
    }

    static func render(_ ctx: StaffContext, _ p: Applicant, _ form: FormView, status: Int = 200) throws -> Response {
        let now = ctx.now
        let list = try Documents.forApplicant(p.id, db: ctx.db)
        func ref(_ d: DocumentRecord) -> String { "document:\(d.publicId.uuidString.lowercased())" }
        // The messages of all the documents in one statement, not one per document.
        let sent = try Outbox.messages(subjectRefs: list.map(ref), ctx.db)
        let documents = try list.map { d -> [String: Any] in
            let messages = (sent[ref(d)] ?? []).map {
                // What the person got (a receipt's word when one came), and when.
                [
                    "channel": ctx.text("outbox.channels.\($0.channel.rawValue)"),
                    "delivery": ctx.text("delivery.status.\($0.deliveryStatus.rawValue)"),
                    "when": DisplayFormat.dateTime($0.deliveryStatusAt, ctx.language),
                ]
            }
            return [
                "kind": ctx.text("documents.kinds.\(d.kind.rawValue)"),
                "deposited": DisplayFormat.dateTime(d.depositedAt, ctx.language),
                "consulted": d.firstConsultedAt.map { DisplayFormat.dateTime($0, ctx.language) } ?? "",
                "notification": VaultText.notification(d.notification(now: now), ctx.base),
                "messages": messages, "unannounced": d.unannounced,
                "timeline": TimelineText.rows(
                    try DocumentTimelines.events(
                        documentId: d.id, publicId: d.publicId, depositedAt: d.depositedAt, firstConsultedAt: d.firstConsultedAt,
                        now: now, db: ctx.db), ctx.base),
            ]
        }
        var data = form.context(ctx)
        data["person"] = [
            "id": p.id, "name": p.fullName, "agdref": p.agdref ?? "", "ofpraNumber": p.ofpraNumber ?? "",
            "spaceOpen": p.spaceAvailableAt != nil, "activated": p.activatedAt != nil,
            "noContacts": p.verifiedPhone == nil && p.verifiedEmail == nil,
            "unusableEmail": p.hasUnusableEmail,
            "outOfScope": !p.isInScope, "closed": p.closedAt != nil,
        ]
        data["documents"] = documents
        // Who handed out a key to this person, and when (a recovery by a structure is a credential in a professional's hands).
        data["keyEvents"] = try KeyRecoveries.keyHistory(applicant: p.id, db: ctx.db).map { e -> [String: Any] in
            ["what": ctx.text("history.\(e.event)"), "when": DisplayFormat.dateTime(e.at, ctx.language), "structure": e.structure ?? ""]
        }
        data["personId"] = p.id
        if let protection = try Protections.find(applicantId: p.id, db: ctx.db) {
            data["protection"] = [
                "kind": ctx.text("anef.protection_kinds.\(protection.kind.rawValue)"),
                "by": protection.grantedBy.rawValue.uppercased(), "on": VaultText.day(protection.grantedOn, ctx),
                "birthPlace": protection.birthPlace,
            ]
        }
        data["civilStatusReports"] = try AnefRequests.civilStatusReports(applicant: p.id, db: ctx.db).map {
            ["text": $0.text, "when": DisplayFormat.dateTime($0.at, ctx.language)]
        }
        data["protectionKinds"] = ProtectionKind.allCases.map {
            ["value": $0.rawValue, "label": ctx.text("anef.protection_kinds.\($0.rawValue)")]
        }
        data["canRecordProtection"] = p.ofpraNumber != nil && p.closedAt == nil
        data["canDeposit"] = p.isInScope && p.spaceAvailableAt != nil && p.closedAt == nil
        data["canClose"] = p.isInScope && p.closedAt == nil
        data["closureReasons"] = closureReasons.map { ["value": $0, "label": ctx.text("ofpra.closure.reasons.\($0)")] }
        return ctx.page("agents/ofpra-person", title: "ofpra.person_title", data, status: status)
    }

    static func deposit(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let p = try person(ctx, id)
        guard p.isInScope, p.spaceAvailableAt != nil, p.closedAt == nil else { throw HTTPError(409, "no open space") }
        var form = depositForm(ctx)
        let parts = try ctx.multipart()
        form.read(try ctx.form())
        let file = parts.first { $0.name == "file" && $0.filename != nil }
        if let problem = PDFValidator.problem(in: file?.body ?? []) {
            ctx.logger.notice("deposit for applicant \(p.id) refused: \(problem)")
            form.fail("file", DomainText.key(problem))
        }
        let kind = DocumentKind(rawValue: form.values["kind"] ?? "").flatMap { $0 == .courrierPost ? nil : $0 }
        if kind == nil { form.fail("kind", "form.choose") }
        var interview: InterviewAppointment?
        if kind == .convocation {
            let day = form.values["interview_date"].flatMap(CivilDate.init(typed:))
            let time = form.values["interview_time"].flatMap { TimeOfDay(hhmm: String($0.prefix(5))) }
            if day == nil { form.fail("interview_date", "documents.deposit.interview_required") }
            if time == nil { form.fail("interview_time", "documents.deposit.interview_required") }
            if (form.values["interview_address"] ?? "").isEmpty { form.fail("interview_address", "form.required") }
            // A convocation the person cannot act on (a past day, a Sunday, an address nobody can find) is refused.
            let today = ParisCalendar.civilDate(of: ctx.base.now)
            let problems: [(String, InterviewProblem?)] = [
                ("interview_date", day.flatMap { InterviewAppointment.problem(date: $0, today: today) }),
                ("interview_place", InterviewAppointment.problem(place: form.values["interview_place"] ?? "")),
                ("interview_address", InterviewAppointment.problem(address: form.values["interview_address"] ?? "")),
            ]
            for case (let field, let problem?) in problems { form.fail(field, DomainText.key(problem)) }
            if let day, let time {
                interview = InterviewAppointment(
                    date: day, time: time, place: form.values["interview_place"] ?? "",
                    address: form.values["interview_address"] ?? "",
                    interpreterLanguage: (form.values["interpreter_language"] ?? "").isEmpty ? nil : form.values["interpreter_language"])
            }
        }
        guard form.isValid, let kind, let file else { return try render(ctx, p, form, status: 422) }
        let outcome = try DocumentDeposit.deposit(kind, pdf: file.body, interview: interview, for: p, by: ctx.staff.id, db: ctx.db) {
            _, tx in
            try Audit.record(ctx, "deposit_document", applicant: p.id, detail: kind.rawValue, db: tx)
        }
        ctx.logger.info("document \(outcome.document.id) (\(kind.rawValue)) deposited for applicant \(p.id) by staff \(ctx.staff.id)")
        return .redirect(to: "/agents/ofpra/personnes/\(p.id)?notice=\(outcome.unannounced ? "deposited_unannounced" : "deposited")")
    }
}
