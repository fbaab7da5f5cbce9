-- ANEF, part 1: the protection OFPRA records (the interconnection the ANEF side reads), the
-- accounts of protected people and their family, their residence-permit requests, the files
-- they send and the attestations the prefecture issues at filing.

-- One row per person OFPRA (or the CNDA, recorded by OFPRA) granted a status, with the civil
-- status OFPRA established: the ANEF side compares names against this, never against what the
-- person typed elsewhere. Written in the transaction of the decision's deposit.
CREATE TABLE protections (
    id               bigserial PRIMARY KEY,
    applicant_id     bigint UNIQUE REFERENCES applicants (id),
    ofpra_number     text NOT NULL UNIQUE,
    foreigner_number text UNIQUE CHECK (foreigner_number ~ '^[0-9]{9,10}$'),
    kind             text NOT NULL CHECK (kind IN ('refugee', 'subsidiary_protection', 'stateless')),
    granted_by       text NOT NULL CHECK (granted_by IN ('ofpra', 'cnda')),
    granted_on       date NOT NULL,
    surnames         text NOT NULL CHECK (surnames <> ''),
    given_names      text NOT NULL,
    birth_date       date NOT NULL,
    birth_place      text NOT NULL DEFAULT '',
    -- NULL only for a stateless person: they have none to show.
    nationality      text CHECK (nationality <> ''),
    -- OFPRA's birth certificate (issue 13 attaches it to the request when it is recorded).
    birth_act_on     date,
    recorded_at      timestamptz NOT NULL DEFAULT now(),
    recorded_by      bigint REFERENCES staff_accounts (id),
    CHECK (kind = 'stateless' OR nationality IS NOT NULL)
);

CREATE TABLE anef_accounts (
    id                bigserial PRIMARY KEY,
    -- 'protected': the protection is the person's own; 'family': a relative's (OFPRA number).
    role              text NOT NULL CHECK (role IN ('protected', 'family')),
    protection_id     bigint NOT NULL REFERENCES protections (id),
    relationship      text CHECK (relationship IN ('spouse', 'child', 'parent')),
    foreigner_number  text UNIQUE CHECK (foreigner_number ~ '^[0-9]{9,10}$'),
    surnames          text NOT NULL,
    given_names       text NOT NULL,
    birth_date        date NOT NULL,
    -- Both required, both proven by a code before the account opens (the codes go in the outbox).
    email             text NOT NULL,
    phone             text NOT NULL,
    email_verified_at timestamptz,
    phone_verified_at timestamptz,
    password_hash     text NOT NULL,
    language          text NOT NULL DEFAULT 'fr',
    spoken_languages  text[] NOT NULL DEFAULT '{}',
    created_at        timestamptz NOT NULL DEFAULT now(),
    opened_at         timestamptz,
    last_login_at     timestamptz,
    CHECK ((role = 'family') = (relationship IS NOT NULL)),
    CHECK (role = 'protected' OR foreigner_number IS NOT NULL),
    CHECK (opened_at IS NULL OR (email_verified_at IS NOT NULL AND phone_verified_at IS NOT NULL))
);
-- A protected person has one account; an unfinished sign-up is replaced by the next one.
CREATE UNIQUE INDEX anef_accounts_protected_once ON anef_accounts (protection_id) WHERE role = 'protected';

-- Codes that prove an e-mail address or a phone at sign-up, and lost-password codes.
CREATE TABLE anef_codes (
    id         bigserial PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES anef_accounts (id) ON DELETE CASCADE,
    purpose    text NOT NULL CHECK (purpose IN ('verify_email', 'verify_phone', 'reset_password')),
    code_hash  bytea NOT NULL,
    attempts   integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX anef_codes_account_idx ON anef_codes (account_id, purpose, created_at DESC);

CREATE TABLE anef_requests (
    id                      bigserial PRIMARY KEY,
    -- What people read and quote: never the sequential id alone.
    number                  text NOT NULL UNIQUE,
    account_id              bigint NOT NULL UNIQUE REFERENCES anef_accounts (id),
    state                   text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'filed')),
    channel                 text NOT NULL DEFAULT 'online' CHECK (channel IN ('online', 'counter')),
    civil_status_checked_at timestamptz,
    marital_status          text CHECK (marital_status IN (
                                'single', 'married', 'civil_partnership', 'cohabiting', 'divorced', 'widowed')),
    spouse_surnames         text,
    spouse_given_names      text,
    marriage_date           date,
    marriage_place          text,
    address_kind            text CHECK (address_kind IN ('own', 'hosted', 'domiciliation')),
    address_line            text,
    address_complement      text,
    postcode                text CHECK (postcode ~ '^[0-9]{5}$'),
    city                    text,
    host_name               text,
    domiciliation_org       text,
    contacts_checked_at     timestamptz,
    -- The approved photo booth's code: single use, so unique across all requests.
    photo_code              text UNIQUE CHECK (photo_code ~ '^[A-Z0-9]{22}$'),
    declared_not_polygamous boolean,
    declared_truthful       boolean,
    -- The department whose prefecture instructs (from the postcode at filing).
    department              text,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    filed_at                timestamptz,
    -- A filed request has everything filing checked; the database refuses a half-filed one.
    CHECK (state = 'draft' OR (
        filed_at IS NOT NULL AND marital_status IS NOT NULL AND address_kind IS NOT NULL
        AND postcode IS NOT NULL AND city IS NOT NULL AND department IS NOT NULL
        AND declared_truthful AND civil_status_checked_at IS NOT NULL)),
    CHECK (address_kind IS DISTINCT FROM 'hosted' OR coalesce(host_name, '') <> '' OR state = 'draft'),
    CHECK (address_kind IS DISTINCT FROM 'domiciliation' OR coalesce(domiciliation_org, '') <> '' OR state = 'draft')
);

CREATE TABLE anef_children (
    id          bigserial PRIMARY KEY,
    request_id  bigint NOT NULL REFERENCES anef_requests (id) ON DELETE CASCADE,
    surnames    text NOT NULL CHECK (surnames <> ''),
    given_names text NOT NULL,
    birth_date  date NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Files the person sends: checked by content before they get here (PDF by qpdf, images
-- decoded and re-encoded by libgd), stored under our own name.
CREATE TABLE anef_files (
    id           bigserial PRIMARY KEY,
    public_id    uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    request_id   bigint NOT NULL REFERENCES anef_requests (id),
    kind         text NOT NULL CHECK (kind IN (
                     'photo', 'address_proof', 'host_attestation', 'host_id', 'domiciliation_attestation',
                     'birth_certificate', 'integration_contract', 'marriage_certificate')),
    content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    content      bytea NOT NULL,
    size_bytes   integer NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 10485760),
    sha256       bytea NOT NULL,
    uploaded_at  timestamptz NOT NULL DEFAULT now(),
    after_filing boolean NOT NULL DEFAULT false,
    replaced_at  timestamptz
);
-- One current file per kind: a new one replaces it (kept, dated, for the history).
CREATE UNIQUE INDEX anef_files_current ON anef_files (request_id, kind) WHERE replaced_at IS NULL;

-- The public halves of the keys that sign attestations, published on /verifier/cles.
CREATE TABLE signing_keys (
    certificate_id text PRIMARY KEY CHECK (certificate_id ~ '^[A-Z2-7]{4}$'),
    public_key_pem text NOT NULL,
    first_used_at  timestamptz NOT NULL DEFAULT now(),
    retired_at     timestamptz
);

-- The filing receipt and the attestations (API): the PDF as issued, and its signed barcode.
CREATE TABLE anef_attestations (
    id             bigserial PRIMARY KEY,
    public_id      uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    number         text NOT NULL UNIQUE,
    request_id     bigint NOT NULL REFERENCES anef_requests (id),
    kind           text NOT NULL CHECK (kind IN ('receipt', 'api')),
    valid_from     date NOT NULL,
    valid_until    date,
    certificate_id text NOT NULL REFERENCES signing_keys (certificate_id),
    barcode        text NOT NULL,
    pdf            bytea NOT NULL,
    issued_at      timestamptz NOT NULL DEFAULT now(),
    replaced_by    bigint REFERENCES anef_attestations (id),
    revoked_at     timestamptz,
    CHECK ((kind = 'api') = (valid_until IS NOT NULL)),
    CHECK (valid_until IS NULL OR valid_until > valid_from)
);
CREATE INDEX anef_attestations_request_idx ON anef_attestations (request_id, issued_at DESC);

-- The request's dated history: what the person and the prefecture both read.
CREATE TABLE anef_events (
    id         bigserial PRIMARY KEY,
    request_id bigint NOT NULL REFERENCES anef_requests (id),
    event      text NOT NULL CHECK (event IN (
                   'draft_started', 'civil_status_confirmed', 'civil_status_error_reported', 'family_saved',
                   'child_added', 'child_removed', 'address_saved', 'file_uploaded', 'file_replaced',
                   'contacts_saved', 'photo_code_saved', 'declarations_saved', 'filed', 'receipt_issued',
                   'attestation_issued', 'late_file_uploaded')),
    actor      text NOT NULL CHECK (actor IN ('person', 'system', 'staff')),
    staff_id   bigint REFERENCES staff_accounts (id),
    detail     text,
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX anef_events_request_idx ON anef_events (request_id, at, id);

-- Account events (sign-up, logins, resets), like auth_events for the OFPRA space.
CREATE TABLE anef_account_events (
    id         bigserial PRIMARY KEY,
    account_id bigint REFERENCES anef_accounts (id) ON DELETE SET NULL,
    event      text NOT NULL,
    address    text,
    at         timestamptz NOT NULL DEFAULT now()
);

-- Request and attestation numbers (ANEF-2026-000042, API-2026-000043): one sequence for both.
CREATE SEQUENCE anef_numbers;

-- Sessions of ANEF accounts already exist as subject_kind 'anef' (001).
