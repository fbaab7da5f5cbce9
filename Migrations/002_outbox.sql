-- Outbox: every SMS and e-mail, written in the same transaction as the event that causes it,
-- then delivered by the asylum-worker process.
--
-- States:
--   pending  waiting for delivery at next_attempt_at (new, or after a temporary failure:
--            attempts > 0 and last_error say so)
--   sending  claimed by the worker locked_by at locked_at; back to pending if that worker
--            stops holding it past the lease (it died)
--   sent     the transport accepted it (provider_ref keeps the provider's id)
--   failed   never deliverable as written: unknown template or language, a missing parameter,
--            a malformed recipient. A fault on our side; retry after the fix.
--   dead     the provider refused it for good, or every attempt failed. Needs a person.
--
-- attempts counts claims: it rises when a worker takes the message and falls back when a
-- worker hands it back unused at shutdown.
--
-- Dedup: a message is "alive" while pending, sending or sent. A second message with the same
-- dedup_key is not created while one is alive; once the first is failed or dead, a new one may
-- be queued. Keys are chosen by the caller and say what must happen at most once, e.g.
-- 'document_deposited:sms:<document id>' or 'contact_code:<request id>'.
CREATE TABLE outbox_messages (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel text NOT NULL CHECK (channel IN ('sms', 'email')),
    recipient text NOT NULL CHECK (recipient <> ''),
    template text NOT NULL,
    language text NOT NULL,
    params jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
    dedup_key text,
    -- Which person or document this is about (e.g. 'person:<uuid>'), for the staff history.
    subject_ref text,
    state text NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'dead')),
    attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    locked_by text,
    locked_at timestamptz,
    last_error text,
    provider_ref text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    CHECK ((state = 'sending') = (locked_by IS NOT NULL AND locked_at IS NOT NULL)),
    CHECK ((state = 'sent') = (sent_at IS NOT NULL))
);

-- The worker's claim: due pending messages, oldest due first.
CREATE INDEX outbox_messages_due ON outbox_messages (next_attempt_at, id) WHERE state = 'pending';
-- Lease rescue: messages held by a worker, by claim time.
CREATE INDEX outbox_messages_leased ON outbox_messages (locked_at) WHERE state = 'sending';
-- The staff page: dead/failed messages, newest first.
CREATE INDEX outbox_messages_undelivered ON outbox_messages (updated_at DESC) WHERE state IN ('failed', 'dead');
CREATE UNIQUE INDEX outbox_messages_dedup ON outbox_messages (dedup_key)
    WHERE dedup_key IS NOT NULL AND state IN ('pending', 'sending', 'sent');
CREATE INDEX outbox_messages_recipient ON outbox_messages (recipient, created_at DESC);
CREATE INDEX outbox_messages_subject ON outbox_messages (subject_ref, created_at DESC) WHERE subject_ref IS NOT NULL;
