import Domain
import Foundation
import I18n
import PDF

/// The COURRIER_POST letter: it tells the person that OFPRA's letters now come by post, to
/// their domiciliation. Legal documents stay in French, whatever the agent's page language.
enum CourrierPostLetter {
    static func render(
        for person: Applicant, optOut: PaperOptOut, address: PostalAddress?, catalogue: Catalogue,
        now: Date = Date()
    ) throws -> [UInt8] {
        try LetterRenderer.render(
            letter(for: person, optOut: optOut, address: address, catalogue: catalogue, now: now),
            creationDate: now)
    }

    static func letter(
        for person: Applicant, optOut: PaperOptOut, address: PostalAddress?, catalogue fr: Catalogue,
        now: Date
    ) -> Letter {
        let day = { (d: Date) in DisplayFormat.date(d, fr.language) }
        let signed = optOut.signedOn.map { day(ParisCalendar.startOfDay($0)) } ?? ""
        let recipient: [String] =
            [person.fullName]
            + (address.map {
                [fr.text("optout.letter.care_of", ["structure": $0.structureName]), $0.address, $0.city]
            } ?? []).filter { !$0.isEmpty }
        let domiciliation = address.map { [$0.structureName, $0.address, $0.city].filter { !$0.isEmpty }.joined(separator: ", ") } ?? ""
        return Letter(
            heading: fr.text("optout.letter.heading"),
            reference: reference(person, fr),
            date: fr.text("optout.letter.date", ["date": day(now)]),
            recipientLines: recipient,
            title: fr.text("optout.letter.title"),
            paragraphs: [
                fr.text("optout.letter.salutation"),
                fr.text("optout.letter.request", ["requested": day(optOut.requestedAt), "signed": signed]),
                fr.text("optout.letter.accepted", ["address": domiciliation]),
                fr.text("optout.letter.space"),
                fr.text("optout.letter.collect"),
            ],
            signature: fr.text("optout.letter.signature"))
    }

    /// OFPRA's file number once known, else the AGDREF number the person logs in with.
    static func reference(_ p: Applicant, _ fr: Catalogue) -> String {
        if let number = p.ofpraNumber { return fr.text("optout.letter.reference_ofpra", ["identifier": number]) }
        return fr.text("optout.letter.reference_agdref", ["identifier": p.agdref ?? ""])
    }
}
