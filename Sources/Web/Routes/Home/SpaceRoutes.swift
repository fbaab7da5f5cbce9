import HTTP

/// Landing pages of the four spaces: who each is for and how to get in.
enum SpaceRoutes {
    static let spaces = ["usager", "pro", "agents", "anef"]

    static func register(_ routes: inout Routes) {
        // `/anef` is AnefSpaceRoutes': the landing for visitors, the request for a logged-in account.
        for space in spaces where space != "anef" {
            routes.add(.get, "/" + space) { ctx in landing(space, ctx) }
        }
    }

    static func landing(_ space: String, _ ctx: RequestContext) -> Response {
        let steps = (1...3).compactMap { i -> String? in
            let key = "spaces.\(space).step\(i)"
            return ctx.catalogue.flat[key] == nil ? nil : ctx.text(key)
        }
        let staffLogin = space == "pro" || space == "agents"
        return ctx.page(
            "space", title: "spaces.\(space).title",
            [
                "space": space,
                "heading": ctx.text("spaces.\(space).title"),
                "who": ctx.text("spaces.\(space).who"),
                "intro": ctx.text("spaces.\(space).intro"),
                "steps": steps,
                "help": ctx.text("spaces.\(space).help"),
                "staffLogin": staffLogin,
                "applicantLogin": space == "usager",
                "anefLogin": space == "anef",
            ])
    }
}
