#!/usr/bin/env bash
# `make bench`: the pages' throughput through nginx next to a C baseline measured in the same run,
# then the outbox drain rate and the worker kill figures (scripts/bench-outbox.sh,
# bench-worker-kill.sh), on a release stack in .run-bench/ (http://127.0.0.1:8090, postgres port
# 5546), stopped at the end. Prints tables; writes no result file. Loopback only, each run bounded
# by wrk's -d.
#
# The baseline (bench/baseline/baseline.c, built here into .build-baseline/) is a libfcgi + libpq
# program with the app's thread count, behind the same nginx: this script adds a `/__baseline/`
# location to the bench stack's generated include (.run-bench/nginx/instance-server.conf) and
# reloads nginx; nginx.conf and the other stacks are untouched. It serves the app's home page as a
# constant, the applicant's space with the app's three statements for the demo applicant's
# session (logged in here through the real login form), and the professional dashboard with the
# app's seven statements for the demo CADA's session, a list page of the same weight as the app's.
#
# Each round runs, one after the other: static file, baseline home, app home, baseline space, app
# space, the staff login page, the applicant's document page, baseline dashboard, the professional
# dashboard (the demo CADA following 200 people, seeded by bench/seed-followed.sql), the OFPRA
# person page and /healthz (each wrk -t2 -c32 after a 1 s warm-up). Pages without database work are compared with
# the baseline's constant page, the dashboard with the baseline's dashboard, the others with the
# baseline's space (the same session lookup).
# After the table: the app's RSS (target <= 64 MB) and each page's size transferred with a
# browser's Accept-Encoding (target <= 30 KB). The table shows the median over the
# rounds of req/s and p99, the ratio app/baseline of the medians, and the CPU used by wrk, nginx,
# the app (or the baseline) and PostgreSQL during the measured runs, in % of one core (median).
# Expects `swift build -c release` to have been run (the Makefile does it).
# Environment: BENCH_ROUNDS (3), BENCH_SECONDS (5), BENCH_ONLY=pages (skip the outbox drain and
# the worker kill), BENCH_DB_PATH (/healthz, a database read), BENCH_FOLLOWED (200), ASYLUM_ENV (production),
# ASYLUM_BENCH_HTTP_PORT / ASYLUM_BENCH_PG_PORT (8090 / 5546).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd -P)
RUN=$ROOT/.run-bench
PORT=${ASYLUM_BENCH_HTTP_PORT:-8090}
PG_PORT=${ASYLUM_BENCH_PG_PORT:-5546}
BASE=http://127.0.0.1:$PORT
WRK=(wrk -t2 -c32 --latency)
ROUNDS=${BENCH_ROUNDS:-3}
SECONDS_PER_RUN=${BENCH_SECONDS:-5}
ONLY=${BENCH_ONLY:-all}
HZ=$(getconf CLK_TCK)

baseline_pid=
cleanup() {
    if [ -n "$baseline_pid" ]; then
        kill "$baseline_pid" 2>/dev/null || true
        wait "$baseline_pid" 2>/dev/null || true
        rm -f "$RUN/baseline.pid"
    fi
    scripts/services.sh stop "$RUN" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# The baseline: gcc -O2, rebuilt when its source is newer than the binary.
mkdir -p .build-baseline
if [ ! -x .build-baseline/baseline ] || [ bench/baseline/baseline.c -nt .build-baseline/baseline ]; then
    gcc -O2 -Wall -Wextra -I"$(pg_config --includedir)" -o .build-baseline/baseline bench/baseline/baseline.c \
        -lfcgi -lpq -lsodium -lpthread
fi

# The stack, the seeds and the sessions.
# shellcheck source=scripts/bench-stack.sh
source scripts/bench-stack.sh

# The baseline's inputs: the app's real pages, fetched once.
curl -fsS -o "$RUN/baseline/home.html" "$BASE/"
curl -fsS -H "$COOKIE" -o "$RUN/baseline/space.html" "$BASE/usager/espace"
curl -fsS -H "$PRO_COOKIE" -o "$RUN/baseline/pro.html" "$BASE$PRO_PATH"
# One left by a bench that was killed: its PID file, checked against its command line.
old=$(cat "$RUN/baseline.pid" 2>/dev/null || true)
if [ -n "$old" ] && tr '\0' ' ' <"/proc/$old/cmdline" 2>/dev/null | grep -q build-baseline/baseline; then
    kill "$old" || true
fi
rm -f "$RUN/baseline.sock"
.build-baseline/baseline "$RUN/baseline.sock" "$ASYLUM_DATABASE_URL" "$RUN/baseline/home.html" \
    "$RUN/baseline/space.html" "$RUN/baseline/pro.html" "$ASYLUM_THREADS" >>"$RUN/logs/baseline.log" 2>&1 &
baseline_pid=$!
echo "$baseline_pid" >"$RUN/baseline.pid"
for _ in $(seq 50); do [ -S "$RUN/baseline.sock" ] && break; sleep 0.1; done

# Routed like the app's `location /` (same fastcgi params and buffers), in the bench stack only.
cat >>"$RUN/nginx/instance-http.conf" <<EOF
upstream asylum_baseline {
    server unix:$RUN/baseline.sock;
}
EOF
cat >>"$RUN/nginx/instance-server.conf" <<'EOF'
location /__baseline/ {
    include /etc/nginx/fastcgi_params;
    fastcgi_param REQUEST_ID $request_id;
    fastcgi_pass asylum_baseline;
    fastcgi_intercept_errors off;
    fastcgi_connect_timeout 5s;
    fastcgi_buffer_size 32k;
    fastcgi_buffers 16 32k;
    add_header X-Request-Id $request_id always;
}
EOF
nginx_pid=$(cat "$RUN/nginx/nginx.pid")
/usr/sbin/nginx -p "$RUN/nginx/" -c "$RUN/nginx/nginx.conf" -t -q
kill -HUP "$nginx_pid"
for _ in $(seq 50); do
    curl -fsS -o /dev/null "$BASE/__baseline/" 2>/dev/null && break
    sleep 0.1
done
for pair in "/__baseline/|$COOKIE" "/__baseline/usager/espace|$COOKIE" "/__baseline/pro/suivi|$PRO_COOKIE"; do
    curl -fsS -H "${pair#*|}" -o /dev/null "$BASE${pair%%|*}" || { echo "bench.sh: $BASE${pair%%|*} does not answer" >&2; exit 1; }
done

# children PID: the PIDs whose parent is PID (nginx workers, postgres backends).
children() {
    local f stat
    for f in /proc/[0-9]*/stat; do
        stat=$(cat "$f" 2>/dev/null) || continue
        stat=${stat##*) }
        read -r _ ppid _ <<<"$stat"
        [ "$ppid" = "$1" ] && { f=${f#/proc/}; echo "${f%/stat}"; }
    done
    return 0
}
pg_master=$(head -n 1 "$RUN/pg-socket/.s.PGSQL.$PG_PORT.lock" 2>/dev/null || head -n 1 "$RUN/pg/postmaster.pid")
# ticks PID...: utime + stime of these processes (all their threads), in clock ticks.
ticks() {
    local pid stat sum=0
    for pid in "$@"; do
        stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
        stat=${stat##*) }
        read -r -a f <<<"$stat"
        sum=$((sum + f[11] + f[12]))
    done
    echo "$sum"
}

# measure NAME PATH SERVER_PID [HEADER]: one warmed-up wrk run; appends a line to $RUN/bench.tsv:
# name rps p99_ms non2xx errors cpu%: wrk nginx server pg
measure() {
    local name=$1 path=$2 server=$3 header=${4:-} out rps p99 bad errors t0 t1 n0 n1 s0 s1 p0 p1 nginx_pids pg_pids
    local hdr=()
    [ -n "$header" ] && hdr=(-H "$header")
    "${WRK[@]}" "${hdr[@]}" -d1s "$BASE$path" >/dev/null
    mapfile -t nginx_pids < <(echo "$nginx_pid"; children "$nginx_pid")
    mapfile -t pg_pids < <(echo "$pg_master"; children "$pg_master")
    n0=$(ticks "${nginx_pids[@]}"); s0=$(ticks "$server"); p0=$(ticks "${pg_pids[@]}"); t0=$(date +%s.%N)
    # `times` in the subshell: its second line is the CPU time of its children, i.e. wrk's.
    out=$("${WRK[@]}" "${hdr[@]}" -d"${SECONDS_PER_RUN}s" "$BASE$path"; times)
    t1=$(date +%s.%N); n1=$(ticks "${nginx_pids[@]}"); s1=$(ticks "$server"); p1=$(ticks "${pg_pids[@]}")
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    # wrk prints latencies as 812.00us, 1.23ms or 1.02s: convert p99 to ms.
    p99=$(awk '$1 == "99%" { v = $2 + 0
        if ($2 ~ /us$/) v /= 1000; else if ($2 ~ /[0-9]s$/) v *= 1000; else if ($2 ~ /m$/) v *= 60000
        printf "%.2f", v }' <<<"$out")
    bad=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
    errors=$(awk -F'[ ,]+' '/Socket errors:/ { print $5 + $7 + $9 + $11 }' <<<"$out")
    # times: "0m1.230s 0m0.410s" (user, system); the last line is the children's.
    local wrk_s
    wrk_s=$(tail -n 1 <<<"$out" | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); s += a[1] * 60 + a[2] } print s }')
    awk -v n="$name" -v r="$rps" -v p="$p99" -v b="${bad:-0}" -v e="${errors:-0}" -v w="$wrk_s" -v hz="$HZ" \
        -v t="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
        -v ng=$((n1 - n0)) -v sv=$((s1 - s0)) -v pg=$((p1 - p0)) \
        'BEGIN { printf "%s\t%s\t%s\t%s\t%s\t%.0f\t%.0f\t%.0f\t%.0f\n", n, r, p, b, e,
                 100 * w / t, 100 * ng / hz / t, 100 * sv / hz / t, 100 * pg / hz / t }' >>"$RUN/bench.tsv"
}

app_pid=$(cat "$RUN/app.pid")
: >"$RUN/bench.tsv"
echo
echo "${WRK[*]} -d${SECONDS_PER_RUN}s (after -d1s), $ROUNDS rounds, through nginx on $BASE"
echo "($(nproc) cores, ASYLUM_THREADS=$ASYLUM_THREADS, baseline threads $ASYLUM_THREADS, load average $(cut -d' ' -f1-3 /proc/loadavg))"
for round in $(seq "$ROUNDS"); do
    if [ -t 2 ]; then printf '  round %s/%s\r' "$round" "$ROUNDS" >&2; fi
    measure static "$STATIC_PATH" "$app_pid"
    measure "C home" /__baseline/ "$baseline_pid"
    measure home / "$app_pid"
    measure "C space" /__baseline/usager/espace "$baseline_pid" "$COOKIE"
    measure space /usager/espace "$app_pid" "$COOKIE"
    measure login /connexion "$app_pid"
    measure document "$DOC_PATH" "$app_pid" "$COOKIE"
    measure "C pro" /__baseline/pro/suivi "$baseline_pid" "$PRO_COOKIE"
    measure pro "$PRO_PATH" "$app_pid" "$PRO_COOKIE"
    measure ofpra "$OFPRA_PATH" "$app_pid" "$OFPRA_COOKIE"
    measure db "$DB_PATH" "$app_pid"
done
if [ -t 2 ]; then printf '%20s\r' '' >&2; fi

# The table: medians over the rounds; the ratio is app median / baseline median.
awk -F'\t' -v static="$STATIC_PATH" -v db="$DB_PATH" -v doc="$DOC_PATH" -v pro="$PRO_PATH" -v ofpra="$OFPRA_PATH" '
    function median(key, col,   n, i, j, v, t) {
        n = split(vals[key, col], v, " ")
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
        return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    function sum(key, col,   n, i, v, s) { n = split(vals[key, col], v, " "); for (i = 1; i <= n; i++) s += v[i]; return s }
    { if (!($1 in seen)) { seen[$1] = 1; order[++count] = $1 }
      for (c = 2; c <= 9; c++) vals[$1, c] = vals[$1, c] " " $c }
    END {
        path["static"] = static; path["C home"] = "/__baseline/"; path["home"] = "/"
        path["C space"] = "/__baseline/usager/espace"; path["space"] = "/usager/espace"; path["db"] = db
        path["login"] = "/connexion"; path["document"] = doc; path["pro"] = pro; path["ofpra"] = ofpra
        path["C pro"] = "/__baseline/pro/suivi"
        # Pages without database work are compared with the constant page, the dashboard with the
        # baseline dashboard, the others with the baseline space (the same session lookup, then two more).
        base["home"] = "C home"; base["login"] = "C home"; base["pro"] = "C pro"
        base["space"] = "C space"; base["document"] = "C space"; base["ofpra"] = "C space"
        printf "%-8s %-34s %10s %8s %15s %6s %6s %6s %6s %8s %6s\n", "page", "path", "req/s", "p99 ms", "vs C", \
               "wrk%", "nginx%", "app%", "pg%", "non-2xx", "errors"
        for (i = 1; i <= count; i++) {
            k = order[i]
            ratio = (k in base) ? sprintf("%.3f %s", median(k, 2) / median(base[k], 2), substr(base[k], 3)) : "-"
            printf "%-8s %-34s %10.0f %8.2f %15s %6.0f %6.0f %6.0f %6.0f %8d %6d\n", k, substr(path[k], 1, 34), median(k, 2), median(k, 3), \
                   ratio, median(k, 6), median(k, 7), median(k, 8), median(k, 9), sum(k, 4), sum(k, 5)
        }
    }' "$RUN/bench.tsv"
echo "(req/s, p99 and CPU: medians over the rounds; CPU in % of one core during the measured run,"
echo " app% is the baseline's own process on the C rows; non-2xx and errors: totals;"
echo " vs C: app req/s / the baseline page named: C home for pages without database work, C pro for the"
echo " dashboard, C space otherwise)"

# The app's resident memory after the run (target <= 64 MB).
rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$app_pid/status")
rss_flag=ok; [ "$rss_kb" -gt $((64 * 1024)) ] && rss_flag="ABOVE 64 MB"
printf '\napp RSS after the run: %.1f MB (%s)\n' "$(awk -v k="$rss_kb" 'BEGIN { print k / 1024 }')" "$rss_flag"

# Transferred sizes with a browser's Accept-Encoding (nginx gzips text/html), target <= 30 KB.
echo
printf '%-8s %-34s %10s %12s  %s\n' page path "html bytes" transferred "(<= 30 KB)"
over=0
size_row() {
    local name=$1 path=$2 header=${3:-} hdr=() raw sent flag=ok
    [ -n "$header" ] && hdr=(-H "$header")
    raw=$(curl -fsS "${hdr[@]}" -o /dev/null -w '%{size_download}' "$BASE$path")
    sent=$(curl -fsS "${hdr[@]}" -H 'Accept-Encoding: gzip, deflate, br, zstd' -o /dev/null -w '%{size_download}' "$BASE$path")
    if [ "$sent" -gt 30720 ]; then flag="ABOVE 30 KB"; over=1; fi
    printf '%-8s %-34s %10s %12s  %s\n' "$name" "${path:0:34}" "$raw" "$sent" "$flag"
}
size_row home /
size_row "C home" /__baseline/
size_row login /connexion
size_row space /usager/espace "$COOKIE"
size_row "C space" /__baseline/usager/espace "$COOKIE"
size_row document "$DOC_PATH" "$COOKIE"
size_row pro "$PRO_PATH" "$PRO_COOKIE"
size_row "C pro" /__baseline/pro/suivi "$PRO_COOKIE"
size_row ofpra "$OFPRA_PATH" "$OFPRA_COOKIE"
[ "$over" = 1 ] && echo "(a page is above 30 KB transferred)"

[ "$ONLY" = pages ] && exit 0

# The outbox drain rate: 100,000 pending messages, one worker then two (issue 10 target: ≥ 20,000/s with one).
echo
echo "outbox drain (spool transport, 100,000 messages)"
scripts/bench-outbox.sh "$ASYLUM_DATABASE_URL" .build/release/asylum-worker 100000

# Crash semantics: 40 SIGKILLs of the worker during a 30,000-message drain (lost, duplicates,
# delay after a restart). About a minute.
echo
echo "worker kill (spool transport, 30,000 messages, 40 SIGKILLs)"
scripts/bench-worker-kill.sh "$ASYLUM_DATABASE_URL" .build/release/asylum-worker 30000 40
