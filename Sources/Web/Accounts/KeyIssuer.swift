import Domain
import Postgres
import Security

/// Issues and checks one-time connection keys. Only an argon2id hash is stored; a new key
/// replaces the previous one, so an old notice or SMS stops working at once.
public enum KeyIssuer {
    /// Returns the printable key (groups of four). Call inside the caller's transaction.
    public static func issue(for applicant: Applicant, event: String, by actor: AuthEvents.Actor,
                      address: String?, db: PGConnection) throws -> String {
        let key = ConnectionKey.generate(using: SodiumRandom())
        try Applicants.replaceKey(id: applicant.id, keyHash: SecretWork.hash(key.canonical), db: db)
        try AuthEvents.record(event, applicant: applicant.id, by: actor, address: address, db: db)
        return key.grouped
    }

    /// Checks a typed key against the current one (same cost whether or not there is one).
    static func matches(_ typed: String, keyHash: String?) -> Bool {
        let key = ConnectionKey.normalize(typed)
        let ok = SecretWork.verify(key?.canonical ?? typed, hash: keyHash ?? PasswordHasher.decoyHash)
        return ok && key != nil && keyHash != nil
    }
}
