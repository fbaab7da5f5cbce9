-- OFPRA space, part 3: who follows whom, the audit trail, closure and paper mode.

-- A person is followed by a SPADA (domiciliation) and possibly a CADA or HUDA (accommodation).
-- Staff see a person only while their structure's link is active.
CREATE TABLE follow_links (
    id           bigserial PRIMARY KEY,
    applicant_id bigint NOT NULL REFERENCES applicants (id),
    structure_id bigint NOT NULL REFERENCES structures (id),
    kind         text NOT NULL CHECK (kind IN ('domiciliation', 'accommodation')),
    started_on   date NOT NULL,
    ended_on     date,
    created_by   bigint REFERENCES staff_accounts (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (ended_on IS NULL OR ended_on >= started_on)
);
CREATE INDEX follow_links_structure_idx ON follow_links (structure_id) WHERE ended_on IS NULL;
CREATE INDEX follow_links_applicant_idx ON follow_links (applicant_id);

-- Every enrolled person starts followed by their SPADA.
INSERT INTO follow_links (applicant_id, structure_id, kind, started_on, created_by)
SELECT id, spada_id, 'domiciliation', (enrolled_at AT TIME ZONE 'Europe/Paris')::date, enrolled_by FROM applicants;

-- Every view or action of staff and agents on a person's data.
CREATE TABLE audit_events (
    id           bigserial PRIMARY KEY,
    staff_id     bigint NOT NULL REFERENCES staff_accounts (id),
    structure_id bigint REFERENCES structures (id),
    role         text NOT NULL,
    action       text NOT NULL,          -- e.g. 'view_person', 'deposit_document', 'reissue_key'
    applicant_id bigint REFERENCES applicants (id),
    detail       text,
    address      text,
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_applicant_idx ON audit_events (applicant_id, at DESC);
CREATE INDEX audit_events_staff_idx ON audit_events (staff_id, at DESC);
CREATE INDEX audit_events_at_idx ON audit_events (at DESC);

ALTER TABLE applicants ADD COLUMN closed_by bigint REFERENCES staff_accounts (id);
-- Set when OFPRA deposits the COURRIER_POST letter: from then on letters also go by post.
ALTER TABLE applicants ADD COLUMN paper_mode_since timestamptz;
