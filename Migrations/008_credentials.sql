-- Credentials and throttling (issue 9, defects 3 and 5).

-- Keys sent on request (lost key, lock notice) sit beside the printed key instead of
-- replacing it: a request by someone else never takes a key out of the person's hands.
-- They are random 73-bit keys: an HMAC under the server secret is enough (no argon2 work,
-- so a request costs the same whether or not the identifier exists).
CREATE TABLE applicant_sent_keys (
    id           bigserial PRIMARY KEY,
    applicant_id bigint NOT NULL REFERENCES applicants (id),
    key_hmac     bytea NOT NULL,
    reason       text NOT NULL CHECK (reason IN ('key_sent', 'key_sent_with_lock')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX applicant_sent_keys_applicant_idx ON applicant_sent_keys (applicant_id, expires_at);

-- When a key was last used up (activation or reset): for the history and the agents' views.
ALTER TABLE applicants ADD COLUMN keys_used_at timestamptz;

-- Failures per typed identifier, whether or not an account has it, so an unknown identifier
-- is slowed down and locked exactly like a known one. The identifier is stored as an HMAC
-- under the server secret (the table does not list who was targeted, nor typos).
CREATE TABLE identifier_throttle (
    scope           text NOT NULL,          -- 'applicant-password', 'applicant-key', 'staff-password'
    identifier_hmac bytea NOT NULL,
    failures        integer NOT NULL DEFAULT 0,
    last_failed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, identifier_hmac)
);
CREATE INDEX identifier_throttle_age_idx ON identifier_throttle (last_failed_at);

-- The code e-mailed to a staff member when their account locks; it lifts the lock.
CREATE TABLE staff_unlock_codes (
    staff_id   bigint PRIMARY KEY REFERENCES staff_accounts (id),
    code_hmac  bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
