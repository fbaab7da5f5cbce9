/// What an official letter says; `LetterRenderer` decides how it looks. Every field is printed
/// as given (include "Réf. :" or "Objet :" in the text if wanted); a "\n" in `heading`, `title`,
/// a paragraph or `signature` starts a new line.
public struct Letter: Sendable, Equatable, Hashable {
    /// Sender block, top left (institution, department, address).
    public var heading: String
    /// File or letter reference, under the heading and in the footer of every page.
    public var reference: String
    /// Place and date as it should read, e.g. "Fontenay-sous-Bois, le 3 mars 2025".
    public var date: String
    /// Addressee block, right column.
    public var recipientLines: [String]
    /// Subject line, in bold above the body.
    public var title: String
    public var paragraphs: [String]
    /// Signature block, bottom right.
    public var signature: String

    public init(
        heading: String, reference: String, date: String, recipientLines: [String],
        title: String, paragraphs: [String], signature: String
    ) {
        self.heading = heading
        self.reference = reference
        self.date = date
        self.recipientLines = recipientLines
        self.title = title
        self.paragraphs = paragraphs
        self.signature = signature
    }
}
