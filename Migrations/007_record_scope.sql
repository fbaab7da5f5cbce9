-- Record-level scope of staff, and keys printed only once.

-- structures.guda_site: for a GUDA, the site it is; for a SPADA, the GUDA site where the people
-- it enrols register their application. A GUDA agent acts only on people enrolled by a SPADA of
-- their own site (and, once registered, registered at it). Set on the admin page.
COMMENT ON COLUMN structures.guda_site IS 'GUDA: its site; SPADA: the GUDA site its enrolled people register at';
-- Existing SPADAs go to the GUDA of their town, when there is exactly one.
UPDATE structures s SET guda_site = g.guda_site
FROM (SELECT lower(city) AS city, min(guda_site) AS guda_site FROM structures
      WHERE kind = 'guda' AND guda_site IS NOT NULL GROUP BY lower(city) HAVING count(*) = 1) g
WHERE s.kind = 'spada' AND s.guda_site IS NULL AND lower(s.city) = g.city;

-- A single-use token in each form that prints a key (GUDA registration and reprint, recovery by
-- a structure): the first POST uses it up and mints the key; a reload or the back button
-- re-posts a used token and is told the key was already printed, instead of a new key that
-- would silently kill the one just handed over.
CREATE TABLE print_tokens (
    token        text PRIMARY KEY,
    purpose      text NOT NULL CHECK (purpose IN ('guda_registration', 'guda_reprint', 'structure_recovery')),
    staff_id     bigint NOT NULL REFERENCES staff_accounts (id),
    applicant_id bigint NOT NULL REFERENCES applicants (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    used_at      timestamptz
);
CREATE INDEX print_tokens_unused_idx ON print_tokens (staff_id, applicant_id, purpose) WHERE used_at IS NULL;
