import Domain
import Foundation
import Postgres
import Security

/// Issues and checks one-time connection keys (rules: `Domain.KeyAct`). A printed key is
/// stored as an argon2id hash; a key sent on request sits beside it, stored as an HMAC.
public enum KeyIssuer {
    /// Mints a key that replaces every earlier key (notice, reprint, structure recovery).
    /// Returns the printable key (groups of four). Call inside the caller's transaction.
    public static func issue(
        for applicant: Applicant, event: String, by actor: AuthEvents.Actor,
        address: String?, db: PGConnection
    ) throws -> String {
        let key = ConnectionKey.generate(using: SodiumRandom())
        try Applicants.replaceKey(id: applicant.id, keyHash: SecretWork.hash(key.canonical), db: db)
        try AuthEvents.record(event, applicant: applicant.id, by: actor, address: address, db: db)
        return key.grouped
    }

    /// Mints a key added beside the others for a day (lost-key request, lock notice): whoever
    /// asked, no key or password in the person's hands stops working. Returns the printable key.
    static func send(
        for applicant: Applicant, act: KeyAct, event: String, by actor: AuthEvents.Actor,
        address: String?, secret: [UInt8], db: PGConnection
    ) throws -> String {
        guard case .addBeside(let validity) = act.effect else { preconditionFailure("\(act) does not send a key") }
        let key = ConnectionKey.generate(using: SodiumRandom())
        try Applicants.addSentKey(
            id: applicant.id, keyHMAC: hmac(key.canonical, secret), reason: event,
            expiresAt: Date().addingTimeInterval(validity), db: db)
        try AuthEvents.record(event, applicant: applicant.id, by: actor, address: address, db: db)
        return key.grouped
    }

    /// Activation or reset done: every key of the person is used up.
    static func consume(_ act: KeyAct, for id: Int64, db: PGConnection) throws {
        precondition(act.effect == .consumeAll)
        try Applicants.consumeKeys(id: id, db: db)
    }

    /// Checks a typed key against the printed key and the live sent keys. Always one argon2
    /// verification and one lookup, whether the person exists, has keys or not.
    static func matches(_ typed: String, applicant id: Int64?, secret: [UInt8], db: PGConnection) throws -> Bool {
        let key = ConnectionKey.normalize(typed)
        let canonical = key?.canonical ?? typed
        let keyHash = try id.flatMap { try Applicants.credentials(id: $0, db: db).keyHash }
        let printed = matches(typed, keyHash: keyHash)
        let sent = try Applicants.hasSentKey(id: id, keyHMAC: hmac(canonical, secret), db: db)
        return key != nil && id != nil && (printed || sent)
    }

    /// Checks a typed key against one argon2 hash (same cost whether or not there is one).
    static func matches(_ typed: String, keyHash: String?) -> Bool {
        let key = ConnectionKey.normalize(typed)
        let ok = SecretWork.verify(key?.canonical ?? typed, hash: keyHash ?? PasswordHasher.decoyHash)
        return ok && key != nil && keyHash != nil
    }

    static func hmac(_ canonical: String, _ secret: [UInt8]) -> [UInt8] {
        Digest.hmacSHA256(key: secret, message: Array("sent-key|\(canonical)".utf8))
    }
}
