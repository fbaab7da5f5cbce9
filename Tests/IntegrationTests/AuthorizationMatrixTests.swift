import Domain
import Foundation
@testable import HTTP
import Postgres
import Security
@testable import Web
import XCTest

/// Walks every registered route with every role, an applicant, a person mid-activation and a
/// logged-out visitor, and checks that what happens is what `AccessMatrix` says.
final class AuthorizationMatrixTests: IntegrationTestCase {
    enum Actor: CustomStringConvertible {
        case anonymous, applicant(Int64), activating(Int64), staff(StaffAccount)
        var description: String {
            switch self {
            case .anonymous: "anonymous"
            case .applicant: "applicant"
            case .activating: "activating applicant"
            case .staff(let s): s.role.rawValue
            }
        }
    }

    /// A browser already signed in as `actor` (sessions created directly: no password hashing).
    func browser(_ actor: Actor) throws -> Browser {
        let b = Browser(app: app)
        let subject: (Session.Subject, Int64)?
        switch actor {
        case .anonymous: subject = nil
        case .applicant(let id): subject = (.applicant, id)
        case .activating(let id): subject = (.activation, id)
        case .staff(let s): subject = (.staff, s.id)
        }
        if let (kind, id) = subject {
            b.cookies["session"] = try app.sessions.start(subject: kind, id: id, replacing: nil, db: db).token
        } else {
            try b.get("/connexion")  // the pre-login CSRF cookie
        }
        return b
    }

    func staffWithStructures() throws -> [StaffAccount] {
        try Role.allCases.map { role in
            let kind: Structure.Kind? = switch role {
            case .spadaStaff: .spada
            case .cadaStaff: .cada
            case .hudaStaff: .huda
            case .gudaAgent: .guda
            case .ofiiAgent: .ofii
            default: nil
            }
            let structure = try kind.map { try Structures.upsert(kind: $0, name: "Matrix \($0.rawValue)", city: "Rennes",
                                                                  gudaSite: $0 == .guda ? "rennes" : nil, db: db) }
            return try StaffAccounts.upsert(email: EmailAddress("matrix-\(role.rawValue)@test.invalid")!, displayName: "Matrix \(role.rawValue)",
                                            role: role, structureId: structure?.id, password: "matrix-password-1",
                                            hasher: .fastForTests, db: db)
        }
    }

    func isRefused(_ r: Response) -> Bool {
        if r.status == 403 { return true }
        guard r.status == 303, let to = r.location else { return false }
        return ["/connexion?", "/usager/connexion?", "/usager/activation?"].contains { to.hasPrefix($0) }
    }

    func testEveryRouteWithEveryActorMatchesTheMatrix() throws {
        let (owner, _) = try Fixtures.applicant(db)
        let (other, _) = try Fixtures.applicant(db)
        let document = try DocumentDeposit.deposit(.convocationCancellation, pdf: Array("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".utf8),
                                                   interview: nil, for: owner, by: nil, db: db).document
        let actors: [Actor] = [.anonymous, .applicant(other.id), .activating(other.id)] + (try staffWithStructures()).map { .staff($0) }
        var checked = 0
        let registered = app.routes.all
        XCTAssertEqual(registered.count, AccessMatrix.rules.count, "every rule matches a registered route")
        for (method, pattern, route) in registered {
            XCTAssertEqual(AccessMatrix.rules["\(method) \(pattern)"], route.access, "\(method) \(pattern)")
            let id = pattern.hasPrefix("/usager/documents") ? document.publicId.uuidString.lowercased() : String(other.id)
            var path = pattern.replacingOccurrences(of: ":id", with: id)
            if pattern == "/__test/sleep" { path += "?ms=1" }
            for actor in actors {
                let b = try browser(actor)
                let r = method == "GET" ? try b.get(path) : b.post(path, [:])
                let allowed: Bool
                switch route.access {
                case .anyone, .testOnly: allowed = true
                case .anyStaff: if case .staff = actor { allowed = true } else { allowed = false }
                case .staff(let roles): if case .staff(let s) = actor { allowed = roles.contains(s.role) } else { allowed = false }
                case .applicant: if case .applicant = actor { allowed = true } else { allowed = false }
                case .activation: if case .activating = actor { allowed = true } else { allowed = false }
                case .documentOwner:
                    // Nobody here owns the document: refused, and never served.
                    XCTAssertTrue([403, 404].contains(r.status), "\(method) \(pattern) as \(actor): \(r.status)")
                    XCTAssertNotEqual(r.header("Content-Type"), "application/pdf")
                    checked += 1
                    continue
                }
                XCTAssertEqual(!isRefused(r), allowed, "\(method) \(pattern) as \(actor): \(r.status) \(r.location ?? "")")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 600)
        // The owner does get their document.
        let mine = try browser(.applicant(owner.id))
        XCTAssertEqual(try mine.get("/usager/documents/\(document.publicId.uuidString.lowercased())/pdf").status, 200)
    }

    func testRecordLevelChecksStopStaffOfAnotherStructure() throws {
        let staff = try staffWithStructures()
        let spada = try XCTUnwrap(staff.first { $0.role == .spadaStaff })
        let (person, _) = try Fixtures.applicant(db)  // followed by "SPADA Test", not by the matrix SPADA
        let b = try browser(.staff(spada))
        XCTAssertEqual(try b.get("/pro/personnes/\(person.id)").status, 404)
        XCTAssertEqual(b.post("/pro/personnes/\(person.id)/cle", ["present": "1"]).status, 404)
        XCTAssertEqual(b.post("/pro/personnes/\(person.id)/renonciation", ["reason": "vulnerability"]).status, 404)
        try FollowLinks.open(applicant: person.id, structure: spada.structureId!, kind: .domiciliation, startedOn: "2024-01-01",
                             by: nil, db: db)
        XCTAssertEqual(try b.get("/pro/personnes/\(person.id)").status, 200)
    }
}
