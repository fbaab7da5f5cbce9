import Domain
import Foundation
import HTTP
import Outbox

/// "I could not do it online" (Conseil d'État, 3 June 2022: an online-only procedure needs a
/// substitute): anyone, with or without an account, reports what they tried and saw; the report
/// is a dated ticket in the queue of their department's prefecture until an instructor answers.
enum BlockageRoutes {
    static func register(_ routes: inout Routes) {
        routes.add(.get, "/anef/signaler-un-blocage", show)
        routes.add(.post, "/anef/signaler-un-blocage", submit)
    }

    static func form() -> FormView {
        FormView([
            .init(name: "name", labelKey: "anef.blockage.name", autocomplete: "name"),
            .init(name: "contact", labelKey: "anef.blockage.contact", hintKey: "anef.blockage.contact_hint"),
            .init(name: "identifier", labelKey: "anef.blockage.identifier", required: false),
            .init(name: "postcode", labelKey: "anef.address.postcode", autocomplete: "postal-code", hintKey: "anef.blockage.postcode_hint"),
            .init(name: "tried", labelKey: "anef.blockage.tried"),
            .init(name: "saw", labelKey: "anef.blockage.saw"),
            .init(name: "with_structure", labelKey: "anef.blockage.with_structure", required: false),
        ])
    }

    static func page(_ ctx: RequestContext, _ f: FormView, status: Int = 200, screenshotError: String? = nil) -> Response {
        var data = f.context(ctx)
        if let screenshotError {
            data["screenshotError"] = ctx.text(screenshotError)
            if data["errorSummary"] == nil {
                data["errorSummary"] = ["items": [["href": "#f-screenshot", "text": ctx.text(screenshotError)]]]
            }
        }
        return ctx.page("anef/blockage", title: "anef.blockage.title", data, status: status)
    }

    static func show(_ ctx: RequestContext) throws -> Response { page(ctx, form()) }

    static func submit(_ ctx: RequestContext) throws -> Response {
        var f = form()
        f.read(try ctx.form())
        let v = f.values
        for (name, value) in v where value.count > (name == "tried" || name == "saw" ? 2000 : 200) { f.fail(name, "form.too_long") }
        var contact: String?
        if let e = EmailAddress(v["contact"] ?? "") {
            contact = e.value
        } else if let p = PhoneNumber(v["contact"] ?? ""), p.canReceiveSMS {
            contact = p.e164
        } else if !(v["contact"] ?? "").isEmpty {
            f.fail("contact", "anef.blockage.contact_invalid")
        }
        let prefecture = Prefecture(postcode: VerificationCode.typedDigits(v["postcode"] ?? ""))
        if prefecture == nil, !(v["postcode"] ?? "").isEmpty { f.fail("postcode", "anef.address.postcode_invalid") }
        // An optional screenshot, checked and re-encoded like every image.
        var screenshot: (type: String, bytes: [UInt8])?
        if let part = try ctx.optionalParts().first(where: { $0.name == "screenshot" && !($0.filename ?? "").isEmpty }), !part.body.isEmpty
        {
            switch PermitUploads.check(part.body, as: .requestedDocument) {
            case .success(let a) where a.contentType != "application/pdf": screenshot = (a.contentType, a.bytes)
            case .success: return page(ctx, f, status: 422, screenshotError: "anef.blockage.screenshot_image")
            case .failure(let refusal): return page(ctx, f, status: 422, screenshotError: refusal.key)
            }
        }
        guard f.isValid, let contact, let prefecture else { return page(ctx, f, status: 422) }
        let address = ctx.request.remoteAddress
        if case .wait(let s) = try AddressThrottle.decision(scope: "anef-blockage", address: address, db: ctx.db) {
            return ctx.throttledPage("anef/blockage", title: "anef.blockage.title", f, field: "name", seconds: s)
        }
        let reference = try ctx.db.transaction { tx -> UUID in
            // Every report counts: the form writes to a queue someone must read.
            try AddressThrottle.recordFailure(scope: "anef-blockage", address: address, db: tx)
            return try BlockageReports.create(
                .init(
                    department: prefecture.department, name: v["name"]!, contact: contact,
                    identifier: (v["identifier"] ?? "").isEmpty ? nil : v["identifier"], tried: v["tried"]!, saw: v["saw"]!,
                    withStructure: (v["with_structure"] ?? "").isEmpty ? nil : v["with_structure"], screenshot: screenshot), db: tx)
        }
        return ctx.page(
            "anef/blockage-sent", title: "anef.blockage.title",
            ["reference": String(reference.uuidString.prefix(8)).uppercased(), "prefecture": prefecture.name])
    }
}
