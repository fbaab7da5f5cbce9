-- ANEF, part 2 (first step): one state machine for a request, enforced here, and the
-- prefectures that instruct requests (each one its department).

ALTER TABLE structures ADD COLUMN department text;
ALTER TABLE structures ADD CONSTRAINT structures_prefecture_department
    CHECK ((kind = 'prefecture') = (department IS NOT NULL));

-- Every state a request can be in (issue 13's list) …
ALTER TABLE anef_requests DROP CONSTRAINT anef_requests_state_check;
ALTER TABLE anef_requests ADD CONSTRAINT anef_requests_state_check CHECK (state IN (
    'draft', 'filed', 'under_review', 'documents_requested', 'favourable', 'card_in_production', 'card_available',
    'card_handed_over', 'refused', 'closed', 'withdrawn'));

-- … and the only moves between them. Domain.PermitRequestState says the same; a test compares
-- the two. The trigger refuses any other UPDATE of the state, whoever writes it.
CREATE TABLE anef_state_transitions (
    from_state text NOT NULL,
    to_state   text NOT NULL,
    PRIMARY KEY (from_state, to_state)
);
INSERT INTO anef_state_transitions VALUES
    ('draft', 'filed'), ('draft', 'withdrawn'),
    ('filed', 'under_review'), ('filed', 'withdrawn'),
    ('under_review', 'documents_requested'), ('documents_requested', 'under_review'),
    ('under_review', 'favourable'), ('under_review', 'refused'), ('under_review', 'closed'),
    ('documents_requested', 'closed'),
    ('under_review', 'withdrawn'), ('documents_requested', 'withdrawn'),
    ('favourable', 'card_in_production'), ('card_in_production', 'card_available'),
    ('card_available', 'card_handed_over');

CREATE FUNCTION anef_request_state_guard() RETURNS trigger AS $$
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state AND NOT EXISTS (
        SELECT 1 FROM anef_state_transitions WHERE from_state = OLD.state AND to_state = NEW.state) THEN
        RAISE EXCEPTION 'request % cannot go from % to %', OLD.id, OLD.state, NEW.state USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER anef_requests_state_guard BEFORE UPDATE OF state ON anef_requests
    FOR EACH ROW EXECUTE FUNCTION anef_request_state_guard();

-- The history records who moved the request (staff acts are also in audit_events).
ALTER TABLE anef_events DROP CONSTRAINT anef_events_event_check;
ALTER TABLE anef_events ADD CONSTRAINT anef_events_event_check CHECK (event IN (
    'draft_started', 'civil_status_confirmed', 'civil_status_error_reported', 'family_saved',
    'child_added', 'child_removed', 'address_saved', 'file_uploaded', 'file_replaced',
    'contacts_saved', 'photo_code_saved', 'declarations_saved', 'filed', 'receipt_issued',
    'attestation_issued', 'late_file_uploaded', 'review_started'));

-- The instructor's queue reads open requests of one department by filing date.
CREATE INDEX anef_requests_queue_idx ON anef_requests (department, state, filed_at);
