import Domain
import Foundation
import HTTP
import I18n
import Outbox

/// The person keeps their e-mail and phone current (the prefecture writes and convokes there): a
/// new one is used only once the code sent to it comes back; the change is in the history.
enum AnefContactRoutes {
    static func register(_ routes: inout Routes) {
        routes.anef("/anef/coordonnees") { g in
            g.get("", show)
            g.post("/email", changeEmail)
            g.post("/telephone", changePhone)
            g.post("/confirmer", confirm)
        }
    }

    static func page(_ ctx: AnefContext, error: (field: String, key: String)? = nil, value: String = "") throws -> Response {
        var data: [String: Any] = [
            "email": ctx.account.email.isEmpty ? "—" : ctx.account.email,
            "phone": ctx.account.phone.isEmpty ? "—" : (PhoneNumber(ctx.account.phone)?.masked ?? ctx.account.phone),
        ]
        if let t = try AnefCodes.pendingTarget(account: ctx.account.id, purpose: .changeEmail, db: ctx.db) { data["pendingEmail"] = t }
        if let t = try AnefCodes.pendingTarget(account: ctx.account.id, purpose: .changePhone, db: ctx.db) {
            data["pendingPhone"] = PhoneNumber(t)?.masked ?? t
        }
        if let error {
            data["\(error.field)Error"] = ctx.text(error.key)
            data["\(error.field)Value"] = value
            data["errorSummary"] = ["items": [["href": "#f-\(error.field)", "text": ctx.text(error.key)]]]
        }
        return ctx.page("anef/contacts-change", title: "anef.contacts_change.title", data, status: error == nil ? 200 : 422)
    }

    static func show(_ ctx: AnefContext) throws -> Response { try page(ctx) }

    static let codesPerHour = 4

    static func send(_ ctx: AnefContext, _ purpose: AnefCodes.Purpose, to target: String, channel: Channel) throws -> Bool {
        try ctx.db.transaction { tx -> Bool in
            guard try AnefCodes.issuedInLastHour(account: ctx.account.id, purpose: purpose, db: tx) < codesPerHour else { return false }
            let code = try AnefCodes.issue(account: ctx.account.id, purpose: purpose, target: target, secret: ctx.app.config.secret, db: tx)
            try Outbox.enqueue(
                OutboxMessage(
                    channel: channel, recipient: target, template: "anef_code", language: Language.orFrench(ctx.account.language).code,
                    params: ["code": code.digits], subjectRef: "anef:\(ctx.account.id)"), in: tx)
            return true
        }
    }

    static func changeEmail(_ ctx: AnefContext) throws -> Response {
        let typed = (try ctx.form()["new_email"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let email = EmailAddress(typed) else {
            return try page(
                ctx, error: ("new_email", typed.isEmpty ? "form.required" : "form.invalid_email"), value: String(typed.prefix(200)))
        }
        guard try send(ctx, .changeEmail, to: email.value, channel: .email) else {
            return try page(ctx, error: ("new_email", "anef.contacts_change.too_many"), value: email.value)
        }
        return .redirect(to: "/anef/coordonnees?notice=anef_code_sent#confirmer")
    }

    static func changePhone(_ ctx: AnefContext) throws -> Response {
        let typed = (try ctx.form()["new_phone"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let phone = PhoneNumber(typed), phone.canReceiveSMS else {
            return try page(
                ctx, error: ("new_phone", typed.isEmpty ? "form.required" : "form.phone_not_mobile"), value: String(typed.prefix(40)))
        }
        guard try send(ctx, .changePhone, to: phone.e164, channel: .sms) else {
            return try page(ctx, error: ("new_phone", "anef.contacts_change.too_many"), value: typed)
        }
        return .redirect(to: "/anef/coordonnees?notice=anef_code_sent#confirmer")
    }

    static func confirm(_ ctx: AnefContext) throws -> Response {
        let form = try ctx.form()
        let purpose: AnefCodes.Purpose = form["channel"] == "sms" ? .changePhone : .changeEmail
        let secret = ctx.app.config.secret
        let result = try ctx.db.transaction { tx -> AnefCodes.Check in
            guard let target = try AnefCodes.pendingTarget(account: ctx.account.id, purpose: purpose, db: tx) else { return .expired }
            let check = try AnefCodes.check(form["code"] ?? "", account: ctx.account.id, purpose: purpose, secret: secret, db: tx)
            guard check == .valid else { return check }
            try AnefAccounts.setContact(
                id: ctx.account.id, email: purpose == .changeEmail ? target : nil, phone: purpose == .changePhone ? target : nil, db: tx)
            try AnefAccounts.event("contact_changed", account: ctx.account.id, address: ctx.request.remoteAddress, db: tx)
            if let r = try AnefRequests.find(account: ctx.account.id, db: tx) {
                try AnefRequests.event(
                    r.id, "contacts_corrected", actor: "person", detail: purpose == .changeEmail ? "email" : "sms", db: tx)
            }
            return .valid
        }
        switch result {
        case .valid: return .redirect(to: "/anef/coordonnees?notice=anef_contact_changed")
        case .wrong: return try page(ctx, error: ("code", "usager.contacts.code_wrong"))
        case .expired: return try page(ctx, error: ("code", "usager.contacts.code_expired"))
        }
    }
}
