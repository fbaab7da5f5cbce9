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

    /// Picks a language from an Accept-Language header, honouring q-values.
    public static func negotiate(acceptLanguage header: String) -> Language? {
        var best: (Language, Double)?
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";")
            let tag = parts[0].trimmingSpacesAndLowercased()
            var q = 1.0
            for p in parts.dropFirst() {
                let kv = p.split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0].trimmingSpacesAndLowercased() == "q" { q = Double(kv[1].trimmingSpacesAndLowercased()) ?? 0 }
            }
            let primary = String(tag.split(separator: "-").first ?? "")
            guard q > 0, let lang = named(primary) else { continue }
            if best == nil || q > best!.1 { best = (lang, q) }
        }
        return best?.0
    }
}

extension Substring {
    func trimmingSpacesAndLowercased() -> String {
        String(self).trimmingCharacters(in: .whitespaces).lowercased()
    }
}

import Foundation
