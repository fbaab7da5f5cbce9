/// A guichet unique (GUDA), where a prefecture registers asylum applications.
/// `id` is the stable key stored in the database; `displayName` is the town as written in French.
public struct GudaSite: Hashable, Sendable, Identifiable {
    public let id: String
    public let displayName: String
    /// First registration day covered by the digital space; nil for overseas sites,
    /// which the scheme never covers.
    public let inScopeFrom: CivilDate?

    public var isOverseas: Bool { inScopeFrom == nil }

    /// Pioneer sites (Brittany and Nouvelle-Aquitaine).
    public static let pioneerStart = CivilDate(year: 2020, month: 7, day: 15)!
    /// Every other metropolitan site.
    public static let generalStart = CivilDate(year: 2022, month: 5, day: 2)!

    public static let all: [GudaSite] = pioneers + otherMetropolitan + overseas

    public static func find(id: String) -> GudaSite? {
        byID[id.lowercased()]
    }

    private static let byID: [String: GudaSite] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    private static let pioneers: [GudaSite] = [
        ("rennes", "Rennes"), ("bordeaux", "Bordeaux"), ("poitiers", "Poitiers"), ("limoges", "Limoges"),
    ].map { GudaSite(id: $0.0, displayName: $0.1, inScopeFrom: pioneerStart) }

    private static let otherMetropolitan: [GudaSite] = [
        ("clermont-ferrand", "Clermont-Ferrand"), ("lyon", "Lyon"), ("grenoble", "Grenoble"),
        ("dijon", "Dijon"), ("besancon", "Besançon"), ("macon", "Mâcon"), ("orleans", "Orléans"),
        ("marseille", "Marseille"), ("chalons-en-champagne", "Châlons-en-Champagne"), ("metz", "Metz"),
        ("strasbourg", "Strasbourg"), ("colmar", "Colmar"), ("lille", "Lille"), ("beauvais", "Beauvais"),
        ("paris", "Paris"), ("melun", "Melun"), ("versailles", "Versailles"), ("evry", "Évry"),
        ("nanterre", "Nanterre"), ("bobigny", "Bobigny"), ("creteil", "Créteil"),
        ("cergy-pontoise", "Cergy-Pontoise"), ("caen", "Caen"), ("rouen", "Rouen"),
        ("toulouse", "Toulouse"), ("montpellier", "Montpellier"), ("nantes", "Nantes"),
        ("angers", "Angers"), ("nice", "Nice"),
    ].map { GudaSite(id: $0.0, displayName: $0.1, inScopeFrom: generalStart) }

    private static let overseas: [GudaSite] = [
        ("cayenne", "Cayenne"), ("mayotte", "Mayotte"), ("la-reunion", "La Réunion"),
        ("guadeloupe", "Guadeloupe"), ("martinique", "Martinique"),
    ].map { GudaSite(id: $0.0, displayName: $0.1, inScopeFrom: nil) }
}
