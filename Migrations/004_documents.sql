-- OFPRA space, part 2: deposited documents and their legal notification.

CREATE TABLE documents (
    id                   bigserial PRIMARY KEY,
    -- URLs carry this random id, never the sequential one: nothing to enumerate.
    public_id            uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    applicant_id         bigint NOT NULL REFERENCES applicants (id),
    kind                 text NOT NULL CHECK (kind IN (
                             'account_creation', 'introduction_letter', 'convocation', 'convocation_cancellation',
                             'six_month_letter', 'interview_transcript', 'reclassification', 'decision_refugee_status',
                             'decision_subsidiary_protection', 'decision_rejection', 'decision_inadmissibility',
                             'decision_closure', 'renotification', 'courrier_post', 'other')),
    deposited_at         timestamptz NOT NULL DEFAULT now(),
    deposited_by         bigint REFERENCES staff_accounts (id),
    -- The file itself, checked as a PDF before it gets here; its name is ours, never the uploader's.
    content              bytea NOT NULL,
    size_bytes           integer NOT NULL CHECK (size_bytes > 0),
    sha256               bytea NOT NULL,
    -- Only the person's own opening after login counts (CESEDA R.531-17).
    first_consulted_at   timestamptz,
    -- Convocations: the interview.
    interview_date       date,
    interview_time       text CHECK (interview_time ~ '^[0-2][0-9]:[0-5][0-9]$'),
    interview_place      text,
    interview_address    text,
    interpreter_language text,
    -- True when the person had no verified phone or e-mail at deposit: nobody was told.
    unannounced          boolean NOT NULL DEFAULT false,
    CHECK (kind <> 'convocation' OR (interview_date IS NOT NULL AND interview_time IS NOT NULL))
);
CREATE INDEX documents_applicant_idx ON documents (applicant_id, deposited_at DESC);
-- The reminder job looks for unopened documents by age.
CREATE INDEX documents_unread_idx ON documents (deposited_at) WHERE first_consulted_at IS NULL;

-- Refused attempts to reach a document (another applicant, staff, logged out): kept for review.
CREATE TABLE document_access_refusals (
    id          bigserial PRIMARY KEY,
    document_id bigint REFERENCES documents (id),
    who         text NOT NULL,       -- 'applicant:42', 'staff:7', 'anonymous'
    address     text,
    at          timestamptz NOT NULL DEFAULT now()
);
