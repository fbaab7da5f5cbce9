import Domain
import Foundation
import HTTP

/// OFPRA records a status the CNDA granted on appeal, or statelessness, with the birth place its
/// civil-status work established: what the ANEF side will read. (A status OFPRA grants itself is
/// recorded by the deposit of its decision.)
enum OfpraProtectionRoutes {
    static func register(_ routes: inout Routes) {
        routes.staff("/agents/ofpra/personnes") { g in
            g.post("/:id/protection", record)
            g.post("/:id/acte-de-naissance", recordBirthCertificate)
        }
    }

    static func record(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let p = try OfpraFileRoutes.person(ctx, id)
        let form = try ctx.form()
        guard let ofpraNumber = p.ofpraNumber else { throw HTTPError(409, "no OFPRA number yet") }
        guard let kind = ProtectionKind(rawValue: form["kind"] ?? ""),
            let authority = ProtectionAuthority(rawValue: form["granted_by"] ?? ""),
            let day = CivilDate(typed: form["granted_on"] ?? ""), day <= ParisCalendar.civilDate(of: Date())
        else { return .redirect(to: "/agents/ofpra/personnes/\(p.id)?notice=protection_invalid#protection") }
        let place = String((form["birth_place"] ?? "").trimmingCharacters(in: .whitespaces).prefix(200))
        try ctx.db.transaction { tx in
            try Protections.record(
                kind, grantedBy: authority, on: day, applicantId: p.id, ofpraNumber: ofpraNumber, foreignerNumber: p.agdref,
                surnames: p.surname, givenNames: p.givenNames, birthDate: p.birthDate, birthPlace: place, nationality: p.nationality,
                by: ctx.staff.id, db: tx)
            if !place.isEmpty {
                try tx.query("UPDATE protections SET birth_place = $2 WHERE ofpra_number = $1", [ofpraNumber, place])
            }
            try Audit.record(ctx, "record_protection", applicant: p.id, detail: "\(kind.rawValue) \(authority.rawValue)", db: tx)
        }
        return .redirect(to: "/agents/ofpra/personnes/\(p.id)?notice=protection_recorded#protection")
    }

    /// OFPRA established the person's birth certificate: it reaches their residence-permit
    /// request through the interconnection (a dated line in the history both sides read); the
    /// person uploads nothing.
    static func recordBirthCertificate(_ ctx: StaffContext, _ id: Int64) throws -> Response {
        let p = try OfpraFileRoutes.person(ctx, id)
        guard let protection = try Protections.find(applicantId: p.id, db: ctx.db) else {
            return .redirect(to: "/agents/ofpra/personnes/\(p.id)?notice=protection_invalid#protection")
        }
        guard let day = CivilDate(typed: try ctx.form()["established_on"] ?? ""), day <= ParisCalendar.civilDate(of: Date()) else {
            return .redirect(to: "/agents/ofpra/personnes/\(p.id)?notice=birth_act_invalid#protection")
        }
        try ctx.db.transaction { tx in
            try Protections.recordBirthAct(protection.id, on: day, db: tx)
            try Audit.record(ctx, "record_birth_certificate", applicant: p.id, detail: day.iso, db: tx)
        }
        return .redirect(to: "/agents/ofpra/personnes/\(p.id)?notice=birth_act_recorded#protection")
    }
}
