#!/usr/bin/env bash
# The whole local stack in one folder: postgres, asylum-portal (+ asylum-worker if built), nginx.
#   scripts/services.sh start RUNDIR HTTP_PORT PG_PORT CONFIG    (CONFIG: release|debug)
#   scripts/services.sh stop  RUNDIR
# `start` also writes RUNDIR/env: the app's environment as `export` lines, to `source` before
# running asylum-admin by hand. Both commands are idempotent; `start` on a running stack restarts
# the app and the worker and reloads nginx. The app and the worker run under scripts/supervise.sh:
# either one that dies is restarted within a second (logs/app.log, logs/worker.log say why);
# RUNDIR/app.pid and RUNDIR/worker.pid are the programs' own PIDs.
# Optional environment: ASYLUM_ENV (default development), ASYLUM_THREADS (4),
# ASYLUM_EMAIL_TRANSPORT / ASYLUM_SMS_TRANSPORT (spool), ASYLUM_PG_FAST=1 (see pg.sh), NGINX (/usr/sbin/nginx).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd -P)
NGINX=${NGINX:-/usr/sbin/nginx}

usage() { echo "usage: $0 start RUNDIR HTTP_PORT PG_PORT release|debug | stop RUNDIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
action=$1
RUN=$(realpath -m "$2")

# alive PID NAME: PID is a live (not zombie) process whose command line mentions NAME.
# Checking the name keeps a stale pid file from making us signal an unrelated process; checking
# for zombies matters because in containers nobody may reap our detached children promptly.
alive() {
    local pid=$1 name=$2 stat
    [ -n "$pid" ] && stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ] && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q -- "$name"
}

# stop_proc PIDFILE NAME SIGNAL: signal, then TERM after 5 s, then KILL after 10 s.
stop_proc() {
    local pidfile=$1 name=$2 sig=$3 pid i
    pid=$(cat "$pidfile" 2>/dev/null || true)
    if alive "$pid" "$name"; then
        kill -"$sig" "$pid" 2>/dev/null || true
        for i in $(seq 100); do
            alive "$pid" "$name" || break
            [ "$i" = 50 ] && kill -TERM "$pid" 2>/dev/null
            sleep 0.1
        done
        if alive "$pid" "$name"; then
            echo "services.sh: $name ($pid) did not stop in 10 s: killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$pidfile"
}

# start_supervised NAME LOG PIDFILE: run .build/CONFIG/NAME under scripts/supervise.sh (restarted
# within a second if it dies, each restart logged with its cause), output appended to logs/LOG.
# PIDFILE holds the program's PID, NAME.supervisor.pid the supervisor's. setsid: its own
# session, so a Ctrl-C in `make run`'s terminal reaches only the script, whose trap then stops
# everything in order. Returns once the supervisor has written PIDFILE.
start_supervised() {
    local name=$1 log=$2 pidfile=$3 i
    rm -f "$pidfile"
    nohup setsid "$ROOT/scripts/supervise.sh" "$pidfile" "$RUN/logs/$log" "$BIN/$name" \
        >>"$RUN/logs/$log" 2>&1 </dev/null &
    for i in $(seq 100); do
        [ -s "$pidfile" ] && return 0
        sleep 0.05
    done
    echo "services.sh: the supervisor of $name did not start (see $RUN/logs/$log)" >&2
    exit 1
}

# stop_supervised NAME PIDFILE: the supervisor first (it stops its program and does not
# restart it), then a program left without one (killed supervisor, older stack).
stop_supervised() {
    local name=$1 pidfile=$2
    stop_proc "${pidfile%.pid}.supervisor.pid" supervise.sh TERM
    stop_proc "$pidfile" "$name" TERM
}

stop_all() {
    stop_proc "$RUN/nginx/nginx.pid" "nginx: master" QUIT
    stop_supervised asylum-worker "$RUN/worker.pid"
    stop_supervised asylum-portal "$RUN/app.pid"
    rm -f "$RUN/app.sock"
    scripts/pg.sh stop "$RUN"
}

start_all() {
    [ $# -eq 3 ] || usage
    local http_port=$1 pg_port=$2 config=$3 pid i
    BIN=$ROOT/.build/$config
    if [ ! -x "$BIN/asylum-portal" ] || [ ! -x "$BIN/asylum-admin" ]; then
        echo "services.sh: $BIN/asylum-portal or asylum-admin missing: build first" >&2
        exit 1
    fi
    mkdir -p "$RUN/logs" "$RUN/spool" "$RUN/nginx"

    if [ ! -s "$RUN/secret" ]; then
        # 32 random bytes as 64 hex characters, no newline; written whole, then renamed.
        (umask 077 && head -c 32 /dev/urandom | od -An -v -tx1 | tr -d ' \n' >"$RUN/secret.tmp")
        mv "$RUN/secret.tmp" "$RUN/secret"
    fi
    chmod 0600 "$RUN/secret"
    # The bearer token of delivery receipts (POST /api/accuses-de-reception), made the same way.
    if [ ! -s "$RUN/receipt-token" ]; then
        (umask 077 && head -c 32 /dev/urandom | od -An -v -tx1 | tr -d ' \n' >"$RUN/receipt-token.tmp")
        mv "$RUN/receipt-token.tmp" "$RUN/receipt-token"
    fi
    # The key that signs attestations: made once per stack, kept with its data.
    [ -s "$RUN/signing-key.pem" ] || "$BIN/asylum-admin" signing-key "$RUN/signing-key.pem" >/dev/null

    export ASYLUM_DATABASE_URL="host=$RUN/pg-socket port=$pg_port dbname=asylum user=asylum"
    export ASYLUM_SOCKET=$RUN/app.sock
    export ASYLUM_THREADS=${ASYLUM_THREADS:-4}
    export ASYLUM_ROOT=$ROOT
    export ASYLUM_SECRET_FILE=$RUN/secret
    export ASYLUM_SIGNING_KEY_FILE=$RUN/signing-key.pem
    export ASYLUM_ENV=${ASYLUM_ENV:-development}
    export ASYLUM_SPOOL_DIR=$RUN/spool
    export ASYLUM_EMAIL_TRANSPORT=${ASYLUM_EMAIL_TRANSPORT:-spool}
    export ASYLUM_SMS_TRANSPORT=${ASYLUM_SMS_TRANSPORT:-spool}
    export ASYLUM_RECEIPT_TOKEN=${ASYLUM_RECEIPT_TOKEN:-$(cat "$RUN/receipt-token")}
    # Printed on notices and put in messages: the address this stack answers on.
    export ASYLUM_PUBLIC_URL=${ASYLUM_PUBLIC_URL:-http://127.0.0.1:$http_port}
    # The test clock (test stacks only; the app and the worker refuse it anywhere else): the
    # browser suite writes an offset in seconds there to walk days forward.
    if [ "$ASYLUM_ENV" = test ]; then
        export ASYLUM_TEST_CLOCK_FILE=$RUN/test-clock
        : >"$ASYLUM_TEST_CLOCK_FILE"
    else
        unset ASYLUM_TEST_CLOCK_FILE
    fi
    {
        echo "# Written by scripts/services.sh start: the app's environment."
        for v in ASYLUM_DATABASE_URL ASYLUM_SOCKET ASYLUM_THREADS ASYLUM_ROOT ASYLUM_SECRET_FILE ASYLUM_SIGNING_KEY_FILE \
                 ASYLUM_ENV ASYLUM_SPOOL_DIR ASYLUM_EMAIL_TRANSPORT ASYLUM_SMS_TRANSPORT ASYLUM_PUBLIC_URL \
                 ASYLUM_RECEIPT_TOKEN; do
            printf 'export %s=%q\n' "$v" "${!v}"
        done
        if [ -n "${ASYLUM_TEST_CLOCK_FILE:-}" ]; then printf 'export ASYLUM_TEST_CLOCK_FILE=%q\n' "$ASYLUM_TEST_CLOCK_FILE"; fi
    } >"$RUN/env"

    scripts/pg.sh start "$RUN" "$pg_port"
    "$BIN/asylum-admin" migrate

    # (Re)start the app. libfcgi binds the socket path itself: clear a leftover one first.
    stop_supervised asylum-portal "$RUN/app.pid"
    rm -f "$RUN/app.sock"
    start_supervised asylum-portal app.log "$RUN/app.pid"
    for i in $(seq 150); do
        [ -S "$RUN/app.sock" ] && break
        # A supervised app that dies at start is restarted: it only counts as failed once
        # the time is up (a crash loop shows in the log tail below).
        if ! alive "$(cat "$RUN/app.supervisor.pid" 2>/dev/null)" supervise.sh || [ "$i" = 150 ]; then
            echo "services.sh: asylum-portal did not create $RUN/app.sock; app.log ends with:" >&2
            tail -n 30 "$RUN/logs/app.log" >&2
            stop_supervised asylum-portal "$RUN/app.pid"    # no crash loop left behind
            exit 1
        fi
        sleep 0.1
    done
    # nginx workers run as nobody: they need write access to the socket.
    [ "$(stat -c %a "$RUN/app.sock")" = 666 ] || chmod 0666 "$RUN/app.sock"

    stop_supervised asylum-worker "$RUN/worker.pid"
    if [ -x "$BIN/asylum-worker" ]; then
        start_supervised asylum-worker worker.log "$RUN/worker.pid"
    fi

    # nginx: the symlink makes nginx look for the includes next to it (see nginx.conf).
    ln -sfn "$ROOT/nginx.conf" "$RUN/nginx/nginx.conf"
    # A map with only a default is a constant: nginx.conf uses it in `alias $asylum_public/`.
    cat >"$RUN/nginx/instance-http.conf" <<EOF
upstream asylum_app {
    server unix:$RUN/app.sock;
}
map \$scheme \$asylum_public {
    default "$ROOT/Public";
}
EOF
    printf 'listen 127.0.0.1:%s;\n' "$http_port" >"$RUN/nginx/instance-server.conf"
    local nginx=("$NGINX" -p "$RUN/nginx/" -c "$RUN/nginx/nginx.conf")
    "${nginx[@]}" -t -q
    pid=$(cat "$RUN/nginx/nginx.pid" 2>/dev/null || true)
    if alive "$pid" "nginx: master"; then
        kill -HUP "$pid"    # reload; quieter than `nginx -s reload`, and the config is checked
    else
        rm -f "$RUN/nginx/nginx.pid"
        "${nginx[@]}"
    fi

    local url=http://127.0.0.1:$http_port/healthz err=""
    SECONDS=0
    until err=$(curl -fsS -o /dev/null --max-time 2 "$url" 2>&1); do
        if [ "$SECONDS" -ge 30 ]; then
            echo "services.sh: $url did not answer in 30 s: $err" >&2
            echo "--- $RUN/logs/app.log (end)" >&2
            tail -n 30 "$RUN/logs/app.log" >&2
            echo "--- $RUN/logs/nginx-error.log (end)" >&2
            tail -n 10 "$RUN/logs/nginx-error.log" >&2 2>/dev/null || true
            exit 1
        fi
        sleep 0.2
    done
    if [ -x "$BIN/asylum-worker" ] && ! alive "$(cat "$RUN/worker.pid")" asylum-worker; then
        echo "services.sh: warning: asylum-worker is not running (see $RUN/logs/worker.log)" >&2
    fi
}

case $action in
    start) shift 2; start_all "$@" ;;
    stop) stop_all ;;
    *) usage ;;
esac
