#!/usr/bin/env bash
# Crash benchmark of the outbox worker: queue COUNT messages (half SMS, half e-mail, spool
# transport), start asylum-worker, SIGKILL it KILLS times spread over the drain (each time it is
# restarted at once, as a supervisor would), then count from the spool what was received.
#   scripts/bench-worker-kill.sh CONNINFO [WORKER_BINARY] [COUNT] [KILLS]    (30000, 40)
# Prints: lost (queued, no spool file), duplicates at the receiver (outbox ids with more than one
# spool file), re-sends the spool recognised by their idempotency key (the file was already there:
# written by a worker killed before it recorded the outcome; nothing written again),
# the longest delay of a message a killed worker held (sent − that kill, the restart follows at
# once), the time from the last restart to the end of the drain, and the run time.
# Like bench-outbox.sh: a schema of its own (dropped at the end), the spool on tmpfs when
# possible, WORKER_BINARY defaults to $ASYLUM_BIN_DIR/asylum-worker (release if built, else debug).
# ASYLUM_BENCH_TIMEOUT (default 180) bounds the wait for the drain after the last kill.
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 CONNINFO [WORKER_BINARY] [COUNT] [KILLS]" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
conninfo=$1
if [ -z "${ASYLUM_BIN_DIR:-}" ]; then
    ASYLUM_BIN_DIR=$root/.build/debug
    [ -x "$root/.build/release/asylum-worker" ] && ASYLUM_BIN_DIR=$root/.build/release
fi
worker=${2:-$ASYLUM_BIN_DIR/asylum-worker}
count=${3:-30000}
kills=${4:-40}
limit=${ASYLUM_BENCH_TIMEOUT:-180}
[ -x "$worker" ] || { echo "bench-worker-kill: no worker binary at $worker (build it first)" >&2; exit 2; }

schema=bench_kill_$$
case $conninfo in
    postgres://*|postgresql://*)
        sep='?'; [[ $conninfo == *\?* ]] && sep='&'
        scoped="$conninfo${sep}options=-csearch_path%3D$schema%2Cpublic" ;;
    *) scoped="$conninfo options='-csearch_path=$schema,public'" ;;
esac
bench_dir=${ASYLUM_BENCH_DIR:-/tmp}
[ -z "${ASYLUM_BENCH_DIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] && bench_dir=/dev/shm
work=$(mktemp -d "$bench_dir/bench-kill.XXXXXX")
spool=$work/spool
mkdir -p "$spool"

psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
pid=
cleanup() {
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
    psql_q "$conninfo" -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

psql_q "$conninfo" -c "CREATE SCHEMA $schema"
for migration in "$root"/Migrations/*.sql; do
    psql_q "$scoped" -1 -f "$migration" >/dev/null
done
psql_q "$scoped" -v n="$count" >/dev/null <<'SQL'
INSERT INTO outbox_messages (channel, recipient, template, language, params, subject_ref)
SELECT CASE WHEN i % 2 = 0 THEN 'sms' ELSE 'email' END,
       CASE WHEN i % 2 = 0 THEN '+336' || lpad(i::text, 8, '0') ELSE 'bench' || i || '@example.org' END,
       'document_deposited', (ARRAY['fr', 'en', 'ar'])[1 + i % 3], '{}', 'document:bench-' || i
FROM generate_series(1, :n) AS i;
CREATE TABLE bench_kills (worker text PRIMARY KEY, killed_at timestamptz NOT NULL);
VACUUM ANALYZE outbox_messages;
SQL

sent() { psql_q "$scoped" -tAc "SELECT count(*) FROM outbox_messages WHERE state = 'sent'"; }
start_worker() {
    ASYLUM_DATABASE_URL=$scoped ASYLUM_ROOT=$root ASYLUM_SPOOL_DIR=$spool ASYLUM_ENV=bench \
    ASYLUM_EMAIL_TRANSPORT=spool ASYLUM_SMS_TRANSPORT=spool ASYLUM_WORKER_ID=bench-kill-$1 \
    ASYLUM_PUBLIC_URL=https://espace-asile.ofpra.gouv.fr \
        "$worker" --poll-interval 1 2>>"$work/worker.log" &
    pid=$!
}

echo "worker kill: $count messages, $kills SIGKILLs spread over the drain, spool in $bench_dir, worker $worker"
start=$(date +%s.%N)
start_worker 0
for k in $(seq "$kills"); do
    # Kill k once k/(kills+2) of the queue is out: every kill lands mid-drain, with a batch claimed.
    target=$((k * count / (kills + 2)))
    until [ "$(sent)" -ge "$target" ]; do sleep 0.1; done
    # The count moves at commits: a random pause so the kill does not always land just after one.
    sleep "0.$(printf %03d $((RANDOM % 100)))"
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
    psql_q "$scoped" -c "INSERT INTO bench_kills VALUES ('bench-kill-$((k - 1))', now())" >/dev/null
    start_worker "$k"
done
restarted=$(date +%s.%N)
SECONDS=0
until [ "$(sent)" -ge "$count" ]; do
    if [ "$SECONDS" -ge "$limit" ]; then
        echo "bench-worker-kill: not drained $limit s after the last restart" >&2
        psql_q "$scoped" -c "SELECT state, count(*) FROM outbox_messages GROUP BY state" >&2
        break
    fi
    sleep 0.1
done
end=$(date +%s.%N)
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
pid=

# From the spool: one file per delivered message, named <queued at>-<outbox id>.<ext>.
files=$(find "$spool" -maxdepth 1 -type f ! -name '.*' | wc -l)
distinct=$(find "$spool" -maxdepth 1 -type f ! -name '.*' -printf '%f\n' | sed 's/^[^-]*-\([0-9]*\)\..*/\1/' | sort -u | wc -l)
duplicates=$((files - distinct))
files=$distinct
recognised=$(grep -c 'already delivered (same idempotency key)' "$work/worker.log" || true)
temps=$(find "$spool" -maxdepth 1 -name '.tmp-*' | wc -l)
# Messages a killed worker held were rescued from it: last_error names it (a lease it held, or
# the claim row of a spool batch it locked).
read -r delayed max_delay states < <(psql_q "$scoped" -tA -F ' ' <<'SQL'
SELECT count(*), coalesce(round(max(extract(epoch FROM m.sent_at - k.killed_at))::numeric, 1), 0),
       (SELECT string_agg(state || '=' || n, ',' ORDER BY state) FROM
            (SELECT state, count(*) AS n FROM outbox_messages GROUP BY state) s)
FROM outbox_messages m
JOIN bench_kills k ON m.last_error LIKE 'lease expired: ' || k.worker || ' claimed%'
                   OR m.last_error LIKE 'worker ' || k.worker || ' claimed%'
SQL
)
awk -v n="$count" -v k="$kills" -v f="$files" -v d="$duplicates" -v rs="$recognised" -v t="$temps" -v held="$delayed" \
    -v md="$max_delay" -v s="$states" -v a="$start" -v r="$restarted" -v b="$end" 'BEGIN {
    printf "worker kill: lost %d, duplicates %d (%.2f per kill, %.3f%%), re-sends recognised by their key %d " \
           "(%.1f per kill, not written again), %d messages held by killed workers, " \
           "the longest %.1f s after its kill; drained %.1f s after the last restart; run %.1f s; " \
           "states %s; stale temp files %d\n",
           n - f, d, d / k, 100 * d / n, rs, rs / k, held, md, b - r, b - a, s, t }'
