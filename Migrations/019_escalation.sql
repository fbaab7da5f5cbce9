-- Issue 14: nobody loses an appeal to an unread letter.
--
-- document_events: the legal facts the jobs add to a document's timeline (the rest of the
-- timeline is read where it already lives: the deposit, the messages and their receipts, the
-- first consultation, platform outages). Append-only; `step_key` makes each step happen once
-- however many workers run the job (e.g. 'structure_alert', 'deadline:legal_aid_request:7').
CREATE TABLE document_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id bigint NOT NULL REFERENCES documents (id),
    kind        text NOT NULL CHECK (kind IN (
                    'message_retried',          -- the failed message sent again on its channel
                    'other_channel',            -- announced on the person's other channel
                    'no_channel_left',          -- nothing left to reach the person by
                    'structure_alerted',        -- the accompanying structure told (e-mail + dashboard)
                    'structure_alerted_again',
                    'deadline_reminder')),      -- a reminder before a legal time limit
    step_key    text NOT NULL,
    at          timestamptz NOT NULL,
    -- Which channel, structure, time limit: never the document's content.
    detail      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(detail) = 'object'),
    UNIQUE (document_id, step_key)
);
CREATE INDEX document_events_document_idx ON document_events (document_id, at);

-- A structure's functional address (the team's mailbox, not one employee's): where the
-- escalation e-mails go. Without one, the dashboard flag is the only alert.
ALTER TABLE structures ADD COLUMN email text
    CHECK (email IS NULL OR email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$');
