/// A one-page acknowledgement: a title, label/value rows, and a closing note.
public struct Receipt: Sendable, Equatable, Hashable {
    public struct Line: Sendable, Equatable, Hashable {
        public var label: String
        public var value: String
        public init(label: String, value: String) {
            self.label = label
            self.value = value
        }
    }

    public var title: String
    public var lines: [Line]
    public var footer: String

    public init(title: String, lines: [Line], footer: String) {
        self.title = title
        self.lines = lines
        self.footer = footer
    }

    /// Rows as (label, value) pairs, handy for literals.
    public init(title: String, rows: [(label: String, value: String)], footer: String) {
        self.init(title: title, lines: rows.map { Line(label: $0.label, value: $0.value) }, footer: footer)
    }
}
