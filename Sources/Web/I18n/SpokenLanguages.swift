import I18n

/// Languages applicants speak (for the notice, messages and interpreters), named in their own
/// script. Wider than the interface's languages: a message in an unsupported one falls back to French.
public enum SpokenLanguages {
    public struct Entry: Sendable {
        public let code: String
        public let name: String
    }

    public static let all: [Entry] = [
        .init(code: "fr", name: "Français"), .init(code: "en", name: "English"), .init(code: "ar", name: "العربية"),
        .init(code: "prs", name: "دری (Dari)"), .init(code: "ps", name: "پښتو (Pashto)"), .init(code: "ti", name: "ትግርኛ (Tigrinya)"),
        .init(code: "bn", name: "বাংলা (Bengali)"), .init(code: "tr", name: "Türkçe"), .init(code: "ka", name: "ქართული (Georgian)"),
        .init(code: "ru", name: "Русский"), .init(code: "so", name: "Soomaali"), .init(code: "ur", name: "اردو (Urdu)"),
        .init(code: "fa", name: "فارسی (Persian)"), .init(code: "ku", name: "Kurdî"), .init(code: "es", name: "Español"),
        .init(code: "pt", name: "Português"), .init(code: "sq", name: "Shqip"), .init(code: "uk", name: "Українська"),
        .init(code: "ln", name: "Lingála"), .init(code: "wo", name: "Wolof"),
    ]

    public static func find(_ code: String) -> Entry? { all.first { $0.code == code } }

    /// The interface language closest to a spoken one (messages, notices).
    public static func interfaceLanguage(for code: String) -> Language {
        Language.named(code) ?? .french
    }
}
