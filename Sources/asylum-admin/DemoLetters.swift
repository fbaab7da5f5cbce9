import Domain
import Foundation
import I18n
import PDF
import Web

/// Small but real OFPRA-style letters for the demo (legal documents are in French).
enum DemoLetters {
    static let heading = "Office français de protection\ndes réfugiés et apatrides\n201 rue Carnot\n94136 Fontenay-sous-Bois Cedex"

    static func pdf(_ kind: DocumentKind, for person: Applicant, interview: InterviewAppointment? = nil) throws -> [UInt8] {
        let today = DisplayFormat.date(Date(), .french)
        var paragraphs = ["Madame, Monsieur,"]
        switch kind {
        case .convocation:
            if let i = interview {
                paragraphs.append(
                    "Vous êtes convoqué(e) à un entretien personnel le \(DisplayFormat.date(i.startsAt, .french)) à \(i.time.hhmm), \(i.place), \(i.address)."
                )
                paragraphs.append(
                    "Un interprète en \(SpokenLanguages.find(i.interpreterLanguage ?? "")?.name ?? "votre langue") sera présent. Présentez-vous muni(e) de votre attestation de demande d'asile et de la présente convocation."
                )
            }
        case .decisionRejection:
            paragraphs.append(
                "Après examen de votre demande, l'Office a décidé de rejeter votre demande d'asile. Les motifs de cette décision sont exposés ci-après."
            )
            paragraphs.append(
                "Vous pouvez former un recours contre cette décision devant la Cour nationale du droit d'asile dans un délai d'un mois à compter de sa notification. Vous pouvez demander le bénéfice de l'aide juridictionnelle dans un délai de quinze jours."
            )
        case .sixMonthLetter:
            paragraphs.append(
                "Votre demande d'asile est toujours en cours d'examen. L'Office n'a pas été en mesure de statuer dans un délai de six mois. Une décision interviendra dans les meilleurs délais."
            )
        default:
            paragraphs.append(
                "Nous accusons réception de votre demande d'asile, enregistrée par le guichet unique. Votre dossier est en cours d'instruction."
            )
        }
        paragraphs.append("Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.")
        return try LetterRenderer.render(
            Letter(
                heading: heading, reference: "Réf. : \(person.agdref ?? "")", date: "Fontenay-sous-Bois, le \(today)",
                recipientLines: [person.fullName], title: "Objet : \(titles[kind] ?? "Courrier")",
                paragraphs: paragraphs, signature: "Pour le directeur général,\nle chef de division"))
    }

    static let titles: [DocumentKind: String] = [
        .convocation: "Convocation à un entretien personnel", .decisionRejection: "Décision sur votre demande d'asile",
        .sixMonthLetter: "Information sur le délai d'examen de votre demande", .introductionLetter: "Introduction de votre demande",
    ]
}
