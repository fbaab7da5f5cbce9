import Foundation

/// A language the interface is offered in. Adding one = a catalogue file + an entry here.
public struct Language: Sendable, Equatable {
    public let code: String
    /// The language's own name, shown in the switcher.
    public let nativeName: String
    public let rightToLeft: Bool

    public var dir: String { rightToLeft ? "rtl" : "ltr" }

    public static let french = Language(code: "fr", nativeName: "Français", rightToLeft: false)
    public static let english = Language(code: "en", nativeName: "English", rightToLeft: false)
    public static let arabic = Language(code: "ar", nativeName: "العربية", rightToLeft: true)

    /// French first: it is the language of the procedure.
    public static let supported: [Language] = [.french, .english, .arabic]

    public static func named(_ code: String) -> Language? {
        supported.first { $0.code == code.lowercased() }
    }

    /// Picks a language from an Accept-Language header, honouring q-values. The header is
    /// whatever the client sent (`;`, `,,`, `q=nan`): odd items are skipped, never trusted.
    public static func negotiate(acceptLanguage header: String) -> Language? {
        var best: (language: Language, q: Double)?
        for item in header.split(separator: ",") {
            // Keeps empty pieces so `;fr` is an empty tag, not the tag `fr`.
            let parts = item.split(separator: ";", omittingEmptySubsequences: false)
            guard let tag = parts.first?.trimmingSpacesAndLowercased(), !tag.isEmpty else { continue }
            var q = 1.0
            for p in parts.dropFirst() {
                let kv = p.split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0].trimmingSpacesAndLowercased() == "q" { q = Double(kv[1].trimmingSpacesAndLowercased()) ?? 0 }
            }
            // RFC 9110 weights are 0...1; anything else (nan, inf, -1) counts as "not acceptable".
            guard q > 0, q <= 1, let primary = tag.split(separator: "-").first, let lang = named(String(primary))
            else { continue }
            if best.map({ q > $0.q }) ?? true { best = (lang, q) }
        }
        return best?.language
    }
}

extension Substring {
    func trimmingSpacesAndLowercased() -> String {
        String(self).trimmingCharacters(in: .whitespaces).lowercased()
    }
}
