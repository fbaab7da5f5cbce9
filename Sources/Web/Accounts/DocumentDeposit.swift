import Domain
import Foundation
import Outbox
import Postgres

/// OFPRA deposits a document: one transaction writes the document, the message that tells
/// the person (never its content) and the audit row (`record`). All of them exist or none does.
public enum DocumentDeposit {
    public struct Outcome {
        public let document: DocumentRecord
        /// No verified phone or e-mail: nobody could be told (the agent is shown this).
        public let unannounced: Bool
    }

    public static func deposit(
        _ kind: DocumentKind, pdf: [UInt8], interview: InterviewAppointment?, for person: Applicant,
        by staffId: Int64?, db: PGConnection,
        record: (DocumentRecord, PGConnection) throws -> Void = { _, _ in }
    ) throws -> Outcome {
        try db.transaction { tx in
            let channels = DocumentNotices.firstChannels(person)
            let document = try Documents.insert(
                applicantId: person.id, kind: kind, pdf: pdf, interview: interview,
                unannounced: channels.isEmpty, by: staffId, db: tx)
            try PostalDispatches.queueIfPaperMode(document: document, person: person, db: tx)
            // A decision granting a status is what the ANEF side reads (the interconnection):
            // recorded with the deposit, so the person can request their permit at once.
            if let granted = ProtectionKind(decision: kind) {
                try Protections.recordFromDecision(granted, for: person, on: ParisCalendar.civilDate(of: Date()), db: tx)
            }
            try DocumentNotices.enqueue("document_deposited", for: document, to: person, channels: channels, step: "deposit", db: tx)
            try record(document, tx)
            return Outcome(document: document, unannounced: channels.isEmpty)
        }
    }
}

/// Who is told about a document, and how: the first message goes to the phone if there is
/// one (people read SMS first), else the e-mail; reminders then use the other channel.
enum DocumentNotices {
    static func firstChannels(_ person: Applicant) -> [Channel] {
        if person.verifiedPhone != nil { return [.sms] }
        if person.verifiedEmail != nil { return [.email] }
        return []
    }

    static func enqueue(
        _ template: String, for document: DocumentRecord, to person: Applicant, channels: [Channel],
        step: String, db: PGConnection
    ) throws {
        let language = ApplicantMessages.language(of: person)
        for channel in channels {
            guard let recipient = channel == .sms ? person.verifiedPhone : person.verifiedEmail else { continue }
            try Outbox.enqueue(
                OutboxMessage(
                    channel: channel, recipient: recipient, template: template, language: language, params: [:],
                    dedupKey: "document:\(document.publicId.uuidString.lowercased()):\(step):\(channel.rawValue)",
                    subjectRef: "document:\(document.publicId.uuidString.lowercased())"), in: db)
        }
    }
}
