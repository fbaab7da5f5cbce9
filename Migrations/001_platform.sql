-- Platform: staff accounts and browser sessions.

CREATE TABLE staff_accounts (
    id            bigserial PRIMARY KEY,
    email         text NOT NULL,
    display_name  text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'guda', 'spada', 'cada', 'huda', 'ofii', 'ofpra', 'prefecture')),
    password_hash text NOT NULL,             -- argon2id, libsodium encoded form
    disabled_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX staff_accounts_email_key ON staff_accounts ((lower(email)));

-- Only the SHA-256 of the cookie token is stored: a copy of this table logs nobody in.
CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY,
    subject_kind text NOT NULL CHECK (subject_kind IN ('staff', 'applicant', 'anef')),
    subject_id   bigint NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_subject_idx ON sessions (subject_kind, subject_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
