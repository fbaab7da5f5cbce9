-- Refused document requests are counted before one is recorded (anonymous probes are capped
-- per document and address, a logged-in person's unknown ids per person, each per day): these
-- indexes keep that count cheap.
CREATE INDEX document_access_refusals_document_at ON document_access_refusals (document_id, at);
CREATE INDEX document_access_refusals_who_at ON document_access_refusals (who, at) WHERE document_id IS NULL;
