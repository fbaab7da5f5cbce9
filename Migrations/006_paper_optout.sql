-- OFPRA space, part 4: opting out to paper letters, and the postal dispatch of later letters.
--
-- A request moves forward one step at a time, each step filling its columns:
--   requested  SPADA staff record it, addressed to an OFII territorial office
--   convoked   the OFII office records the date it convokes the person to sign the form
--   forwarded  the OFII office records the signed form (date + scan): it goes to OFPRA at once
--   decided    OFPRA accepts (the COURRIER_POST letter is deposited) or refuses (with a reason)
-- The CHECKs below make a later step impossible without the earlier ones.

-- Lets a foreign key require the OFII office to be a structure of kind 'ofii'.
ALTER TABLE structures ADD CONSTRAINT structures_id_kind_key UNIQUE (id, kind);

CREATE TABLE paper_optouts (
    id                        bigserial PRIMARY KEY,
    applicant_id              bigint NOT NULL REFERENCES applicants (id),
    requested_at              timestamptz NOT NULL DEFAULT now(),
    requested_by              bigint NOT NULL REFERENCES staff_accounts (id),
    reason                    text NOT NULL CHECK (reason IN ('other_departement', 'vulnerability', 'other')),
    reason_detail             text CHECK (length(reason_detail) <= 1000),
    ofii_office_id            bigint NOT NULL,
    ofii_office_kind          text NOT NULL DEFAULT 'ofii' CHECK (ofii_office_kind = 'ofii'),
    convoked_on               date,
    signed_on                 date,
    signed_form               bytea,
    signed_form_sha256        bytea,
    forwarded_at              timestamptz,
    decided_at                timestamptz,
    decided_by                bigint REFERENCES staff_accounts (id),
    decision                  text CHECK (decision IN ('accepted', 'refused')),
    refusal_reason            text CHECK (length(refusal_reason) <= 2000),
    courrier_post_document_id bigint UNIQUE REFERENCES documents (id),
    FOREIGN KEY (ofii_office_id, ofii_office_kind) REFERENCES structures (id, kind),
    -- "Other" says what the other reason is.
    CHECK (reason <> 'other' OR btrim(coalesce(reason_detail, '')) <> ''),
    -- The form is signed at (or after) the convocation; signing, scan and forwarding go together.
    CHECK (signed_on IS NULL OR (convoked_on IS NOT NULL AND signed_on >= convoked_on)),
    CHECK ((signed_on IS NULL) = (signed_form IS NULL) AND (signed_on IS NULL) = (signed_form_sha256 IS NULL)
           AND (signed_on IS NULL) = (forwarded_at IS NULL)),
    CHECK (signed_form IS NULL OR length(signed_form) > 0),
    -- OFPRA decides only on a forwarded form; a decision is complete or absent.
    CHECK (decided_at IS NULL OR forwarded_at IS NOT NULL),
    CHECK ((decided_at IS NULL) = (decision IS NULL) AND (decided_at IS NULL) = (decided_by IS NULL)),
    CHECK (decision IS DISTINCT FROM 'refused' OR btrim(coalesce(refusal_reason, '')) <> ''),
    CHECK (decision IS DISTINCT FROM 'accepted' OR (courrier_post_document_id IS NOT NULL AND refusal_reason IS NULL)),
    CHECK (courrier_post_document_id IS NULL OR decision = 'accepted')
);
-- At most one request in progress per person, and at most one acceptance ever.
CREATE UNIQUE INDEX paper_optouts_open_key ON paper_optouts (applicant_id) WHERE decided_at IS NULL;
CREATE UNIQUE INDEX paper_optouts_accepted_key ON paper_optouts (applicant_id) WHERE decision = 'accepted';
-- The OFII office's queue and OFPRA's queue.
CREATE INDEX paper_optouts_office_idx ON paper_optouts (ofii_office_id, requested_at) WHERE forwarded_at IS NULL;
CREATE INDEX paper_optouts_awaiting_decision_idx ON paper_optouts (forwarded_at)
    WHERE forwarded_at IS NOT NULL AND decided_at IS NULL;

-- Letters deposited while the person is in paper mode are also posted by OFPRA's mail room.
CREATE TABLE postal_dispatches (
    id           bigserial PRIMARY KEY,
    document_id  bigint NOT NULL UNIQUE REFERENCES documents (id),
    applicant_id bigint NOT NULL REFERENCES applicants (id),
    queued_at    timestamptz NOT NULL DEFAULT now(),
    posted_at    timestamptz,
    posted_by    bigint REFERENCES staff_accounts (id),
    CHECK ((posted_at IS NULL) = (posted_by IS NULL))
);
CREATE INDEX postal_dispatches_pending_idx ON postal_dispatches (queued_at) WHERE posted_at IS NULL;
CREATE INDEX postal_dispatches_applicant_idx ON postal_dispatches (applicant_id);
