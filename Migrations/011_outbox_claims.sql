-- Batch claims of the spool path: the worker locks a batch of pending messages in a
-- transaction it holds while it delivers them, and records every outcome (and the attempt)
-- with one UPDATE at commit: one write per message instead of two (claim, then outcome).
-- The locks die with a killed worker, so its messages are pending again at once, uncounted.
-- This row, committed on a second connection before the first delivery and deleted by the
-- batch's commit, is what is left of such a batch: whoever finds it with its backend gone (or
-- its heartbeat older than the lease: a hung worker, whose backend is then terminated) counts
-- an attempt for each of its messages, so a message that kills every worker goes dead.
CREATE TABLE outbox_claims (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    worker_id text NOT NULL,
    message_ids bigint[] NOT NULL,
    -- The backend holding the batch's transaction (pid and start: pids are reused).
    backend_pid integer NOT NULL,
    backend_start timestamptz NOT NULL,
    claimed_at timestamptz NOT NULL,
    -- Renewed by the worker's LeaseKeeper like the leases of outbox_messages.
    heartbeat_at timestamptz NOT NULL
);
