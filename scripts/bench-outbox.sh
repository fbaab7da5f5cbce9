#!/usr/bin/env bash
# Drain benchmark of the outbox worker: queue COUNT messages at once, time `asylum-worker --once`
# delivering them to the spool with 1 worker, then with 2 workers in parallel.
#   scripts/bench-outbox.sh CONNINFO [WORKER_BINARY] [COUNT]
# CONNINFO is a libpq conninfo; the run uses a schema of its own (dropped at the end), so the
# database's own outbox is untouched. WORKER_BINARY defaults to $ASYLUM_BIN_DIR/asylum-worker
# (ASYLUM_BIN_DIR defaults to .build/release when it exists, else .build/debug).
# Each run is cut after ASYLUM_BENCH_TIMEOUT seconds (default 300). Prints one line per run.
# ASYLUM_BENCH_WORKERS lists the runs (default "1 2": one worker, then two in parallel).
# The spool goes to ASYLUM_BENCH_DIR (default /dev/shm when writable, else /tmp): on tmpfs the
# figure is the worker's and the database's, not the disk's.
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 CONNINFO [WORKER_BINARY] [COUNT]" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
conninfo=$1
if [ -z "${ASYLUM_BIN_DIR:-}" ]; then
    ASYLUM_BIN_DIR=$root/.build/debug
    [ -x "$root/.build/release/asylum-worker" ] && ASYLUM_BIN_DIR=$root/.build/release
fi
worker=${2:-$ASYLUM_BIN_DIR/asylum-worker}
count=${3:-100000}
limit=${ASYLUM_BENCH_TIMEOUT:-300}
batch=${ASYLUM_BENCH_BATCH:-500}
[ -x "$worker" ] || { echo "bench-outbox: no worker binary at $worker (build it first)" >&2; exit 2; }

schema=bench_outbox_$$
case $conninfo in
    postgres://*|postgresql://*)
        sep='?'; [[ $conninfo == *\?* ]] && sep='&'
        scoped="$conninfo${sep}options=-csearch_path%3D$schema%2Cpublic" ;;
    *) scoped="$conninfo options='-csearch_path=$schema,public'" ;;
esac
bench_dir=${ASYLUM_BENCH_DIR:-/tmp}
[ -z "${ASYLUM_BENCH_DIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] && bench_dir=/dev/shm
work=$(mktemp -d "$bench_dir/bench-outbox.XXXXXX")

psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
cleanup() {
    psql_q "$conninfo" -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

psql_q "$conninfo" -c "CREATE SCHEMA $schema"
for migration in "$root"/Migrations/*.sql; do
    psql_q "$scoped" -1 -f "$migration" >/dev/null
done

# Half SMS, half e-mail, in the three languages, like a morning of document deposits.
fill() {
    psql_q "$scoped" -v n="$count" >/dev/null <<'SQL'
TRUNCATE outbox_messages;
INSERT INTO outbox_messages (channel, recipient, template, language, params, subject_ref)
SELECT CASE WHEN i % 2 = 0 THEN 'sms' ELSE 'email' END,
       CASE WHEN i % 2 = 0 THEN '+336' || lpad(i::text, 8, '0') ELSE 'bench' || i || '@example.org' END,
       'document_deposited', (ARRAY['fr', 'en', 'ar'])[1 + i % 3], '{}', 'document:bench-' || i
FROM generate_series(1, :n) AS i;
VACUUM ANALYZE outbox_messages;
SQL
}

run() {
    local workers=$1 spool=$work/spool-$1 pids=() status=0
    fill
    mkdir -p "$spool"
    local start end
    start=$(date +%s.%N)
    for i in $(seq "$workers"); do
        ASYLUM_DATABASE_URL=$scoped ASYLUM_ROOT=$root ASYLUM_SPOOL_DIR=$spool ASYLUM_ENV=bench \
        ASYLUM_EMAIL_TRANSPORT=spool ASYLUM_SMS_TRANSPORT=spool ASYLUM_WORKER_ID=bench-$i \
        ASYLUM_PUBLIC_URL=https://espace-asile.ofpra.gouv.fr \
            timeout "$limit" "$worker" --once --batch-size "$batch" 2>"$work/worker-$workers-$i.log" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || status=$?; done
    end=$(date +%s.%N)
    local sent files
    sent=$(psql_q "$scoped" -tAc "SELECT count(*) FROM outbox_messages WHERE state = 'sent'")
    files=$(find "$spool" -maxdepth 1 -type f ! -name '.*' | wc -l)
    awk -v w="$workers" -v s="$sent" -v f="$files" -v n="$count" -v a="$start" -v b="$end" -v st="$status" 'BEGIN {
        t = b - a; printf "outbox drain: %d worker(s): %d/%d sent, %d files in %.2f s = %.0f messages/s%s\n",
        w, s, n, f, t, s / t, (st != 0 ? " (worker exit " st ", see logs)" : "") }'
    [ "$status" -eq 0 ] || tail -n 5 "$work"/worker-"$workers"-*.log >&2
    rm -rf "$spool"
}

echo "outbox drain: $count messages, batch $batch, spool in $bench_dir, worker $worker"
for w in ${ASYLUM_BENCH_WORKERS:-1 2}; do run "$w"; done
