import Domain
import Foundation
import HTTP
import Postgres

/// Substitution (decree 2023-191): when the online route fails someone, an instructor files
/// the request at the counter on their behalf. It is the same request object (channel
/// "counter"), checked against OFPRA's record the same way, with the documents scanned in; the
/// receipt and the attestation are issued at once, for the instructor to print. When the person
/// later creates their account online, it takes this request over.
enum CounterRoutes {
    static func register(_ routes: inout Routes) {
        routes.staff("/agents/prefecture") { g in
            g.get("/guichet", show)
            g.post("/guichet", submit)
            g.get("/demandes/:id/attestation", attestation)
        }
    }

    static func form(_ ctx: StaffContext) -> FormView {
        FormView([
            .init(name: "identifier", labelKey: "anef.signup.identifier", hintKey: "anef.signup.identifier_hint"),
            .init(name: "surnames", labelKey: "anef.signup.surnames"),
            .init(name: "given_names", labelKey: "anef.signup.given_names", required: false),
            .init(name: "birth_date", labelKey: "anef.signup.birth_date", type: "date"),
            .init(name: "email", labelKey: "anef.signup.email", type: "email", required: false),
            .init(name: "phone", labelKey: "anef.signup.phone", type: "tel", required: false),
            .init(
                name: "marital_status", labelKey: "anef.family_step.marital_status",
                options: [("", ctx.text("form.choose"))]
                    + MaritalStatus.allCases.map { ($0.rawValue, ctx.text("anef.marital.\($0.rawValue)")) }),
            .init(
                name: "address_kind", labelKey: "anef.address.kind",
                options: [("", ctx.text("form.choose"))]
                    + AddressKind.allCases.map { ($0.rawValue, ctx.text("anef.address_kinds.\($0.rawValue)")) }),
            .init(
                name: "host_or_org", labelKey: "prefecture.counter.host_or_org", hintKey: "prefecture.counter.host_or_org_hint",
                required: false),
            .init(name: "address_line", labelKey: "anef.address.line"),
            .init(name: "postcode", labelKey: "anef.address.postcode"),
            .init(name: "city", labelKey: "anef.address.city"),
            .init(name: "photo_code", labelKey: "anef.photo.code_label", required: false),
            .init(
                name: "scan_kind", labelKey: "prefecture.counter.scan_kind", required: false,
                options: PermitFileKind.allCases.filter { $0 != .requestedDocument }.map {
                    ($0.rawValue, ctx.text("anef.file_kinds.\($0.rawValue)"))
                }),
            .init(name: "declared", labelKey: "prefecture.counter.declared", type: "checkbox", required: false),
        ])
    }

    static func page(_ ctx: StaffContext, _ f: FormView, status: Int = 200) -> Response {
        ctx.page("agents/prefecture-counter", title: "prefecture.counter.title", f.context(ctx), status: status)
    }

    static func show(_ ctx: StaffContext) throws -> Response {
        _ = try PrefectureRoutes.department(ctx)
        return page(ctx, form(ctx))
    }

    static func submit(_ ctx: StaffContext) throws -> Response {
        let dept = try PrefectureRoutes.department(ctx)
        var f = form(ctx)
        f.read(try ctx.form())
        let v = f.values
        for (name, value) in v where value.count > 200 { f.fail(name, "form.too_long") }
        let identifier = ProtectionIdentifier.parse(v["identifier"] ?? "")
        if identifier == nil, !(v["identifier"] ?? "").isEmpty { f.fail("identifier", "anef.signup.identifier_invalid") }
        let birth = v["birth_date"].flatMap(CivilDate.init(typed:))
        if birth == nil, !(v["birth_date"] ?? "").isEmpty { f.fail("birth_date", "form.invalid_date") }
        let email = (v["email"] ?? "").isEmpty ? "" : EmailAddress(v["email"]!)?.value
        if email == nil { f.fail("email", "form.invalid_email") }
        let phone = (v["phone"] ?? "").isEmpty ? "" : PhoneNumber(v["phone"]!).flatMap { $0.canReceiveSMS ? $0.e164 : nil }
        if phone == nil { f.fail("phone", "form.phone_not_mobile") }
        let marital = MaritalStatus(rawValue: v["marital_status"] ?? "")
        if marital == nil { f.fail("marital_status", "form.choose") }
        let kind = AddressKind(rawValue: v["address_kind"] ?? "")
        if kind == nil { f.fail("address_kind", "form.choose") }
        if kind == .hosted || kind == .domiciliation, (v["host_or_org"] ?? "").isEmpty { f.fail("host_or_org", "form.required") }
        let postcode = VerificationCode.typedDigits(v["postcode"] ?? "")
        let prefecture = Prefecture(postcode: postcode)
        if prefecture == nil, !(v["postcode"] ?? "").isEmpty { f.fail("postcode", "anef.address.postcode_invalid") }
        if prefecture != nil, prefecture?.department != dept { f.fail("postcode", "prefecture.counter.other_department") }
        let photo = (v["photo_code"] ?? "").isEmpty ? nil : PhotoBoothCode(v["photo_code"]!)
        if photo == nil, !(v["photo_code"] ?? "").isEmpty { f.fail("photo_code", "anef.photo.code_invalid") }
        if v["declared"] == nil { f.fail("declared", "prefecture.counter.declared_required") }
        var scan: (PermitFileKind, PermitUploads.Accepted)?
        if let part = try ctx.base.optionalParts().first(where: { $0.name == "scan" && !($0.filename ?? "").isEmpty }), !part.body.isEmpty {
            let scanKind = PermitFileKind(rawValue: v["scan_kind"] ?? "") ?? .addressProof
            switch PermitUploads.check(part.body, as: scanKind) {
            case .success(let a): scan = (scanKind, a)
            case .failure(let refusal): f.fail("scan_kind", refusal.key)
            }
        }
        guard f.isValid, let identifier, let birth, let email, let phone, let marital, let kind, let prefecture else {
            return page(ctx, f, status: 422)
        }
        guard let protection = try identifier.find(in: DatabaseProtectionLookup(db: ctx.db)), protection.kind.filesOnline else {
            f.fail("identifier", "prefecture.counter.no_protection")
            return page(ctx, f, status: 422)
        }
        let differences = IdentityMatch.differences(
            surnames: v["surnames"] ?? "", givenNames: v["given_names"] ?? "", birthDate: birth, against: protection)
        for field in differences { f.fail(field == .givenNames ? "given_names" : field.rawValue, DomainText.key(field)) }
        guard f.isValid else { return page(ctx, f, status: 422) }
        if try AnefAccounts.openAccount(protectionId: protection.id, db: ctx.db) != nil {
            f.fail("identifier", "prefecture.counter.already")
            return page(ctx, f, status: 409)
        }
        let today = ParisCalendar.civilDate(of: Date())
        let issuer = AttestationIssuer(key: ctx.app.signingKey, publicURL: ctx.app.config.publicURL)
        let requestId: Int64
        do {
            requestId = try ctx.db.transaction { tx -> Int64 in
                let accountId = try AnefAccounts.createForCounter(
                    protection: protection, email: email, phone: phone, language: "fr", db: tx)
                let draft = try AnefRequests.findOrStart(account: accountId, db: tx)
                let named = v["host_or_org"]
                guard
                    try AnefRequests.saveDraft(
                        id: draft.id,
                        [
                            ("channel", "counter"), ("civil_status_checked_at", Date()), ("marital_status", marital.rawValue),
                            ("address_kind", kind.rawValue), ("host_name", kind == .hosted ? named : nil),
                            ("domiciliation_org", kind == .domiciliation ? named : nil), ("address_line", v["address_line"]),
                            ("postcode", postcode), ("city", v["city"]), ("contacts_checked_at", Date()), ("photo_code", photo?.value),
                            ("declared_truthful", true), ("declared_not_polygamous", marital.needsNonPolygamyDeclaration ? true : nil),
                        ], db: tx),
                    try AnefRequests.file(id: draft.id, department: prefecture.department, db: tx),
                    let request = try AnefRequests.find(account: accountId, db: tx),
                    let account = try AnefAccounts.find(id: accountId, db: tx)
                else { throw HTTPError(409, "counter request not filed") }
                if let (scanKind, accepted) = scan {
                    _ = try AnefFiles.store(
                        request: request.id, kind: scanKind, contentType: accepted.contentType, bytes: accepted.bytes, afterFiling: false,
                        db: tx)
                }
                try tx.query(
                    "INSERT INTO anef_events (request_id, event, actor, staff_id, detail) VALUES ($1, 'filed', 'staff', $2, 'counter')",
                    [request.id, ctx.staff.id])
                _ = try issuer.issueAtFiling(
                    .init(account: account, protection: protection, request: request, prefecture: prefecture), today: today, db: tx)
                try AnefRequests.event(request.id, "receipt_issued", actor: "system", db: tx)
                try AnefRequests.event(request.id, "attestation_issued", actor: "system", db: tx)
                try AnefMessages.attestationReady(account, request: request, db: tx)
                try Audit.record(
                    ctx, "counter_filing", applicant: try PrefectureRequests.applicantId(protection: protection.id, db: tx),
                    detail: request.number, db: tx)
                return request.id
            }
        } catch let e as PGError where e.isUniqueViolation {
            // The number already belongs to another account (a family member's, say), or the
            // photo code was used: said on the form, never a 500.
            f.fail("identifier", "prefecture.counter.conflict")
            return page(ctx, f, status: 409)
        }
        return .redirect(to: "/agents/prefecture/demandes/\(requestId)?notice=counter_filed")
    }

    /// The live attestation of a request of the department, to print for the person at the counter.
    static func attestation(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        guard let (r, _) = try PrefectureRequests.find(id: id, department: try PrefectureRoutes.department(ctx), db: ctx.db),
            let live = try Attestations.live(request: r.id, db: ctx.db),
            let (_, pdf) = try Attestations.pdf(publicId: live.publicId, account: r.accountId, db: ctx.db)
        else { throw HTTPError.notFound }
        try Audit.record(ctx, "print_anef_attestation", detail: live.number)
        return PDFResponse.make(pdf, filename: "\(live.number).pdf", download: false)
    }
}
