import Foundation
import HTTP

/// Step 3: the GUDA data reach OFPRA, which opens the space (and may attach its file number).
enum OfpraSpaceRoutes {
    static func register(_ routes: inout Routes) {
        routes.staff("/agents/ofpra/espaces") { g in
            g.get("", queue)
            g.post("/:id", open)
        }
    }

    static func queue(_ ctx: StaffContext) throws -> Response {
        try Audit.record(ctx, "view_space_queue")
        let people = try Applicants.awaitingSpace(db: ctx.db).map { a -> [String: Any] in
            [
                "id": a.id, "name": a.fullName, "agdref": a.agdref ?? "",
                "registered": a.registeredAt.map { DisplayFormat.dateTime($0, ctx.language) } ?? "",
            ]
        }
        return ctx.page("agents/ofpra-spaces", title: "ofpra.spaces_title", ["people": people, "hasPeople": !people.isEmpty])
    }

    static func open(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let form = try ctx.form()
        let number = (form["ofpra_number"] ?? "").filter { !$0.isWhitespace }
        if !number.isEmpty && (number.count > 20 || !number.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })) {
            return .redirect(to: "/agents/ofpra/espaces?notice=ofpra_number_invalid")
        }
        let opened = try ctx.db.transaction { tx in
            guard try Applicants.openSpace(id: id, ofpraNumber: number.isEmpty ? nil : number, db: tx) else { return false }
            try Audit.record(ctx, "open_space", applicant: id, db: tx)
            return true
        }
        if opened { ctx.logger.info("space of applicant \(id) opened by staff \(ctx.staff.id)") }
        return .redirect(to: "/agents/ofpra/espaces?notice=\(opened ? "space_opened" : "space_already_open")")
    }
}
