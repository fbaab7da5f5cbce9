import Domain
import Foundation
import HTTP
import Security

/// `/verifier`: anyone (an employer, a bank, the CAF) checks an attestation or a receipt from
/// its barcode's link or its pasted text. The signature is checked against our published key,
/// then the document's state is read: valid, expired, replaced by a renewal, or revoked. Only
/// what a checker compares with an ID is shown.
enum VerifierRoutes {
    static func register(_ routes: inout Routes) {
        routes.add(.get, "/verifier", show)
        routes.add(.post, "/verifier", submit)
        routes.add(.get, "/verifier/cles", keys)
    }

    /// Why a text is refused (all say "do not accept this document"; the reason helps support).
    enum Problem: String, CaseIterable {
        case unreadable
        case unknownKey = "unknown_key"
        case badSignature = "bad_signature"
        case unknownDocument = "unknown_document"
    }

    static func show(_ ctx: RequestContext) throws -> Response {
        guard let text = ctx.request.query["d"], !text.isEmpty else { return ctx.page("verifier/form", title: "verifier.title") }
        return try verify(text, ctx)
    }

    static func submit(_ ctx: RequestContext) throws -> Response {
        var text = (try ctx.form()["payload"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        // A pasted link works as well as the text it carries.
        if let range = text.range(of: "?d=") {
            text = (try? FormData.percentDecode(Array(text[range.upperBound...].utf8), plusAsSpace: false)) ?? text
        }
        guard !text.isEmpty else {
            return ctx.page(
                "verifier/form", title: "verifier.title",
                [
                    "error": ctx.text("form.required"),
                    "errorSummary": ["items": [["href": "#f-payload", "text": ctx.text("form.required")]]],
                ], status: 422)
        }
        return try verify(text, ctx)
    }

    static func refuse(_ problem: Problem, _ ctx: RequestContext) -> Response {
        ctx.logger.notice("verifier refused a document: \(problem.rawValue)")
        return ctx.page(
            "verifier/result", title: "verifier.title", ["refused": ctx.text("verifier.problems.\(problem.rawValue)")], status: 422)
    }

    static func verify(_ text: String, _ ctx: RequestContext) throws -> Response {
        guard text.utf8.count <= 2000, let (doc, message, signature) = try? TwoDDoc.parse(text) else { return refuse(.unreadable, ctx) }
        guard doc.header.authority == AttestationIssuer.authority,
            let key = try SigningKeys.find(doc.header.certificate, db: ctx.db)
        else { return refuse(.unknownKey, ctx) }
        guard DocumentSignature.isValid(signature, of: Array(message.utf8), publicKeyPEM: key.publicKeyPEM) else {
            return refuse(.badSignature, ctx)
        }
        let isReceipt = doc.header.documentType == AttestationIssuer.DocumentType.receipt.rawValue
        let number = (isReceipt ? "REC-" : "") + (doc.value("AN") ?? "")
        // Signed by us, and the very text we issued under that number.
        guard let issued = try Attestations.find(number: number, db: ctx.db), issued.barcode == text else {
            return refuse(.unknownDocument, ctx)
        }
        let today = ParisCalendar.civilDate(of: Date())
        let status = issued.status(today: today)
        var data: [String: Any] = [
            "document": ctx.text(isReceipt ? "verifier.receipt" : "verifier.attestation"), "number": issued.number,
            "status": ctx.text(DomainText.key(status)), "statusCode": status.rawValue, "ok": status == .valid,
            "surnames": doc.value("NM") ?? "", "givenNames": doc.value("PN") ?? "",
            "birthDate": doc.value("DN").flatMap(TwoDDoc.civilDate(ddmmyyyy:)).map { VaultText.day($0, ctx) } ?? "",
            "validFrom": VaultText.day(issued.validFrom, ctx),
            "validUntil": issued.validUntil.map { VaultText.day($0, ctx) } ?? "",
            "receipt": isReceipt,
        ]
        if let standing = doc.value("ST").flatMap(AttestationStanding.init(barcodeCode:)) {
            data["standing"] = ctx.text("anef.standings.\(standing.rawValue)")
        }
        data["work"] = doc.value("TR") == "1" && status == .valid
        return ctx.page("verifier/result", title: "verifier.title", data)
    }

    static func keys(_ ctx: RequestContext) throws -> Response {
        let rows = try SigningKeys.all(db: ctx.db).map { k -> [String: Any] in
            [
                "id": k.certificateId, "pem": k.publicKeyPEM, "since": DisplayFormat.dateTime(k.firstUsedAt, ctx.language),
                "retired": k.retiredAt.map { DisplayFormat.dateTime($0, ctx.language) } ?? "",
            ]
        }
        return ctx.page("verifier/keys", title: "verifier.keys.title", ["keys": rows, "authority": AttestationIssuer.authority])
    }
}
