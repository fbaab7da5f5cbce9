-- OFPRA space, part 1: structures, applicants from enrolment to activation, credentials,
-- contact verification, throttling and the authentication history.

-- Where staff work: SPADA / CADA / HUDA structures, GUDA sites, OFII offices, OFPRA.
CREATE TABLE structures (
    id         bigserial PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('spada', 'cada', 'huda', 'guda', 'ofii', 'ofpra', 'prefecture')),
    name       text NOT NULL,
    city       text NOT NULL DEFAULT '',
    address    text NOT NULL DEFAULT '',
    phone      text NOT NULL DEFAULT '',
    guda_site  text,                      -- for kind = 'guda': the site id of Domain.GudaSite
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, name)
);

ALTER TABLE staff_accounts ADD COLUMN structure_id bigint REFERENCES structures (id);

-- A pending activation (key checked, password not yet chosen) is a session of its own kind.
ALTER TABLE sessions DROP CONSTRAINT sessions_subject_kind_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_subject_kind_check
    CHECK (subject_kind IN ('staff', 'applicant', 'anef', 'activation'));

CREATE TABLE applicants (
    id                  bigserial PRIMARY KEY,
    -- Step 1: enrolment at the SPADA kiosk.
    surname             text NOT NULL,
    given_names         text NOT NULL,
    birth_date          date NOT NULL,
    nationality         text NOT NULL,
    language            text NOT NULL,          -- preferred language code (messages, notice)
    spada_id            bigint NOT NULL REFERENCES structures (id),
    enrolled_at         timestamptz NOT NULL DEFAULT now(),
    enrolled_by         bigint REFERENCES staff_accounts (id),
    -- Contact details: only verified values receive messages.
    phone               text,                   -- E.164
    phone_verified_at   timestamptz,
    email               text,
    email_verified_at   timestamptz,
    -- Step 2: registration at the GUDA.
    agdref              text UNIQUE CHECK (agdref ~ '^[0-9]{10}$'),
    guda_site           text,
    registered_on       date,
    procedure           text CHECK (procedure IN ('normal', 'accelerated', 'dublin',
                                                  'dublin_requalified_normal', 'dublin_requalified_accelerated')),
    requalified_on      date,
    unaccompanied_minor boolean NOT NULL DEFAULT false,
    overseas            boolean NOT NULL DEFAULT false,
    eligibility         text,                   -- 'in_scope' or the out-of-scope reason code
    registered_at       timestamptz,
    registered_by       bigint REFERENCES staff_accounts (id),
    -- Step 3: OFPRA creates the space.
    space_available_at  timestamptz,
    ofpra_number        text UNIQUE,
    -- Credentials: the one-time key and the password, both argon2id hashes.
    key_hash            text,
    key_issued_at       timestamptz,
    password_hash       text,
    activated_at        timestamptz,
    last_login_at       timestamptz,
    failed_logins       integer NOT NULL DEFAULT 0,
    last_failed_at      timestamptz,
    locked_at           timestamptz,
    closed_at           timestamptz,
    closure_reason      text
);
CREATE INDEX applicants_spada_idx ON applicants (spada_id);
CREATE INDEX applicants_unregistered_idx ON applicants (enrolled_at) WHERE agdref IS NULL;
CREATE INDEX applicants_awaiting_space_idx ON applicants (registered_at)
    WHERE eligibility = 'in_scope' AND space_available_at IS NULL;

-- Codes sent to confirm a new phone number or e-mail address before it is used.
CREATE TABLE contact_verifications (
    id           bigserial PRIMARY KEY,
    applicant_id bigint NOT NULL REFERENCES applicants (id),
    channel      text NOT NULL CHECK (channel IN ('sms', 'email')),
    target       text NOT NULL,
    code_hash    bytea NOT NULL,
    attempts     integer NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz
);
CREATE INDEX contact_verifications_applicant_idx ON contact_verifications (applicant_id, created_at DESC);

-- Failed attempts per client address (per-account counters live on the account rows).
CREATE TABLE address_throttle (
    scope          text NOT NULL,               -- 'applicant-login', 'staff-login', 'key', ...
    address        text NOT NULL,
    failures       integer NOT NULL DEFAULT 0,
    last_failed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, address)
);

ALTER TABLE staff_accounts ADD COLUMN failed_logins integer NOT NULL DEFAULT 0;
ALTER TABLE staff_accounts ADD COLUMN last_failed_at timestamptz;
ALTER TABLE staff_accounts ADD COLUMN locked_at timestamptz;

-- Every authentication event, shown to the applicant on their account page.
CREATE TABLE auth_events (
    id           bigserial PRIMARY KEY,
    applicant_id bigint REFERENCES applicants (id),
    staff_id     bigint REFERENCES staff_accounts (id),
    event        text NOT NULL,     -- login_succeeded, login_failed, locked, activated, password_reset,
                                    -- key_issued, key_reissued, contact_changed, logout...
    actor_kind   text NOT NULL CHECK (actor_kind IN ('applicant', 'staff', 'system')),
    actor_id     bigint,
    address      text,
    detail       text,
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX auth_events_applicant_idx ON auth_events (applicant_id, at DESC);
CREATE INDEX auth_events_staff_idx ON auth_events (staff_id, at DESC);
