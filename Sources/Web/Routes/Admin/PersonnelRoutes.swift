import Domain
import HTTP
import Postgres
import Security

/// Administrators create structures (SPADA, CADA, HUDA, GUDA sites, OFII offices) and staff accounts.
enum PersonnelRoutes {
    static func register(_ routes: inout Routes) {
        routes.staff("/admin") { g in
            g.get("/personnel", show)
            g.post("/structures", createStructure)
            g.post("/personnel", createStaff)
        }
    }

    static func structureForm(_ ctx: StaffContext) -> FormView {
        FormView([
            .init(
                name: "kind", labelKey: "admin.personnel.kind",
                options: Structure.Kind.allCases.map { ($0.rawValue, ctx.text("structures.\($0.rawValue)")) }),
            .init(name: "name", labelKey: "admin.personnel.structure_name"),
            .init(name: "city", labelKey: "admin.personnel.city"),
            .init(name: "address", labelKey: "admin.personnel.address", required: false),
            .init(name: "phone", labelKey: "admin.personnel.phone", type: "tel", required: false),
            // A GUDA's own site; for a SPADA, the site where the people it enrols register.
            .init(
                name: "guda_site", labelKey: "admin.personnel.guda_site", hintKey: "admin.personnel.guda_site_hint",
                required: false, options: [("", ctx.text("admin.personnel.no_guda_site"))] + GudaSite.all.map { ($0.id, $0.displayName) }),
            // A prefecture instructs the ANEF requests of one department.
            .init(
                name: "department", labelKey: "admin.personnel.department", hintKey: "admin.personnel.department_hint",
                required: false),
        ])
    }

    static func staffForm(_ ctx: StaffContext, structures: [Structure]) -> FormView {
        FormView([
            .init(name: "email", labelKey: "admin.personnel.email", type: "email", autocomplete: "off"),
            .init(name: "display_name", labelKey: "admin.personnel.display_name"),
            .init(
                name: "role", labelKey: "admin.personnel.role",
                options: Role.allCases.map { ($0.rawValue, ctx.text("roles.\($0.rawValue)")) }),
            .init(
                name: "structure", labelKey: "admin.personnel.structure", required: false,
                options: [("", ctx.text("admin.personnel.no_structure"))]
                    + structures.map { (String($0.id), "\(ctx.text("structures.\($0.kind.rawValue)")) · \($0.name)") }),
            .init(
                name: "password", labelKey: "admin.personnel.password", type: "password",
                autocomplete: "new-password", hintKey: "admin.personnel.password_hint", keepValue: false),
        ])
    }

    static func show(_ ctx: StaffContext) throws -> Response {
        let structures = try Structures.all(ctx.db)
        return try render(ctx, structureForm: structureForm(ctx), staffForm: staffForm(ctx, structures: structures))
    }

    static func render(_ ctx: StaffContext, structureForm: FormView, staffForm: FormView, status: Int = 200) throws -> Response {
        let structures = try Structures.all(ctx.db)
        let byId = Dictionary(uniqueKeysWithValues: structures.map { ($0.id, $0) })
        let staff = try StaffAccounts.all(ctx.db).map { s -> [String: Any] in
            [
                "email": s.email, "name": s.displayName, "role": ctx.text("roles.\(s.role.rawValue)"),
                "structure": s.structureId.flatMap { byId[$0]?.name } ?? "",
            ]
        }
        var data: [String: Any] = [
            "structures": structures.map {
                [
                    "kind": ctx.text("structures.\($0.kind.rawValue)"), "name": $0.name, "city": $0.city,
                    "site": $0.gudaSite.flatMap(GudaSite.find)?.displayName ?? "",
                ]
            },
            "staff": staff,
            "structureForm": structureForm.context(ctx),
            "staffForm": staffForm.context(ctx),
        ]
        // One error summary for the page, whichever form failed.
        if let summary = (structureForm.context(ctx)["errorSummary"] ?? staffForm.context(ctx)["errorSummary"]) {
            data["errorSummary"] = summary
        }
        return ctx.page("admin/personnel", title: "admin.personnel.title", data, status: status)
    }

    static func createStructure(_ ctx: StaffContext) throws -> Response {
        var form = structureForm(ctx)
        form.read(try ctx.form())
        let kind = Structure.Kind(rawValue: form.values["kind"] ?? "")
        if kind == nil { form.fail("kind", "form.choose") }
        let site = GudaSite.find(id: form.values["guda_site"] ?? "")
        if !(form.values["guda_site"] ?? "").isEmpty && site == nil { form.fail("guda_site", "form.choose") }
        // GUDA agents act only on people of their site: a GUDA and a SPADA must name one.
        if (kind == .guda || kind == .spada) && site == nil { form.fail("guda_site", "admin.personnel.guda_site_required") }
        let department = Prefecture(department: (form.values["department"] ?? "").uppercased())?.department
        if kind == .prefecture && department == nil { form.fail("department", "admin.personnel.department_required") }
        guard form.isValid, let kind else {
            return try render(ctx, structureForm: form, staffForm: staffForm(ctx, structures: try Structures.all(ctx.db)), status: 422)
        }
        try Structures.upsert(
            kind: kind, name: form.values["name"]!, city: form.values["city"]!,
            address: form.values["address"] ?? "", phone: form.values["phone"] ?? "",
            gudaSite: kind == .guda || kind == .spada ? site?.id : nil, department: kind == .prefecture ? department : nil,
            db: ctx.db)
        return .redirect(to: "/admin/personnel?notice=structure_saved")
    }

    static func createStaff(_ ctx: StaffContext) throws -> Response {
        let structures = try Structures.all(ctx.db)
        var form = staffForm(ctx, structures: structures)
        let submitted = try ctx.form()
        form.read(submitted)
        let email = EmailAddress(form.values["email"] ?? "")
        let role = Role(rawValue: form.values["role"] ?? "")
        let structureId = Int64(form.values["structure"] ?? "")
        let password = submitted["password"] ?? ""
        if email == nil && !(form.values["email"] ?? "").isEmpty { form.fail("email", "form.invalid_email") }
        if role == nil { form.fail("role", "form.choose") }
        if !password.isEmpty && password.count < 12 { form.fail("password", "admin.personnel.password_hint") }
        if let role, role.isProfessional || role == .gudaAgent || role == .ofiiAgent {
            // These roles act for one structure: record-level checks depend on it.
            if structureId.flatMap({ id in structures.first { $0.id == id } }) == nil {
                form.fail("structure", "admin.personnel.structure_required")
            }
        }
        guard form.isValid, let email, let role else {
            return try render(ctx, structureForm: structureForm(ctx), staffForm: form, status: 422)
        }
        try ctx.db.transaction { tx in
            let account = try StaffAccounts.upsert(
                email: email, displayName: form.values["display_name"]!, role: role,
                structureId: structureId, password: password, hasher: .interactive, db: tx)
            // A new password ends every session opened with the old one, and lifts a lock.
            try ctx.app.sessions.endAll(subject: .staff, id: account.id, db: tx)
            try StaffCredentials.liftLock(of: account, secret: ctx.app.config.secret, db: tx)
            try AuthEvents.record(
                "password_set_by_admin", staff: account.id, by: .staff(ctx.staff.id),
                address: ctx.request.remoteAddress, db: tx)
        }
        ctx.logger.info("staff account \(email) (\(role.rawValue)) saved by admin \(ctx.staff.id)")
        return .redirect(to: "/admin/personnel?notice=staff_saved")
    }
}
