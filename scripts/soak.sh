#!/usr/bin/env bash
# `make soak`: drives the most used pages for SOAK_SECONDS (600) on the release bench stack
# (.run-bench/, ASYLUM_BENCH_HTTP_PORT / ASYLUM_BENCH_PG_PORT, 8090 / 5546), samples the app's
# RSS every SOAK_SAMPLE_SECONDS (60), and says whether it grew: the median of the last quarter of
# the samples against the median of the first quarter; more than SOAK_MAX_GROWTH_MB (4) is a
# FAIL (exit 1). The first sample is taken after one warm-up pass over the pages, so caches that
# fill once (templates, prepared statements, thread buffers) count as the start, not as growth.
# Bounded: the load is a series of 1 s wrk runs, and the stack is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd -P)
RUN=$ROOT/.run-bench
PORT=${ASYLUM_BENCH_HTTP_PORT:-8090}
PG_PORT=${ASYLUM_BENCH_PG_PORT:-5546}
BASE=http://127.0.0.1:$PORT
DURATION=${SOAK_SECONDS:-600}
SAMPLE=${SOAK_SAMPLE_SECONDS:-60}
MAX_GROWTH_MB=${SOAK_MAX_GROWTH_MB:-4}

trap 'scripts/services.sh stop "$RUN" >/dev/null 2>&1 || true' EXIT
# shellcheck source=scripts/bench-stack.sh
source scripts/bench-stack.sh
app_pid=$(cat "$RUN/app.pid")

# The pages, as "path|header": what people use most, each with its own session.
pages=("/|" "/connexion|" "/usager/espace|$COOKIE" "$DOC_PATH|$COOKIE" "$PRO_PATH|$PRO_COOKIE"
       "$PRO_PATH?page=2&tri=connexion|$PRO_COOKIE" "$PRO_PATH?signal=absent|$PRO_COOKIE"
       "$OFPRA_PATH|$OFPRA_COOKIE" "$DB_PATH|")
drive() { # drive SECONDS: wrk over each page in turn, SECONDS in all per page
    local p hdr=()
    for p in "${pages[@]}"; do
        hdr=(); [ -n "${p#*|}" ] && hdr=(-H "${p#*|}")
        wrk -t2 -c16 -d"$1s" "${hdr[@]}" "$BASE${p%%|*}" >/dev/null
    done
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$app_pid/status"; }

drive 1
echo "soak: ${DURATION}s over ${#pages[@]} pages (wrk -t2 -c16), RSS every ${SAMPLE}s, app PID $app_pid"
samples=()
start=$(date +%s)
next=$start
while :; do
    now=$(date +%s)
    if [ "$now" -ge "$next" ]; then
        kb=$(rss_kb)
        samples+=("$kb")
        printf '  %4ds  RSS %6.1f MB\n' $((now - start)) "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')"
        next=$((next + SAMPLE))
    fi
    [ $((now - start)) -ge "$DURATION" ] && break
    drive 1
done
samples+=("$(rss_kb)")

# The verdict: last-quarter median vs first-quarter median.
printf '%s\n' "${samples[@]}" | awk -v max="$MAX_GROWTH_MB" '
    function median(a, lo, hi,   n, i, j, v, t) {
        n = 0; for (i = lo; i <= hi; i++) v[++n] = a[i]
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
        return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    { s[++n] = $1 / 1024 }
    END {
        q = int(n / 4); if (q < 1) q = 1
        first = median(s, 1, q); last = median(s, n - q + 1, n); growth = last - first
        printf "RSS: first quarter median %.1f MB, last quarter median %.1f MB, growth %+.1f MB (%d samples, limit %s MB): %s\n",
               first, last, growth, n, max, (growth > max ? "FAIL" : "ok")
        exit (growth > max ? 1 : 0)
    }'
