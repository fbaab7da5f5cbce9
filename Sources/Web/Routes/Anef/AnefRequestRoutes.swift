import Domain
import Foundation
import HTTP
import I18n
import Postgres

/// The request, one topic per page (GOV.UK pattern): each page saves the draft and returns to
/// the task list; "check your answers" shows everything before filing. A filed request's pages
/// send back to the space (changes after filing are the prefecture side's, issue 13).
enum AnefRequestRoutes {
    static func register(_ routes: inout Routes) {
        routes.anef("/anef/demande") { g in
            g.get("", taskList)
            g.get("/etat-civil", showCivilStatus)
            g.post("/etat-civil", confirmCivilStatus)
            g.post("/etat-civil/erreur", reportCivilStatusError)
            g.get("/famille", showFamily)
            g.post("/famille", saveFamily)
            g.post("/famille/enfants", addChild)
            g.post("/famille/enfants/:id/retirer", removeChild)
            g.get("/adresse", showAddress)
            g.post("/adresse", saveAddress)
            g.get("/coordonnees", showContacts)
            g.post("/coordonnees", saveContacts)
            g.get("/declarations", showDeclarations)
            g.post("/declarations", saveDeclarations)
            g.get("/recapitulatif", showSummary)
            g.post("/deposer", file)
            g.post("/retrait", withdraw)
        }
    }

    /// The account's request, and what it still lacks; a filed one sends the person to the space.
    struct Loaded {
        let request: PermitRequest
        let files: [PermitFile]
        let draft: RequestDraft
        let protection: ProtectionRecord
    }

    static func load(_ ctx: AnefContext, db: PGConnection? = nil) throws -> Loaded {
        let db = db ?? ctx.db
        // Opening any page of the request starts the draft; a POST acts only on one that exists.
        let request: PermitRequest
        if ctx.request.method == .get {
            request = try AnefRequests.findOrStart(account: ctx.account.id, db: db)
        } else {
            guard let existing = try AnefRequests.find(account: ctx.account.id, db: db) else { throw HTTPError.notFound }
            request = existing
        }
        let files = try AnefFiles.current(request: request.id, db: db)
        guard let protection = try Protections.find(id: ctx.account.protectionId, db: db) else { throw HTTPError.notFound }
        return Loaded(request: request, files: files, draft: draft(request, files), protection: protection)
    }

    static func draft(_ r: PermitRequest, _ files: [PermitFile]) -> RequestDraft {
        var d = RequestDraft()
        d.civilStatusConfirmed = r.civilStatusCheckedAt != nil
        d.maritalStatus = r.maritalStatus
        d.spouseNamed = !(r.spouseSurnames ?? "").isEmpty
        d.addressKind = r.addressKind
        d.addressComplete =
            !(r.addressLine ?? "").isEmpty && r.postcode != nil && !(r.city ?? "").isEmpty
            && (r.addressKind != .hosted || !(r.hostName ?? "").isEmpty)
            && (r.addressKind != .domiciliation || !(r.domiciliationOrg ?? "").isEmpty)
        d.contactsConfirmed = r.contactsCheckedAt != nil
        d.photoCode = r.photoCode
        d.currentFiles = Set(files.map(\.kind))
        d.declaredTruthful = r.declaredTruthful == true
        d.declaredNotPolygamous = r.declaredNotPolygamous == true
        return d
    }

    static let stepPaths: [RequestStep: String] = [
        .civilStatus: "/anef/demande/etat-civil", .family: "/anef/demande/famille", .address: "/anef/demande/adresse",
        .addressFiles: "/anef/demande/justificatifs", .contacts: "/anef/demande/coordonnees", .photo: "/anef/demande/photo",
        .declarations: "/anef/demande/declarations",
    ]

    static func filedRedirect() -> Response { .redirect(to: "/anef?notice=anef_already_filed") }

    static func taskList(_ ctx: AnefContext) throws -> Response {
        let l = try load(ctx)
        guard l.request.isDraft else { return filedRedirect() }
        let steps = RequestStep.allCases.map { step -> [String: Any] in
            ["href": stepPaths[step]!, "label": ctx.text("anef.steps.\(step.rawValue)"), "done": l.draft.isComplete(step)]
        }
        return ctx.page(
            "anef/tasks", title: "anef.tasks.title",
            [
                "number": l.request.number, "steps": steps, "canFile": l.draft.canBeFiled,
                "left": ctx.text("anef.tasks.left", count: l.draft.missingSteps.count),
            ])
    }

    // MARK: civil status

    static func civilStatusData(_ ctx: AnefContext, _ l: Loaded) -> [String: Any] {
        let p = l.protection
        let family = ctx.account.role == .family
        return [
            "surnames": ctx.account.surnames, "givenNames": ctx.account.givenNames,
            "birthDate": VaultText.day(CivilDate(iso: ctx.account.birthDate) ?? p.birthDate, ctx),
            "birthPlace": family ? "" : p.birthPlace,
            "nationality": family ? "" : (p.nationality ?? ctx.text("anef.protection_kinds.stateless")),
            "foreignerNumber": ctx.account.foreignerNumber ?? "", "ofpraNumber": p.ofpraNumber,
            "protection": ctx.text("anef.protection_kinds.\(p.kind.rawValue)"), "family": family,
            "relationship": ctx.account.relationship.map { ctx.text("anef.relationships.\($0.rawValue)") } ?? "",
        ]
    }

    static func showCivilStatus(_ ctx: AnefContext) throws -> Response {
        let l = try load(ctx)
        guard l.request.isDraft else { return filedRedirect() }
        var data = civilStatusData(ctx, l)
        data["reportField"] = ["id": "f-report", "name": "report", "label": ctx.text("anef.civil.report_label")]
        return ctx.page("anef/civil-status", title: "anef.steps.civil_status", data)
    }

    static func confirmCivilStatus(_ ctx: AnefContext) throws -> Response {
        let l = try load(ctx)
        try ctx.db.transaction { tx in
            guard try AnefRequests.saveDraft(id: l.request.id, [("civil_status_checked_at", Date())], db: tx) else { return }
            try AnefRequests.event(l.request.id, "civil_status_confirmed", actor: "person", db: tx)
        }
        return .redirect(to: "/anef/demande")
    }

    /// The person says OFPRA's record is wrong: kept in the history (what they wrote, dated),
    /// where the prefecture and OFPRA read it; the request can still go on.
    static func reportCivilStatusError(_ ctx: AnefContext) throws -> Response {
        let l = try load(ctx)
        let text = (try ctx.form()["report"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 1000 else {
            var data = civilStatusData(ctx, l)
            data["reportField"] = [
                "id": "f-report", "name": "report", "label": ctx.text("anef.civil.report_label"), "value": String(text.prefix(1000)),
                "error": ctx.text(text.isEmpty ? "form.required" : "form.too_long"),
            ]
            data["errorSummary"] = ["items": [["href": "#f-report", "text": ctx.text(text.isEmpty ? "form.required" : "form.too_long")]]]
            return ctx.page("anef/civil-status", title: "anef.steps.civil_status", data, status: 422)
        }
        try AnefRequests.event(l.request.id, "civil_status_error_reported", actor: "person", detail: text, db: ctx.db)
        return .redirect(to: "/anef/demande/etat-civil?notice=anef_error_reported")
    }

    // MARK: family

    static func familyForm(_ ctx: AnefContext) -> FormView {
        FormView([
            .init(
                name: "marital_status", labelKey: "anef.family_step.marital_status",
                options: [("", ctx.text("form.choose"))]
                    + MaritalStatus.allCases.map { ($0.rawValue, ctx.text("anef.marital.\($0.rawValue)")) }),
            .init(
                name: "spouse_surnames", labelKey: "anef.family_step.spouse_surnames", hintKey: "anef.family_step.spouse_hint",
                required: false),
            .init(name: "spouse_given_names", labelKey: "anef.family_step.spouse_given_names", required: false),
            .init(name: "marriage_date", labelKey: "anef.family_step.marriage_date", type: "date", required: false),
            .init(name: "marriage_place", labelKey: "anef.family_step.marriage_place", required: false),
        ])
    }

    static func childForm() -> FormView {
        FormView([
            .init(name: "child_surnames", labelKey: "anef.family_step.child_surnames"),
            .init(name: "child_given_names", labelKey: "anef.family_step.child_given_names", required: false),
            .init(name: "child_birth_date", labelKey: "anef.family_step.child_birth_date", type: "date"),
        ])
    }

    static func familyPage(_ ctx: AnefContext, _ l: Loaded, family: FormView? = nil, child: FormView? = nil, status: Int = 200) throws
        -> Response
    {
        var f = family ?? familyForm(ctx)
        if family == nil {
            f.values = [
                "marital_status": l.request.maritalStatus?.rawValue ?? "", "spouse_surnames": l.request.spouseSurnames ?? "",
                "spouse_given_names": l.request.spouseGivenNames ?? "", "marriage_date": l.request.marriageDate ?? "",
                "marriage_place": l.request.marriagePlace ?? "",
            ]
        }
        var data = f.context(ctx)
        let c = (child ?? childForm()).context(ctx)
        data["child"] = c["fields"]
        if let s = c["errorSummary"] { data["errorSummary"] = s }
        data["children"] = try AnefRequests.children(l.request.id, db: ctx.db).map {
            [
                "id": $0.id, "name": "\($0.givenNames) \($0.surnames.uppercased())",
                "birth": CivilDate(iso: $0.birthDate).map { VaultText.day($0, ctx) } ?? $0.birthDate,
            ]
        }
        return ctx.page("anef/family", title: "anef.steps.family", data, status: status)
    }

    static func showFamily(_ ctx: AnefContext) throws -> Response {
        let l = try load(ctx)
        guard l.request.isDraft else { return filedRedirect() }
        return try familyPage(ctx, l)
    }

    static func saveFamily(_ ctx: AnefContext) throws -> Response {
        let l = try load(ctx)
        guard l.request.isDraft else { return filedRedirect() }
        var form = familyForm(ctx)
        form.read(try ctx.form())
        let status = MaritalStatus(rawValue: form.values["marital_status"] ?? "")
        if status == nil { form.fail("marital_status", "form.choose") }
        let v = form.values
        var marriage: CivilDate?
        if status?.hasSpouse == true {
            if (v["spouse_surnames"] ?? "").isEmpty { form.fail("spouse_surnames", "form.required") }
            if let typed = v["marriage_date"], !typed.isEmpty {
                marriage = CivilDate(typed: typed)
                if marriage == nil { form.fail("marriage_date", "form.invalid_date") }
            }
        }
        for name in ["spouse_surnames", "spouse_given_names", "marriage_place"] where (v[name]?.count ?? 0) > 200 {
            form.fail(name, "form.too_long")
        }
        guard form.isValid, let status else { return try familyPage(ctx, l, family: form, status: 422) }
        let spouse = status.hasSpouse
        try ctx.db.transaction { tx in
            guard
                try AnefRequests.saveDraft(
                    id: l.request.id,
                    [
                        ("marital_status", status.rawValue), ("spouse_surnames", spouse ? v["spouse_surnames"] : nil),
                        ("spouse_given_names", spouse ? v["spouse_given_names"] : nil), ("marriage_date", spouse ? marriage?.iso : nil),
                        ("marriage_place", spouse ? v["marriage_place"] : nil),
                        // A declaration made for another situation does not carry over.
                        ("declared_not_polygamous", status.needsNonPolygamyDeclaration ? l.request.declaredNotPolygamous : nil),
                    ], db: tx)
            else { return }
            try AnefRequests.event(l.request.id, "family_saved", actor: "person", db: tx)
        }
        return .redirect(to: "/anef/demande")
    }

    static func addChild(_ ctx: AnefContext) throws -> Response {
        let l = try load(ctx)
        guard l.request.isDraft else { return filedRedirect() }
        var form = childForm()
        form.read(try ctx.form())
        let birth = form.values["child_birth_date"].flatMap(CivilDate.init(typed:))
        if birth == nil, !(form.values["child_birth_date"] ?? "").isEmpty { form.fail("child_birth_date", "form.invalid_date") }
        for name in ["child_surnames", "child_given_names"] where (form.values[name]?.count ?? 0) > 200 { form.fail(name, "form.too_long") }
        guard form.isValid, let birth else { return try familyPage(ctx, l, child: form, status: 422) }
        try ctx.db.transaction { tx in
            try AnefRequests.addChild(
                l.request.id, surnames: form.values["child_surnames"]!, givenNames: form.values["child_given_names"] ?? "",
                birthDate: birth, db: tx)
            try AnefRequests.event(l.request.id, "child_added", actor: "person", db: tx)
        }
        return .redirect(to: "/anef/demande/famille#enfants")
    }

    static func removeChild(_ ctx: AnefContext, _ id: Int64) throws -> Response {
        let l = try load(ctx)
        guard l.request.isDraft else { return filedRedirect() }
        let removed = try ctx.db.transaction { tx -> Bool in
            guard try AnefRequests.removeChild(id, request: l.request.id, db: tx) else { return false }
            try AnefRequests.event(l.request.id, "child_removed", actor: "person", db: tx)
            return true
        }
        guard removed else { throw HTTPError.notFound }
        return .redirect(to: "/anef/demande/famille#enfants")
    }

    // MARK: address

    static func addressForm(_ ctx: AnefContext) -> FormView {
        FormView([
            .init(
                name: "address_kind", labelKey: "anef.address.kind", type: "radio",
                options: AddressKind.allCases.map { ($0.rawValue, ctx.text("anef.address_kinds.\($0.rawValue)")) }),
            .init(
                name: "host_name", labelKey: "anef.address.host_name", autocomplete: "off", hintKey: "anef.address.host_hint",
                required: false),
            .init(
                name: "domiciliation_org", labelKey: "anef.address.domiciliation_org", hintKey: "anef.address.domiciliation_hint",
                required: false),
            .init(name: "address_line", labelKey: "anef.address.line", autocomplete: "address-line1"),
            .init(name: "address_complement", labelKey: "anef.address.complement", autocomplete: "address-line2", required: false),
            .init(name: "postcode", labelKey: "anef.address.postcode", autocomplete: "postal-code"),
            .init(name: "city", labelKey: "anef.address.city", autocomplete: "address-level2"),
        ])
    }

    static func addressPage(_ ctx: AnefContext, _ form: FormView, status: Int = 200) -> Response {
        var data = form.context(ctx)
        data["kinds"] = AddressKind.allCases.map { k -> [String: Any] in
            [
                "value": k.rawValue, "label": ctx.text("anef.address_kinds.\(k.rawValue)"),
                "hint": ctx.text("anef.address.kind_hints.\(k.rawValue)"), "checked": form.values["address_kind"] == k.rawValue,
            ]
        }
        return ctx.page("anef/address", title: "anef.steps.address", data, status: status)
    }

    /// A filed request still being handled: the person may correct their address (issue 13, the
    /// person keeps control); each correction is a dated line of the history.
    static func correctable(_ r: PermitRequest) -> Bool { !r.isDraft && PermitRequestState(rawValue: r.state)?.isOpen == true }

    static func showAddress(_ ctx: AnefContext) throws -> Response {
        let l = try load(ctx)
        guard l.request.isDraft || correctable(l.request) else { return filedRedirect() }
        var form = addressForm(ctx)
        let r = l.request
        form.values = [
            "address_kind": r.addressKind?.rawValue ?? "", "host_name": r.hostName ?? "", "domiciliation_org": r.domiciliationOrg ?? "",
            "address_line": r.addressLine ?? "", "address_complement": r.addressComplement ?? "", "postcode": r.postcode ?? "",
            "city": r.city ?? "",
        ]
        return addressPage(ctx, form)
    }

    static func saveAddress(_ ctx: AnefContext) throws -> Response {
        let l = try load(ctx)
        guard l.request.isDraft || correctable(l.request) else { return filedRedirect() }
        var form = addressForm(ctx)
        form.read(try ctx.form())
        let v = form.values
        let kind = AddressKind(rawValue: v["address_kind"] ?? "")
        if kind == nil { form.fail("address_kind", "form.choose") }
        if kind == .hosted, (v["host_name"] ?? "").isEmpty { form.fail("host_name", "form.required") }
        if kind == .domiciliation, (v["domiciliation_org"] ?? "").isEmpty { form.fail("domiciliation_org", "form.required") }
        let postcode = VerificationCode.typedDigits(v["postcode"] ?? "")
        if !(v["postcode"] ?? "").isEmpty, Prefecture(postcode: postcode) == nil { form.fail("postcode", "anef.address.postcode_invalid") }
        for (name, value) in v where value.count > 200 { form.fail(name, "form.too_long") }
        guard form.isValid, let kind else { return addressPage(ctx, form, status: 422) }
        let fields: [(String, PGEncodable?)] = [
            ("address_kind", kind.rawValue), ("host_name", kind == .hosted ? v["host_name"] : nil),
            ("domiciliation_org", kind == .domiciliation ? v["domiciliation_org"] : nil), ("address_line", v["address_line"]),
            ("address_complement", v["address_complement"]), ("postcode", postcode), ("city", v["city"]),
        ]
        let filed = !l.request.isDraft
        try ctx.db.transaction { tx in
            guard
                try filed
                    ? AnefRequests.correct(id: l.request.id, fields, db: tx) : AnefRequests.saveDraft(id: l.request.id, fields, db: tx)
            else { return }
            try AnefRequests.event(
                l.request.id, filed ? "address_corrected" : "address_saved", actor: "person", detail: kind.rawValue, db: tx)
        }
        // The proofs depend on the kind of address: that page comes next.
        return .redirect(to: "/anef/demande/justificatifs")
    }

    // MARK: contacts and languages

    static func contactsPage(_ ctx: AnefContext, selected: [String], message: String, error: String? = nil) -> Response {
        var data: [String: Any] = [
            "email": ctx.account.email, "phone": PhoneNumber(ctx.account.phone)?.masked ?? ctx.account.phone,
            "spoken": SpokenLanguages.all.map { ["code": $0.code, "name": $0.name, "checked": selected.contains($0.code)] },
            "messageLanguages": Language.all.map { ["code": $0.code, "name": $0.nativeName, "selected": $0.code == message] },
        ]
        if let error {
            data["spokenError"] = ctx.text(error)
            data["errorSummary"] = ["items": [["href": "#spoken-fr", "text": ctx.text(error)]]]
        }
        return ctx.page("anef/contacts", title: "anef.steps.contacts", data, status: error == nil ? 200 : 422)
    }

    static func showContacts(_ ctx: AnefContext) throws -> Response {
        let l = try load(ctx)
        guard l.request.isDraft else { return filedRedirect() }
        return contactsPage(ctx, selected: ctx.account.spokenLanguages, message: ctx.account.language)
    }

    static func saveContacts(_ ctx: AnefContext) throws -> Response {
        let l = try load(ctx)
        guard l.request.isDraft else { return filedRedirect() }
        let form = try ctx.form()
        let spoken = SpokenLanguages.all.map(\.code).filter { form.all("spoken").contains($0) }
        let message = Language.named(form["message_language"] ?? "")?.code ?? ctx.account.language
        guard !spoken.isEmpty else { return contactsPage(ctx, selected: [], message: message, error: "anef.contacts.spoken_required") }
        try ctx.db.transaction { tx in
            try AnefAccounts.setLanguages(id: ctx.account.id, message: message, spoken: spoken, db: tx)
            guard try AnefRequests.saveDraft(id: l.request.id, [("contacts_checked_at", Date())], db: tx) else { return }
            try AnefRequests.event(l.request.id, "contacts_saved", actor: "person", detail: spoken.joined(separator: ","), db: tx)
        }
        return .redirect(to: "/anef/demande")
    }

    // MARK: declarations

    static func declarationsPage(_ ctx: AnefContext, _ l: Loaded, truthful: Bool, polygamy: Bool, errors: [String: String] = [:])
        -> Response
    {
        var data: [String: Any] = [
            "askPolygamy": l.request.maritalStatus?.needsNonPolygamyDeclaration == true, "truthful": truthful, "polygamy": polygamy,
        ]
        if !errors.isEmpty {
            for (field, key) in errors { data["\(field)Error"] = ctx.text(key) }
            data["errorSummary"] = [
                "items": errors.sorted { $0.key > $1.key }.map { ["href": "#f-\($0.key)", "text": ctx.text($0.value)] }
            ]
        }
        return ctx.page("anef/declarations", title: "anef.steps.declarations", data, status: errors.isEmpty ? 200 : 422)
    }

    static func showDeclarations(_ ctx: AnefContext) throws -> Response {
        let l = try load(ctx)
        guard l.request.isDraft else { return filedRedirect() }
        return declarationsPage(ctx, l, truthful: l.request.declaredTruthful == true, polygamy: l.request.declaredNotPolygamous == true)
    }

    static func saveDeclarations(_ ctx: AnefContext) throws -> Response {
        let l = try load(ctx)
        guard l.request.isDraft else { return filedRedirect() }
        let form = try ctx.form()
        let truthful = form["truthful"] == "1"
        let polygamy = form["not_polygamous"] == "1"
        let askPolygamy = l.request.maritalStatus?.needsNonPolygamyDeclaration == true
        var errors: [String: String] = [:]
        if !truthful { errors["truthful"] = "anef.declarations.truthful_required" }
        if askPolygamy, !polygamy { errors["not_polygamous"] = "anef.declarations.polygamy_required" }
        guard errors.isEmpty else { return declarationsPage(ctx, l, truthful: truthful, polygamy: polygamy, errors: errors) }
        try ctx.db.transaction { tx in
            guard
                try AnefRequests.saveDraft(
                    id: l.request.id, [("declared_truthful", true), ("declared_not_polygamous", askPolygamy ? true : nil)], db: tx)
            else { return }
            try AnefRequests.event(l.request.id, "declarations_saved", actor: "person", db: tx)
        }
        return .redirect(to: "/anef/demande/recapitulatif")
    }

    // MARK: check your answers, then filing

    static func summaryData(_ ctx: AnefContext, _ l: Loaded) throws -> [String: Any] {
        let r = l.request
        var data = civilStatusData(ctx, l)
        data["number"] = r.number
        data["marital"] = r.maritalStatus.map { ctx.text("anef.marital.\($0.rawValue)") } ?? ""
        data["spouse"] = [r.spouseGivenNames, r.spouseSurnames?.uppercased()].compactMap { $0 }.joined(separator: " ")
        data["children"] = try AnefRequests.children(r.id, db: ctx.db).map { "\($0.givenNames) \($0.surnames.uppercased())" }
        data["addressKind"] = r.addressKind.map { ctx.text("anef.address_kinds.\($0.rawValue)") } ?? ""
        data["host"] = r.hostName ?? ""
        data["organisation"] = r.domiciliationOrg ?? ""
        data["address"] = r.addressLines
        data["email"] = ctx.account.email
        data["phone"] = PhoneNumber(ctx.account.phone)?.masked ?? ctx.account.phone
        data["spoken"] = ctx.account.spokenLanguages.compactMap { SpokenLanguages.find($0)?.name }.joined(separator: ", ")
        data["photo"] =
            r.photoCode != nil
            ? ctx.text("anef.photo.by_code") : (l.draft.currentFiles.contains(.photo) ? ctx.text("anef.photo.uploaded") : "")
        data["files"] = l.files.map { ctx.text("anef.file_kinds.\($0.kind.rawValue)") }
        data["missing"] = l.draft.missingSteps.map { ["href": stepPaths[$0]!, "label": ctx.text("anef.steps.\($0.rawValue)")] }
        data["canFile"] = l.draft.canBeFiled
        return data
    }

    static func showSummary(_ ctx: AnefContext) throws -> Response {
        let l = try load(ctx)
        guard l.request.isDraft else { return filedRedirect() }
        return ctx.page("anef/summary", title: "anef.summary.title", try summaryData(ctx, l))
    }

    /// Files the request and issues the receipt and the attestation, all in one transaction,
    /// with the message that says the attestation is ready. Filing twice files once.
    static func file(_ ctx: AnefContext) throws -> Response {
        let l = try load(ctx)
        guard l.request.isDraft else { return filedRedirect() }
        guard l.draft.canBeFiled, let postcode = l.request.postcode, let prefecture = Prefecture(postcode: postcode) else {
            var data = try summaryData(ctx, l)
            data["errorSummary"] = [
                "items": (data["missing"] as? [[String: Any]] ?? []).map { ["href": $0["href"]!, "text": $0["label"]!] }
            ]
            return ctx.page("anef/summary", title: "anef.summary.title", data, status: 422)
        }
        guard l.protection.kind.filesOnline else { return ctx.page("anef/stateless", title: "anef.stateless.title", status: 409) }
        let today = ParisCalendar.civilDate(of: Date())
        let issuer = AttestationIssuer(key: ctx.app.signingKey, publicURL: ctx.app.config.publicURL)
        let filed = try ctx.db.transaction { tx -> Bool in
            guard try AnefRequests.file(id: l.request.id, department: prefecture.department, db: tx),
                let request = try AnefRequests.find(account: ctx.account.id, db: tx)
            else { return false }
            try AnefRequests.event(request.id, "filed", actor: "person", detail: prefecture.name, db: tx)
            _ = try issuer.issueAtFiling(
                .init(account: ctx.account, protection: l.protection, request: request, prefecture: prefecture), today: today, db: tx)
            try AnefRequests.event(request.id, "receipt_issued", actor: "system", db: tx)
            try AnefRequests.event(request.id, "attestation_issued", actor: "system", db: tx)
            try AnefMessages.attestationReady(ctx.account, request: request, db: tx)
            return true
        }
        ctx.logger.info("anef request \(l.request.id) filed by account \(ctx.account.id)")
        return .redirect(to: "/anef?notice=" + (filed ? "anef_filed" : "anef_already_filed"))
    }

    /// The person withdraws their request (confirmed on the page): dated in the history the
    /// prefecture reads; the attestation is no longer renewed.
    static func withdraw(_ ctx: AnefContext) throws -> Response {
        guard let r = try AnefRequests.find(account: ctx.account.id, db: ctx.db) else { throw HTTPError.notFound }
        guard try ctx.form()["confirm"] == "1" else { return .redirect(to: "/anef?notice=anef_withdraw_confirm#retrait") }
        let moved = try ctx.db.transaction { tx -> Bool in
            guard let current = try PrefectureRequests.lockedState(r.id, db: tx), current.canMove(to: .withdrawn),
                try tx.query(
                    "UPDATE anef_requests SET state = 'withdrawn', updated_at = now() WHERE id = $1 AND state = $2",
                    [r.id, current.rawValue]
                )
                .affectedRows == 1
            else { return false }
            try AnefRequests.event(r.id, "withdrawn", actor: "person", db: tx)
            return true
        }
        return .redirect(to: "/anef?notice=" + (moved ? "anef_withdrawn" : "anef_cannot_withdraw"))
    }
}
