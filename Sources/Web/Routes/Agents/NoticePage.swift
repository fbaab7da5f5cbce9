import Foundation
import HTTP
import I18n
import Postgres

/// The printable notice handed over at the GUDA (or by the structure after a key recovery):
/// identifiers, the one-time key, how and when to connect, where to get help — in French and
/// in the person's language. It is the only place the key is ever shown.
enum NoticePage {
    static func render(_ ctx: StaffContext, _ person: Applicant, key: String, db: PGConnection) throws -> Response {
        let french = ctx.app.catalogues[.french]
        let own = ctx.app.catalogues[SpokenLanguages.interfaceLanguage(for: person.language)]
        let spada = try Structures.find(id: person.spadaId, db: db)
        var data: [String: Any] = [
            "fr": french.tree,
            "agdref": person.agdref ?? "",
            "ofpraNumber": person.ofpraNumber ?? "",
            "name": person.fullName,
            "key": key,
            "url": ctx.app.config.publicURL + "/usager/activation",
            "issued": DisplayFormat.dateTime(Date(), .french),
            "spada": spada.map { ["name": $0.name, "address": $0.address, "city": $0.city, "phone": $0.phone] } as Any,
        ]
        if own.language != .french {
            // `text`, not `t`: the page's `{{t.…}}` are the agent's language, compiled in.
            data["own"] = [
                "text": own.tree, "lang": own.language.code, "dir": own.language.dir,
                "issued": DisplayFormat.dateTime(Date(), own.language),
            ]
        }
        return ctx.page("agents/notice", title: "notice.title", data)
    }
}
