#!/usr/bin/env bash
# `make bench`: throughput of a static file, the home page and a database page, through nginx,
# the outbox drain rate and the worker kill figures (scripts/bench-outbox.sh, bench-worker-kill.sh),
# on a release stack in .run-bench/ (http://127.0.0.1:8090, postgres port 5546), stopped at the
# end. Prints a table; writes no result file. Loopback only, each run bounded by wrk's -d.
# Expects `swift build -c release` to have been run (the Makefile does it).
# Environment: BENCH_DB_PATH (default /healthz, a database read), ASYLUM_ENV (production).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd -P)
RUN=$ROOT/.run-bench
PORT=8090
BASE=http://127.0.0.1:$PORT
WRK=(wrk -t2 -c32 --latency)

trap 'scripts/services.sh stop "$RUN" >/dev/null 2>&1 || true' EXIT

ASYLUM_ENV=${ASYLUM_ENV:-production} scripts/services.sh start "$RUN" "$PORT" 5546 release
# shellcheck source=/dev/null
source "$RUN/env"
.build/release/asylum-admin seed-demo >/dev/null

STATIC_PATH=/static/css/app.css
[ -f Public/css/app.css ] || STATIC_PATH=/static/errors/502.html    # until the stylesheet exists
DB_PATH=${BENCH_DB_PATH:-/healthz}

static_rps=
# bench_http NAME PATH: a 2 s warm-up, then 10 s measured; prints one table row.
bench_http() {
    local name=$1 path=$2 out rps p99 bad errors ratio
    if ! curl -fsS -o /dev/null "$BASE$path"; then
        echo "bench.sh: $BASE$path does not answer" >&2
        exit 1
    fi
    "${WRK[@]}" -d2s "$BASE$path" >/dev/null
    out=$("${WRK[@]}" -d10s "$BASE$path")
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    # wrk prints latencies as 812.00us, 1.23ms or 1.02s: convert p99 to ms.
    p99=$(awk '$1 == "99%" { v = $2 + 0
        if ($2 ~ /us$/) v /= 1000; else if ($2 ~ /[0-9]s$/) v *= 1000; else if ($2 ~ /m$/) v *= 60000
        printf "%.2f", v }' <<<"$out")
    bad=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
    errors=$(awk -F'[ ,]+' '/Socket errors:/ { print $5 + $7 + $9 + $11 }' <<<"$out")
    static_rps=${static_rps:-$rps}
    ratio=$(awk -v a="$rps" -v b="$static_rps" 'BEGIN { printf "%.3f", a / b }')
    printf '%-8s %-24s %12s %10s %10s %12s %8s\n' "$name" "$path" "$rps" "$p99" "$ratio" "${bad:-0}" "${errors:-0}"
}

# Hook for the outbox drain benchmark (asylum-worker): enqueue N messages, time how long the
# worker takes to spool them all, print a row. Nothing to measure until the worker exists.
# The outbox drain rate: 100,000 pending messages, one worker then two (target ≥ 5,000/s).
bench_outbox_drain() {
    echo
    echo "outbox drain (spool transport, 100,000 messages)"
    scripts/bench-outbox.sh "$ASYLUM_DATABASE_URL" .build/release/asylum-worker 100000
}

echo
echo "${WRK[*]} -d10s, through nginx on $BASE ($(nproc) cores, ASYLUM_THREADS=$ASYLUM_THREADS)"
printf '%-8s %-24s %12s %10s %10s %12s %8s\n' page path "req/s" "p99 ms" "vs static" "non-2xx/3xx" errors
bench_http static "$STATIC_PATH"
bench_http home /
bench_http db "$DB_PATH"
bench_outbox_drain

# Crash semantics: 40 SIGKILLs of the worker during a 30,000-message drain (lost, duplicates,
# delay after a restart). About a minute.
echo
echo "worker kill (spool transport, 30,000 messages, 40 SIGKILLs)"
scripts/bench-worker-kill.sh "$ASYLUM_DATABASE_URL" .build/release/asylum-worker 30000 40
