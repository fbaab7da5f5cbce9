import Foundation
import PDF

enum Fixtures {
    /// Fixed so repeated renders are byte-for-byte comparable.
    static let date = Date(timeIntervalSince1970: 1_740_000_000)

    static let decision = Letter(
        heading: "Office français de protection des réfugiés et apatrides\n201 rue Carnot\n94136 Fontenay-sous-Bois Cedex",
        reference: "Réf. : OFPRA 2024-123456",
        date: "Fontenay-sous-Bois, le 3 mars 2025",
        recipientLines: ["Mme Amira Haddad", "SPADA de Rennes", "12 rue de l’Hôtel-Dieu", "35000 Rennes"],
        title: "Objet : Décision sur votre demande d’asile",
        paragraphs: [
            "Madame, après examen de votre demande d’asile et de l’entretien personnel, l’Office a pris la décision ci-jointe.",
            "Vous pouvez former un recours devant la Cour nationale du droit d'asile dans un délai d’un mois à compter de la notification de cette décision.",
        ],
        signature: "Pour le directeur général\nLa cheffe de division")

    static let receipt = Receipt(
        title: "Accusé de notification",
        rows: [
            (label: "Document", value: "Décision de l’Office"),
            (label: "Déposé le", value: "3 mars 2025 à 10 h 12"),
            (label: "Notifié le", value: "4 mars 2025 à 18 h 40 (première consultation)"),
            (label: "Numéro étranger", value: "7501234567"),
        ],
        footer: "Ce reçu atteste la date de notification prévue à l’article R.531-17 du CESEDA.")

    /// `words` words of ordinary French prose.
    static func prose(words: Int) -> String {
        let sample = "la demande d’asile est examinée par l’Office qui convoque le demandeur à un entretien personnel"
            .split(separator: " ")
        return (0..<words).map { String(sample[$0 % sample.count]) }.joined(separator: " ")
    }

    static func letter(paragraphs: [String]) -> Letter {
        var letter = decision
        letter.paragraphs = paragraphs
        return letter
    }
}
