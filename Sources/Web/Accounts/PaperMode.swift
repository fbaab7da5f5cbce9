import Domain
import Foundation
import Postgres

/// OFPRA accepts an opt-out. The opt-out takes effect with the COURRIER_POST deposit, so the
/// letter, the person's paper mode and the decision are written in one transaction: either
/// the person is in paper mode with the letter in their space, or nothing changed.
enum PaperMode {
    /// Returns the deposited letter, or nil when the request was not waiting for a decision
    /// (already decided, or not forwarded yet).
    static func accept(
        optOut id: Int64, for person: Applicant, letter pdf: [UInt8], by staffId: Int64,
        db: PGConnection
    ) throws -> DocumentDeposit.Outcome? {
        try db.transaction { tx in
            guard let optOut = try PaperOptOuts.lockForDecision(id: id, db: tx), optOut.applicantId == person.id else {
                return nil
            }
            // Deposited before paper mode starts: this letter announces the post, it is not posted itself.
            let outcome = try DocumentDeposit.deposit(.courrierPost, pdf: pdf, interview: nil, for: person, by: staffId, db: tx)
            try PaperOptOuts.startPaperMode(applicant: person.id, db: tx)
            try PaperOptOuts.markAccepted(id: id, document: outcome.document.id, by: staffId, db: tx)
            return outcome
        }
    }
}
