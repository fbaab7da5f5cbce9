-- Issue 14: what became of each message (GOV.UK Notify's model), the providers' receipts that
-- say so, and the platform's outages (they matter for deadlines).
--
-- delivery_status is what people see; `state` stays the queue's own mechanics (Domain
-- DeliveryStatus says what each value means):
--   created → sending → delivered, or permanent_failure / temporary_failure / technical_failure.
-- The worker sets it with each outcome; a receipt (POST /api/accuses-de-reception) settles it
-- by DeliveryStatus.settle, of which delivery_rank below is the SQL half (keep them together).
-- delivery_status_at: the provider's time of that status when it came from a receipt, else ours.
-- delivery_from_receipt: a receipt set it; the worker's later outcomes may then only raise it
-- (a flag on the row, not a look at delivery_receipts: the worker's UPDATE, waiting on the
-- receipt's row lock, rereads the row but not other tables).
ALTER TABLE outbox_messages
    ADD COLUMN delivery_status text NOT NULL DEFAULT 'created'
        CHECK (delivery_status IN ('created', 'sending', 'delivered', 'permanent_failure',
                                   'temporary_failure', 'technical_failure')),
    ADD COLUMN delivery_status_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN delivery_from_receipt boolean NOT NULL DEFAULT false;

-- What the rows already say. Sent by the spool or SMTP: delivered (nothing further comes, or
-- the mail server took it); sent to an SMS gateway (a provider id, not a spool file name):
-- sending until its receipt. Dead after exhausted retries: temporary; after a worker that never
-- reported back: technical; otherwise the provider refused it: permanent.
UPDATE outbox_messages SET
    delivery_status = CASE
        WHEN state = 'pending' AND attempts = 0 THEN 'created'
        WHEN state = 'pending' THEN 'temporary_failure'
        WHEN state = 'sending' THEN 'sending'
        WHEN state = 'sent' AND channel = 'sms' AND coalesce(provider_ref, '') NOT LIKE '%.sms.txt' THEN 'sending'
        WHEN state = 'sent' THEN 'delivered'
        WHEN state = 'failed' THEN 'technical_failure'
        WHEN last_error LIKE 'gave up after %' THEN 'temporary_failure'
        WHEN last_error LIKE '%never reported back' THEN 'technical_failure'
        ELSE 'permanent_failure'
    END,
    delivery_status_at = CASE WHEN state = 'sent' THEN sent_at WHEN state = 'pending' AND attempts = 0 THEN created_at ELSE updated_at END;

-- DeliveryStatus.rank, for the worker's single-statement updates.
CREATE FUNCTION delivery_rank(status text) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE status
        WHEN 'created' THEN 0 WHEN 'sending' THEN 1 WHEN 'temporary_failure' THEN 2 WHEN 'delivered' THEN 3
        ELSE 4 END;

-- What providers said about a message, as they said it. A replayed callback is the same row
-- (same message, status and provider time): inserted once.
CREATE TABLE delivery_receipts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id bigint NOT NULL REFERENCES outbox_messages (id),
    -- The provider's id of the message, as the receipt gave it.
    provider_ref text,
    status text NOT NULL
        CHECK (status IN ('sending', 'delivered', 'permanent_failure', 'temporary_failure', 'technical_failure')),
    -- The provider's time of that status; received_at is ours.
    reported_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (message_id, status, reported_at)
);

-- The platform unable to reach a part it needs for more than a few minutes, recorded by the
-- worker (OutageRecorder): the database (written once it answers again), or a message provider
-- (opened while it lasts, ended_at NULL, closed at the next success).
CREATE TABLE platform_outages (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    component text NOT NULL CHECK (component IN ('database', 'sms_provider', 'email_provider')),
    started_at timestamptz NOT NULL,
    ended_at timestamptz,
    CHECK (ended_at >= started_at)
);
-- Timelines ask which outages overlap a period.
CREATE INDEX platform_outages_time ON platform_outages (started_at, ended_at);
-- One ongoing outage per component, however many workers see it.
CREATE UNIQUE INDEX platform_outages_ongoing ON platform_outages (component) WHERE ended_at IS NULL;
