#!/usr/bin/env bash
# Project-local PostgreSQL 15 cluster, reachable only through a unix socket in DIR/pg-socket.
#   scripts/pg.sh start|stop|status DIR PORT
# DIR/pg is the data folder, DIR/logs/postgres.log the server log. `start` creates the cluster,
# the role `asylum` and the database `asylum` when missing; every command is idempotent.
# ASYLUM_PG_FAST=1 turns off fsync & co.: only for throwaway clusters (tests).
set -euo pipefail

usage() { echo "usage: $0 start|stop|status DIR [PORT]" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1
dir=$(realpath -m "$2")
port=${3:-5544}
PGBIN=/usr/lib/postgresql/15/bin
data=$dir/pg
sock=$dir/pg-socket
log=$dir/logs/postgres.log

# initdb and pg_ctl refuse to run as root, so as root they run as the `postgres` user.
if [ "$(id -u)" -eq 0 ]; then
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

# A crash (or a container restart) can leave postmaster.pid behind with a PID that now belongs
# to another process; postgres would then refuse to start. Drop lock files whose PID is not a
# live postgres process.
drop_stale_locks() {
    local f pid comm state
    for f in "$data/postmaster.pid" "$sock"/.s.PGSQL.*.lock; do
        [ -f "$f" ] || continue
        pid=$(head -n 1 "$f" 2>/dev/null || true)
        # comm and state from /proc/PID/stat; a zombie (Z) still holds its PID but is dead.
        read -r _ comm state _ 2>/dev/null <"/proc/$pid/stat" || comm=
        if [ "$comm" != "(postgres)" ] || [ "$state" = Z ]; then
            rm -f "$f"
        fi
    done
}

# pg_ctl trusts postmaster.pid, so stale locks go first (pg_ctl stop would signal a stranger).
running() {
    drop_stale_locks
    [ -f "$data/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1
}

psql_super() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres -d postgres "$@"; }

start() {
    mkdir -p "$data" "$sock" "$dir/logs"
    touch "$log"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres:postgres "$data" "$sock" "$log"
        # postgres must be able to reach DIR (e.g. not under root's 0700 home).
        if ! runuser -u postgres -- test -w "$data"; then
            echo "pg.sh: user postgres cannot reach $data (check the parent folders' permissions)" >&2
            exit 1
        fi
    fi
    chmod 0700 "$data"

    if [ ! -f "$data/PG_VERSION" ]; then
        local nosync=()
        [ "${ASYLUM_PG_FAST:-0}" = 1 ] && nosync=(--no-sync)
        as_pg "$PGBIN/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=reject \
            --encoding=UTF8 --locale=C.UTF-8 "${nosync[@]}" >>"$log" 2>&1 \
            || { echo "pg.sh: initdb failed, see $log" >&2; tail -n 20 "$log" >&2; exit 1; }
        # Our settings live in asylum.conf, rewritten at every start (so PORT can change).
        echo "include_if_exists = 'asylum.conf'" | as_pg tee -a "$data/postgresql.conf" >/dev/null
    fi

    if running; then
        # Already up: make sure it is the port we were asked for.
        if [ ! -S "$sock/.s.PGSQL.$port" ]; then
            echo "pg.sh: a server is already running on $data but not on port $port" >&2
            exit 1
        fi
    else
        {
            echo "# Written by scripts/pg.sh at each start: edits are lost."
            echo "port = $port"
            echo "listen_addresses = ''"
            echo "unix_socket_directories = '$sock'"
            # Only the owner (postgres) and root may connect: root bypasses file permissions.
            echo "unix_socket_permissions = 0700"
            # The test suites open many connections at once (a 50 limit was hit).
            echo "max_connections = 200"
            echo "log_min_duration_statement = 500"
            echo "log_line_prefix = '%m [%p] %q%u@%d '"
            if [ "${ASYLUM_PG_FAST:-0}" = 1 ]; then
                echo "fsync = off"
                echo "synchronous_commit = off"
                echo "full_page_writes = off"
            fi
        } | as_pg tee "$data/asylum.conf" >/dev/null
        as_pg "$PGBIN/pg_ctl" -D "$data" -l "$log" -w -t 30 -s start \
            || { echo "pg.sh: postgres did not start, see $log" >&2; tail -n 20 "$log" >&2; exit 1; }
    fi

    # Role and database for the app (no password: local trust on a private socket).
    if [ -z "$(psql_super -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'asylum'")" ]; then
        psql_super -c "CREATE ROLE asylum LOGIN"
    fi
    if [ -z "$(psql_super -tAc "SELECT 1 FROM pg_database WHERE datname = 'asylum'")" ]; then
        psql_super -c "CREATE DATABASE asylum OWNER asylum ENCODING 'UTF8' TEMPLATE template0"
    fi
}

stop() {
    if running; then
        as_pg "$PGBIN/pg_ctl" -D "$data" -m fast -w -t 30 -s stop
    fi
}

case $cmd in
    start) start ;;
    stop) stop ;;
    status) if running; then echo "postgres running ($data, port $port)"; else echo "postgres stopped ($data)"; exit 3; fi ;;
    *) usage ;;
esac
