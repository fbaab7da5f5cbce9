-- ANEF, part 2 (third step): OFPRA's birth certificate reaching the request, the person
-- withdrawing, and blockage reports the prefecture must answer.

ALTER TABLE anef_events DROP CONSTRAINT anef_events_event_check;
ALTER TABLE anef_events ADD CONSTRAINT anef_events_event_check CHECK (event IN (
    'draft_started', 'civil_status_confirmed', 'civil_status_error_reported', 'family_saved',
    'child_added', 'child_removed', 'address_saved', 'file_uploaded', 'file_replaced',
    'contacts_saved', 'photo_code_saved', 'declarations_saved', 'filed', 'receipt_issued',
    'attestation_issued', 'late_file_uploaded', 'review_started', 'documents_requested', 'documents_sent',
    'review_resumed', 'decision_favourable', 'decision_refused', 'decision_closed', 'card_in_production',
    'card_available', 'card_handed_over', 'attestation_renewed', 'renewal_blocked', 'birth_certificate_received',
    'withdrawn', 'address_corrected'));

-- "I could not do it online": what the person tried and saw, dated, in the queue of the
-- prefecture of their department until an instructor answers (the answer goes to the contact given).
CREATE TABLE anef_blockage_reports (
    id          bigserial PRIMARY KEY,
    public_id   uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    department  text NOT NULL,
    name        text NOT NULL CHECK (name <> ''),
    contact     text NOT NULL CHECK (contact <> ''),   -- e-mail or E.164 phone, where the answer goes
    identifier  text,                                  -- foreigner or OFPRA number, if the person has one
    tried       text NOT NULL CHECK (tried <> ''),
    saw         text NOT NULL CHECK (saw <> ''),
    screenshot  bytea,
    screenshot_type text CHECK (screenshot_type IN ('image/jpeg', 'image/png')),
    with_structure text,                               -- the accompanying structure helping, if any
    reported_at timestamptz NOT NULL DEFAULT now(),
    answer      text,
    invited_to_counter boolean NOT NULL DEFAULT false,
    answered_by bigint REFERENCES staff_accounts (id),
    answered_at timestamptz,
    CHECK ((answered_at IS NULL) = (answer IS NULL)),
    CHECK ((screenshot IS NULL) = (screenshot_type IS NULL))
);
CREATE INDEX anef_blockage_reports_queue ON anef_blockage_reports (department, answered_at, reported_at);
