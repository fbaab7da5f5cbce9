import Domain
import Foundation
import HTTP
import Postgres

/// The files of a request: proofs of address and the photo before filing (replaceable until
/// then), late documents after it, and the person's own downloads. Every file is checked by
/// content (`PermitUploads`) and reached only through the account's own request.
enum AnefFileRoutes {
    static func register(_ routes: inout Routes) {
        routes.anef("/anef") { g in
            g.get("/demande/justificatifs", showAddressFiles)
            g.post("/demande/justificatifs", uploadAddressFile)
            g.get("/demande/photo", showPhoto)
            g.post("/demande/photo", savePhoto)
            g.post("/pieces", uploadLateFile)
            g.post("/demande/reponse", answerAsk)
            g.get("/pieces/:id", downloadFile)
            g.get("/attestations/:id", downloadAttestation)
        }
    }

    typealias Loaded = AnefRequestRoutes.Loaded

    static func fileRows(_ ctx: AnefContext, _ files: [PermitFile], kinds: [PermitFileKind]) -> [[String: Any]] {
        kinds.map { kind -> [String: Any] in
            let current = files.first { $0.kind == kind }
            var row: [String: Any] = [
                "kind": kind.rawValue, "label": ctx.text("anef.file_kinds.\(kind.rawValue)"),
                "hint": ctx.text("anef.file_hints.\(kind.rawValue)"), "id": "file-\(kind.rawValue)",
            ]
            if let current {
                row["current"] = [
                    "href": "/anef/pieces/\(current.publicId.uuidString.lowercased())",
                    "when": DisplayFormat.dateTime(current.uploadedAt, ctx.language),
                    "size": ctx.text("anef.files.size_kb", ["size": String(max(1, current.sizeBytes / 1024))]),
                ]
            }
            return row
        }
    }

    static func addressFilesPage(_ ctx: AnefContext, _ l: Loaded, error: (kind: PermitFileKind, key: String)? = nil) -> Response {
        guard let kind = l.request.addressKind else { return .redirect(to: "/anef/demande/adresse") }
        var rows = fileRows(ctx, l.files, kinds: kind.requiredFiles)
        if let error, let i = rows.firstIndex(where: { $0["kind"] as? String == error.kind.rawValue }) {
            rows[i]["error"] = ctx.text(error.key)
        }
        var data: [String: Any] = [
            "rows": rows, "addressKind": ctx.text("anef.address_kinds.\(kind.rawValue)"),
            "explain": ctx.text("anef.address.files_explain.\(kind.rawValue)"), "done": l.draft.isComplete(.addressFiles),
        ]
        if let error { data["errorSummary"] = ["items": [["href": "#file-\(error.kind.rawValue)", "text": ctx.text(error.key)]]] }
        return ctx.page("anef/address-files", title: "anef.steps.address_files", data, status: error == nil ? 200 : 422)
    }

    static func showAddressFiles(_ ctx: AnefContext) throws -> Response {
        let l = try AnefRequestRoutes.load(ctx)
        guard l.request.isDraft || AnefRequestRoutes.correctable(l.request) else { return AnefRequestRoutes.filedRedirect() }
        return addressFilesPage(ctx, l)
    }

    /// The uploaded part named `file`, and the kind the form says it is.
    static func upload(_ ctx: AnefContext) throws -> (kind: PermitFileKind?, bytes: [UInt8]?) {
        let parts = try ctx.multipart()
        let kind = try PermitFileKind(rawValue: ctx.form()["kind"] ?? "")
        let file = parts.first { $0.name == "file" && $0.filename != nil && !($0.filename ?? "").isEmpty }
        return (kind, file?.body)
    }

    static func store(_ ctx: AnefContext, _ l: Loaded, _ kind: PermitFileKind, _ accepted: PermitUploads.Accepted, late: Bool) throws {
        try ctx.db.transaction { tx in
            let replaced = try AnefFiles.store(
                request: l.request.id, kind: kind, contentType: accepted.contentType, bytes: accepted.bytes, afterFiling: late, db: tx)
            try AnefRequests.event(
                l.request.id, late ? "late_file_uploaded" : (replaced ? "file_replaced" : "file_uploaded"), actor: "person",
                detail: kind.rawValue, db: tx)
        }
    }

    static func uploadAddressFile(_ ctx: AnefContext) throws -> Response {
        let l = try AnefRequestRoutes.load(ctx)
        guard l.request.isDraft || AnefRequestRoutes.correctable(l.request) else { return AnefRequestRoutes.filedRedirect() }
        guard let addressKind = l.request.addressKind else { return .redirect(to: "/anef/demande/adresse") }
        let (kind, bytes) = try upload(ctx)
        guard let kind, addressKind.requiredFiles.contains(kind) else { throw HTTPError(400, "file kind not asked for this address") }
        guard let bytes else { return addressFilesPage(ctx, l, error: (kind, "anef.files.choose")) }
        switch PermitUploads.check(bytes, as: kind) {
        case .failure(let refusal):
            ctx.logger.notice("anef file refused: \(refusal.key)")
            return addressFilesPage(ctx, l, error: (kind, refusal.key))
        case .success(let accepted):
            // After filing (a corrected address), the new proof lands dated beside the old one.
            try store(ctx, l, kind, accepted, late: !l.request.isDraft)
            return .redirect(to: "/anef/demande/justificatifs?notice=anef_file_saved")
        }
    }

    // MARK: photo

    static func photoPage(_ ctx: AnefContext, _ l: Loaded, code: String? = nil, codeError: String? = nil, fileError: String? = nil)
        -> Response
    {
        var data: [String: Any] = [
            "code": [
                "id": "f-photo_code", "name": "photo_code", "label": ctx.text("anef.photo.code_label"),
                "hint": ctx.text("anef.photo.code_hint"),
            ]
            .merging(codeError.map { ["error": ctx.text($0)] } ?? [:]) { $1 }
            .merging((code ?? l.request.photoCode).map { ["value": $0] } ?? [:]) { $1 },
            "rows": fileRows(ctx, l.files, kinds: [.photo]).map { row in
                var r = row
                if let fileError { r["error"] = ctx.text(fileError) }
                return r
            },
            "hasCode": l.request.photoCode != nil,
        ]
        let errors = [("#f-photo_code", codeError), ("#file-photo", fileError)].compactMap { e in
            e.1.map { ["href": e.0, "text": ctx.text($0)] }
        }
        if !errors.isEmpty { data["errorSummary"] = ["items": errors] }
        return ctx.page("anef/photo", title: "anef.steps.photo", data, status: errors.isEmpty ? 200 : 422)
    }

    static func showPhoto(_ ctx: AnefContext) throws -> Response {
        let l = try AnefRequestRoutes.load(ctx)
        guard l.request.isDraft else { return AnefRequestRoutes.filedRedirect() }
        return photoPage(ctx, l)
    }

    /// Either the booth's code (single use: a code another request holds is refused) or a file.
    static func savePhoto(_ ctx: AnefContext) throws -> Response {
        let l = try AnefRequestRoutes.load(ctx)
        guard l.request.isDraft else { return AnefRequestRoutes.filedRedirect() }
        let form = try ctx.form()
        if form["method"] == "code" {
            let typed = (form["photo_code"] ?? "").trimmingCharacters(in: .whitespaces)
            guard let code = PhotoBoothCode(typed) else {
                return photoPage(
                    ctx, l, code: String(typed.prefix(40)), codeError: typed.isEmpty ? "form.required" : "anef.photo.code_invalid")
            }
            do {
                try ctx.db.transaction { tx in
                    guard try AnefRequests.saveDraft(id: l.request.id, [("photo_code", code.value)], db: tx) else { return }
                    try AnefRequests.event(l.request.id, "photo_code_saved", actor: "person", db: tx)
                }
            } catch let e as PGError where e.isUniqueViolation {
                return photoPage(ctx, l, code: code.value, codeError: "anef.photo.code_used")
            }
            return .redirect(to: "/anef/demande?notice=anef_photo_saved")
        }
        let (_, bytes) = try upload(ctx)
        guard let bytes else { return photoPage(ctx, l, fileError: "anef.files.choose") }
        switch PermitUploads.check(bytes, as: .photo) {
        case .failure(let refusal): return photoPage(ctx, l, fileError: refusal.key)
        case .success(let accepted):
            try store(ctx, l, .photo, accepted, late: false)
            return .redirect(to: "/anef/demande?notice=anef_photo_saved")
        }
    }

    // MARK: after filing

    static func uploadLateFile(_ ctx: AnefContext) throws -> Response {
        let l = try AnefRequestRoutes.load(ctx)
        guard !l.request.isDraft else { return .redirect(to: "/anef/demande") }
        let (kind, bytes) = try upload(ctx)
        guard let kind, kind.mayComeLater else {
            return try AnefSpaceRoutes.space(ctx, lateError: "anef.late.choose_kind")
        }
        guard let bytes else { return try AnefSpaceRoutes.space(ctx, lateError: "anef.files.choose") }
        switch PermitUploads.check(bytes, as: kind) {
        case .failure(let refusal): return try AnefSpaceRoutes.space(ctx, lateError: refusal.key)
        case .success(let accepted):
            try store(ctx, l, kind, accepted, late: true)
            return .redirect(to: "/anef?notice=anef_file_saved#documents")
        }
    }

    /// What the prefecture asked for: the file lands in the request (dated), the ask is answered
    /// and the request goes back to the instructor, in one transaction.
    static func answerAsk(_ ctx: AnefContext) throws -> Response {
        let l = try AnefRequestRoutes.load(ctx)
        guard let ask = try Instruction.openAsk(request: l.request.id, db: ctx.db) else {
            return .redirect(to: "/anef?notice=anef_nothing_asked")
        }
        let (_, bytes) = try upload(ctx)
        guard let bytes else { return try AnefSpaceRoutes.space(ctx, askError: "anef.files.choose") }
        switch PermitUploads.check(bytes, as: .requestedDocument) {
        case .failure(let refusal): return try AnefSpaceRoutes.space(ctx, askError: refusal.key)
        case .success(let accepted):
            try ctx.db.transaction { tx in
                _ = try AnefFiles.store(
                    request: l.request.id, kind: .requestedDocument, contentType: accepted.contentType, bytes: accepted.bytes,
                    afterFiling: true, db: tx)
                guard try Instruction.markAnswered(ask.id, db: tx) else { return }
                let moved =
                    try tx.query(
                        "UPDATE anef_requests SET state = 'under_review', updated_at = now() WHERE id = $1 AND state = 'documents_requested'",
                        [l.request.id]
                    ).affectedRows == 1
                try AnefRequests.event(
                    l.request.id, "documents_sent", actor: "person", detail: PermitFileKind.requestedDocument.rawValue, db: tx)
                if moved { try AnefRequests.event(l.request.id, "review_resumed", actor: "system", db: tx) }
            }
            return .redirect(to: "/anef?notice=anef_answer_sent")
        }
    }

    static func downloadFile(_ ctx: AnefContext, _ id: UUID) throws -> Response {
        guard let (file, bytes) = try AnefFiles.content(publicId: id, account: ctx.account.id, db: ctx.db) else { throw HTTPError.notFound }
        return PDFResponse.upload(bytes, contentType: file.contentType, name: file.kind.rawValue)
    }

    static func downloadAttestation(_ ctx: AnefContext, _ id: UUID) throws -> Response {
        guard let (doc, bytes) = try Attestations.pdf(publicId: id, account: ctx.account.id, db: ctx.db) else { throw HTTPError.notFound }
        return PDFResponse.make(bytes, filename: "\(doc.number).pdf", download: true)
    }
}
