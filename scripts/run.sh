#!/usr/bin/env bash
# `make run`: the release stack in .run/ on http://127.0.0.1:8080 (postgres on port 5544),
# seeded with demo data, then the logs in the foreground until Ctrl-C, which stops everything.
# Expects `swift build -c release` to have been run (the Makefile does it).
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=.run

stopping=0 tail_pid=
stop() {
    [ "$stopping" = 1 ] && return
    stopping=1
    # A second Ctrl-C, or a closed pipe (`make run | tee`), must not cut the shutdown short.
    trap '' INT TERM HUP PIPE
    set +e
    # Background jobs of a script ignore SIGINT, so Ctrl-C did not end tail.
    [ -n "$tail_pid" ] && kill "$tail_pid" 2>/dev/null
    echo
    echo "Stopping…"
    scripts/services.sh stop "$RUN"
}
trap stop EXIT
trap 'exit 130' INT TERM HUP    # exit runs the EXIT trap (HUP: terminal closed)

export ASYLUM_DEMO_MESSAGES=1    # the administrator's demo viewer of spooled messages (loopback only)
scripts/services.sh start "$RUN" 8080 5544 release
# shellcheck source=/dev/null
source "$RUN/env"
.build/release/asylum-admin seed-demo

echo
echo "AsylumPortal is running: http://127.0.0.1:8080"
echo "Logs: $RUN/logs/ (below). Ctrl-C to stop."
echo
# In the background + wait, so a Ctrl-C runs the trap at once.
tail -n 5 -F "$RUN"/logs/*.log &
tail_pid=$!
wait "$tail_pid"
