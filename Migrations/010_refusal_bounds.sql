-- Refused document requests are counted before one is recorded (anonymous probes are capped
-- per address and per document and day): these indexes keep that count cheap.
CREATE INDEX document_access_refusals_address_at ON document_access_refusals (address, at);
CREATE INDEX document_access_refusals_document_at ON document_access_refusals (document_id, at);
