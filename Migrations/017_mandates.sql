-- ANEF, part 2 (fourth step): the person lets an accompanying structure follow their request
-- (the Aidants Connect model): scoped to one structure, until a date, revocable, journaled.
CREATE TABLE anef_mandates (
    id           bigserial PRIMARY KEY,
    account_id   bigint NOT NULL REFERENCES anef_accounts (id),
    structure_id bigint NOT NULL REFERENCES structures (id),
    granted_at   timestamptz NOT NULL DEFAULT now(),
    expires_on   date NOT NULL,
    revoked_at   timestamptz,
    CHECK (expires_on > (granted_at AT TIME ZONE 'Europe/Paris')::date)
);
-- One live consent per structure and person.
CREATE UNIQUE INDEX anef_mandates_live ON anef_mandates (account_id, structure_id) WHERE revoked_at IS NULL;

ALTER TABLE anef_events DROP CONSTRAINT anef_events_event_check;
ALTER TABLE anef_events ADD CONSTRAINT anef_events_event_check CHECK (event IN (
    'draft_started', 'civil_status_confirmed', 'civil_status_error_reported', 'family_saved',
    'child_added', 'child_removed', 'address_saved', 'file_uploaded', 'file_replaced',
    'contacts_saved', 'photo_code_saved', 'declarations_saved', 'filed', 'receipt_issued',
    'attestation_issued', 'late_file_uploaded', 'review_started', 'documents_requested', 'documents_sent',
    'review_resumed', 'decision_favourable', 'decision_refused', 'decision_closed', 'card_in_production',
    'card_available', 'card_handed_over', 'attestation_renewed', 'renewal_blocked', 'birth_certificate_received',
    'withdrawn', 'address_corrected', 'mandate_granted', 'mandate_revoked', 'contacts_corrected'));

-- A new e-mail or phone waits in its code's row until the code comes back.
ALTER TABLE anef_codes ADD COLUMN target text;
ALTER TABLE anef_codes DROP CONSTRAINT anef_codes_purpose_check;
ALTER TABLE anef_codes ADD CONSTRAINT anef_codes_purpose_check CHECK (purpose IN (
    'verify_email', 'verify_phone', 'reset_password', 'change_email', 'change_phone'));
