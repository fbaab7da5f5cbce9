import Mustache

/// swift-mustache renders a section for an empty string, which printed stray separators and
/// empty rows ("Agent · ", "( → )"). Page data replace "" with this value: it prints nothing,
/// counts as absent in `{{#x}}`/`{{^x}}`, and, unlike a missing key, never falls back to a
/// parent's value of the same name.
struct BlankValue: MustacheCustomRenderable {
    var renderText: String { "" }
    var isNull: Bool { true }
}

enum PageValues {
    /// Replaces empty strings with `BlankValue`, in nested dictionaries and arrays too.
    static func normalized(_ value: Any) -> Any {
        switch value {
        case let s as String where s.isEmpty:
            return BlankValue()
        case let dict as [String: Any]:
            return dict.mapValues(normalized)
        case let array as [[String: Any]]:
            return array.map { $0.mapValues(normalized) }
        case let array as [Any]:
            return array.map(normalized)
        default:
            return value
        }
    }
}
