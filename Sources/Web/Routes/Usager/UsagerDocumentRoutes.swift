import Domain
import Foundation
import HTTP
import I18n
import PDF
import Postgres
import Security

/// The vault: the applicant's documents, each with its legal dates; opening the file is the
/// consultation that notifies it. Nobody else ever gets a document through these URLs.
enum UsagerDocumentRoutes {
    static func register(_ routes: inout Routes) {
        // `.documentOwner`: the owner check below refuses (and records) everyone else.
        routes.add(.get, "/usager/documents/:id", askingToLogIn { try show($0) })
        routes.add(.get, "/usager/documents/:id/pdf", askingToLogIn(file))
        routes.add(.get, "/usager/documents/:id/calendrier.ics", askingToLogIn(calendar))
        routes.add(.get, "/usager/documents/:id/accuse", askingToLogIn(receipt))
    }

    /// Thrown by `owned` to a visitor logged in as nobody: most often the owner after logout
    /// or session expiry, so the answer is the login, then back here (not a dead-end 403).
    struct LoggedOut: Error {}

    static func askingToLogIn(
        _ handler: @escaping @Sendable (RequestContext) throws -> Response
    ) -> @Sendable (RequestContext) throws -> Response {
        { ctx in
            do {
                return try handler(ctx)
            } catch is LoggedOut {
                return .redirect(to: ApplicantReturn.loginPath(returningTo: ctx.request.path))
            }
        }
    }

    /// The document if it belongs to the logged-in applicant; otherwise the refusal is recorded.
    static func owned(_ ctx: RequestContext) throws -> (DocumentRecord, Applicant) {
        let doc = try UUID(uuidString: ctx.request.pathParameter("id") ?? "").flatMap { try Documents.find(publicId: $0, db: ctx.db) }
        if let me = ctx.applicant, let doc, doc.applicantId == me.id { return (doc, me) }
        let who = ctx.applicant.map { "applicant:\($0.id)" } ?? ctx.staff.map { "staff:\($0.id)" } ?? "anonymous"
        // Bounded (see Documents.recordRefusal): anonymous probes cannot fill the table or the log.
        if try Documents.recordRefusal(documentId: doc?.id, who: who, address: ctx.request.remoteAddress, db: ctx.db) {
            ctx.logger.warning("document access refused to \(who) for \(ctx.request.loggablePath)")
        }
        // Another applicant learns nothing (404), staff are told no (403), anyone else is asked
        // to log in (the same answer whether the document exists or not).
        if ctx.applicant != nil { throw HTTPError.notFound }
        if ctx.staff != nil { throw HTTPError.forbidden }
        throw LoggedOut()
    }

    /// The vault list for the space home, newest first.
    static func list(_ me: Applicant, _ ctx: RequestContext) throws -> [ApplicantSpacePage.Row] {
        let now = ctx.now
        return try Documents.forApplicant(me.id, db: ctx.db).map { d in
            ApplicantSpacePage.Row(
                href: "/usager/documents/\(d.publicId.uuidString.lowercased())",
                kind: ctx.text("documents.kinds.\(d.kind.rawValue)"),
                deposited: DisplayFormat.dateTime(d.depositedAt, ctx.language),
                isNew: d.firstConsultedAt == nil,
                notification: VaultText.notification(d.notification(now: now), ctx),
                deadlines: PageValues.normalized(VaultText.deadlines(d, overseas: me.overseas, now: now, ctx)),
                interview: d.interview.map { PageValues.normalized(VaultText.interview($0, ctx)) })
        }
    }

    /// `legalAid`: the legal-aid declaration form with its errors, when it comes back refused.
    static func show(_ ctx: RequestContext, legalAid: FormView? = nil, status: Int = 200) throws -> Response {
        let (d, me) = try owned(ctx)
        let base = "/usager/documents/\(d.publicId.uuidString.lowercased())"
        var data: [String: Any] = [
            "kind": ctx.text("documents.kinds.\(d.kind.rawValue)"),
            "explain": ctx.text("documents.explain.\(d.kind.category.rawValue)"),
            "deposited": DisplayFormat.dateTime(d.depositedAt, ctx.language),
            "isNew": d.firstConsultedAt == nil,
            "notification": VaultText.notification(d.notification(now: ctx.now), ctx),
            "deadlines": VaultText.deadlines(d, overseas: me.overseas, now: ctx.now, ctx),
            "pdf": base + "/pdf", "download": base + "/pdf?telecharger=1", "receipt": base + "/accuse",
            "size": max(1, d.sizeBytes / 1024),
        ]
        if let i = d.interview {
            data["interview"] = VaultText.interview(i, ctx)
            data["ics"] = base + "/calendrier.ics"
        }
        data["timeline"] = TimelineText.rows(
            try DocumentTimelines.events(
                documentId: d.id, publicId: d.publicId, depositedAt: d.depositedAt, firstConsultedAt: d.firstConsultedAt, now: ctx.now,
                db: ctx.db), ctx)
        if let form = UsagerLegalAidRoutes.section(d, form: legalAid, ctx) { data["legalAid"] = form }
        return ctx.page("usager/document", title: "documents.title", data, status: status)
    }

    /// Serves the PDF. This is the consultation: the first one fixes the notification date.
    static func file(_ ctx: RequestContext) throws -> Response {
        let (d, _) = try owned(ctx)
        let bytes = try Documents.content(id: d.id, db: ctx.db)
        if d.firstConsultedAt == nil {
            try ctx.db.transaction { tx in
                try Documents.markConsulted(id: d.id, at: ctx.now, db: tx)
                try AuthEvents.record(
                    "document_opened", applicant: d.applicantId, by: .applicant(d.applicantId),
                    address: ctx.request.remoteAddress, detail: d.kind.rawValue, db: tx)
            }
        }
        return PDFResponse.make(bytes, filename: d.fileName, download: ctx.request.query["telecharger"] != nil)
    }

    static func calendar(_ ctx: RequestContext) throws -> Response {
        let (d, _) = try owned(ctx)
        guard let i = d.interview else { throw HTTPError.notFound }
        let ics = InterviewCalendar.ics(
            uid: d.publicId.uuidString.lowercased(), interview: i,
            summary: ctx.text("documents.ics.summary"),
            interpreter: i.interpreterLanguage.flatMap { SpokenLanguages.find($0)?.name }
                .map { ctx.text("documents.ics.interpreter", ["language": $0]) })
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/calendar; charset=utf-8",
                .contentDisposition: "attachment; filename=\"convocation-ofpra-\(i.date.iso).ics\"",
            ], body: Array(ics.utf8))
    }

    static func receipt(_ ctx: RequestContext) throws -> Response {
        let (d, me) = try owned(ctx)
        let state = d.notification(now: ctx.now)
        if ctx.request.query["format"] == "pdf" { return try receiptPDF(d, me, state, ctx) }
        return ctx.page(
            "usager/receipt", title: "documents.receipt.title",
            [
                "pdf": "/usager/documents/\(d.publicId.uuidString.lowercased())/accuse?format=pdf",
                "name": me.fullName, "agdref": me.agdref ?? "", "kind": ctx.text("documents.kinds.\(d.kind.rawValue)"),
                "deposited": DisplayFormat.dateTime(d.depositedAt, ctx.language),
                "consulted": d.firstConsultedAt.map { DisplayFormat.dateTime($0, ctx.language) }
                    ?? ctx.text("documents.receipt.not_consulted"),
                "notification": VaultText.notification(state, ctx),
                "sha256": Hex.encode(d.sha256),
                "issued": DisplayFormat.dateTime(ctx.now, ctx.language),
            ])
    }

    /// The same receipt as a PDF, in French: it is meant to be shown to a court or a lawyer.
    static func receiptPDF(_ d: DocumentRecord, _ me: Applicant, _ state: NotificationState, _ ctx: RequestContext) throws -> Response {
        let fr = ctx.app.catalogues[.french]
        func when(_ date: Date) -> String { DisplayFormat.dateTime(date, .french) }
        let notification: String
        switch state {
        case .pending(let at): notification = fr.text("documents.notification.pending", ["date": when(at)])
        case .notified(let at, .consulted): notification = fr.text("documents.notification.consulted", ["date": when(at)])
        case .notified(let at, .deemed): notification = fr.text("documents.notification.deemed", ["date": when(at)])
        }
        let pdf = try ReceiptRenderer.render(
            Receipt(
                title: fr.text("documents.receipt.title"),
                rows: [
                    (fr.text("notice.name"), me.fullName),
                    (fr.text("notice.agdref"), me.agdref ?? ""),
                    (fr.text("documents.deposit.kind"), fr.text("documents.kinds.\(d.kind.rawValue)")),
                    (fr.text("documents.deposited"), when(d.depositedAt)),
                    (fr.text("documents.consulted"), d.firstConsultedAt.map(when) ?? fr.text("documents.receipt.not_consulted")),
                    (fr.text("documents.notification_title"), notification),
                    (fr.text("documents.receipt.fingerprint"), Hex.encode(d.sha256)),
                ], footer: fr.text("documents.receipt.issued") + " " + when(ctx.now)))
        return PDFResponse.make(pdf, filename: "accuse-\(d.fileName)", download: true)
    }
}
