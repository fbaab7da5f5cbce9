-- ANEF, part 2 (second step): asking for documents, deciding, the card, and renewing the
-- attestation. Every move is also a dated line of anef_events (same transaction).

-- The prefecture's counter: where cards are collected, and when it is open.
ALTER TABLE structures ADD COLUMN opening_hours text NOT NULL DEFAULT '';

-- What the instructor asked for, why and by when; answered when the person sends something.
CREATE TABLE anef_document_requests (
    id           bigserial PRIMARY KEY,
    request_id   bigint NOT NULL REFERENCES anef_requests (id),
    what         text NOT NULL CHECK (what <> ''),
    why          text NOT NULL CHECK (why <> ''),
    due_on       date NOT NULL,
    requested_by bigint NOT NULL REFERENCES staff_accounts (id),
    requested_at timestamptz NOT NULL DEFAULT now(),
    answered_at  timestamptz
);
-- At most one open ask per request (the state machine has one "documents requested").
CREATE UNIQUE INDEX anef_document_requests_open ON anef_document_requests (request_id) WHERE answered_at IS NULL;

ALTER TABLE anef_files DROP CONSTRAINT anef_files_kind_check;
ALTER TABLE anef_files ADD CONSTRAINT anef_files_kind_check CHECK (kind IN (
    'photo', 'address_proof', 'host_attestation', 'host_id', 'domiciliation_attestation',
    'birth_certificate', 'integration_contract', 'marriage_certificate', 'requested_document'));
-- Several answers to asks may be kept side by side: only the other kinds are one-current-per-kind.
DROP INDEX anef_files_current;
CREATE UNIQUE INDEX anef_files_current ON anef_files (request_id, kind) WHERE replaced_at IS NULL AND kind <> 'requested_document';

-- The decision and the card.
ALTER TABLE anef_requests
    ADD COLUMN decision_reasons text,
    ADD COLUMN card_type text CHECK (card_type IN ('resident_card_10_years', 'multi_year_card_4_years', 'multi_year_family_card_4_years')),
    ADD COLUMN decided_at timestamptz,
    ADD COLUMN card_pickup_on date,
    ADD COLUMN card_pickup_time text CHECK (card_pickup_time ~ '^[0-2][0-9]:[0-5][0-9]$'),
    -- The counter the card waits at (the convoking instructor's prefecture).
    ADD COLUMN card_office_id bigint REFERENCES structures (id);
ALTER TABLE anef_requests ADD CONSTRAINT anef_requests_decided CHECK (
    state NOT IN ('favourable', 'card_in_production', 'card_available', 'card_handed_over', 'refused', 'closed')
    OR decided_at IS NOT NULL);
ALTER TABLE anef_requests ADD CONSTRAINT anef_requests_card_type CHECK (
    state NOT IN ('favourable', 'card_in_production', 'card_available', 'card_handed_over') OR card_type IS NOT NULL);
ALTER TABLE anef_requests ADD CONSTRAINT anef_requests_refusal_reasons CHECK (
    state NOT IN ('refused', 'closed') OR coalesce(decision_reasons, '') <> '');
ALTER TABLE anef_requests ADD CONSTRAINT anef_requests_pickup CHECK (
    state NOT IN ('card_available', 'card_handed_over') OR card_pickup_on IS NOT NULL);

ALTER TABLE anef_events DROP CONSTRAINT anef_events_event_check;
ALTER TABLE anef_events ADD CONSTRAINT anef_events_event_check CHECK (event IN (
    'draft_started', 'civil_status_confirmed', 'civil_status_error_reported', 'family_saved',
    'child_added', 'child_removed', 'address_saved', 'file_uploaded', 'file_replaced',
    'contacts_saved', 'photo_code_saved', 'declarations_saved', 'filed', 'receipt_issued',
    'attestation_issued', 'late_file_uploaded', 'review_started', 'documents_requested', 'documents_sent',
    'review_resumed', 'decision_favourable', 'decision_refused', 'decision_closed', 'card_in_production',
    'card_available', 'card_handed_over', 'attestation_renewed', 'renewal_blocked'));


-- OFPRA ends a protection (cessation, withdrawal): the attestation is then not renewed
-- automatically, and the case shows as an incident for the prefecture to decide.
ALTER TABLE protections ADD COLUMN ended_on date;
