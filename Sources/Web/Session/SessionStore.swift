import Domain
import Foundation
import Postgres
import Security

/// Who is logged in on this browser. The cookie holds a random 256-bit token; the database
/// holds only its SHA-256, so a leaked table cannot be replayed.
public struct Session: Sendable {
    public enum Subject: String, Sendable { case staff, applicant, anef, activation }
    public let token: String
    public let subject: Subject
    public let subjectId: Int64
    public let createdAt: Date
}

public struct SessionStore: Sendable {
    let idleSeconds: Int
    let absoluteSeconds: Int
    /// How stale `last_seen_at` may get before a lookup rewrites it. Writing it on every page
    /// view made each one a commit (issue 10); a minute's lag only means an idle session can
    /// expire up to a minute early, never late.
    let touchSeconds: Int

    public init(idleSeconds: Int, absoluteSeconds: Int, touchSeconds: Int = 60) {
        self.idleSeconds = idleSeconds
        self.absoluteSeconds = absoluteSeconds
        self.touchSeconds = touchSeconds
    }

    /// The live session for a cookie value, refreshing its idle timer; nil if absent or expired.
    public func find(token: String, db: PGConnection) throws -> Session? {
        let hash = PGBytes(Digest.sha256(token))
        // One round trip: the CTE refreshes a live row only when it is a minute stale; the
        // SELECT shares its snapshot, so it sees the row as it was (live or not) either way.
        // An UPDATE matching no row takes no transaction id: the statement commits nothing.
        let result = try db.prepared(
            "session_find",
            """
            WITH touched AS (
                UPDATE sessions SET last_seen_at = now()
                WHERE token_hash = $1 AND expires_at > now()
                  AND last_seen_at > now() - make_interval(secs => $2)
                  AND last_seen_at <= now() - make_interval(secs => $3)
            )
            SELECT subject_kind, subject_id, created_at FROM sessions
            WHERE token_hash = $1 AND expires_at > now()
              AND last_seen_at > now() - make_interval(secs => $2)
            """, [hash, idleSeconds, touchSeconds])
        guard let row = result.first, let subject = Session.Subject(rawValue: try row.get("subject_kind")) else {
            return nil
        }
        return Session(
            token: token, subject: subject, subjectId: try row.get("subject_id"),
            createdAt: try row.get("created_at"))
    }

    /// Starts a new session (and ends `previous`): the token changes at every login,
    /// so a token planted before login is worthless after it.
    public func start(subject: Session.Subject, id: Int64, replacing previous: String?, db: PGConnection) throws -> Session {
        if let previous { try end(token: previous, db: db) }
        let token = SecureRandom.token()
        let row = try db.query(
            """
            INSERT INTO sessions (token_hash, subject_kind, subject_id, expires_at)
            VALUES ($1, $2, $3, now() + make_interval(secs => $4))
            RETURNING created_at
            """, [PGBytes(Digest.sha256(token)), subject.rawValue, id, absoluteSeconds]
        ).first
        // Housekeeping: expired rows go away as new ones arrive.
        try db.query("DELETE FROM sessions WHERE expires_at < now() - interval '1 day'")
        return Session(token: token, subject: subject, subjectId: id, createdAt: try row?.get("created_at") ?? Date())
    }

    public func end(token: String, db: PGConnection) throws {
        try db.query("DELETE FROM sessions WHERE token_hash = $1", [PGBytes(Digest.sha256(token))])
    }

    /// Closes every session of a person (password reset, account closure).
    public func endAll(subject: Session.Subject, id: Int64, db: PGConnection) throws {
        try db.query("DELETE FROM sessions WHERE subject_kind = $1 AND subject_id = $2", [subject.rawValue, id])
    }
}
