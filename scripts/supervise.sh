#!/usr/bin/env bash
# Keeps one program running: restarts it when it exits (not on status 78), and says why.
#   scripts/supervise.sh PIDFILE LOG PROGRAM [ARG...]
# PIDFILE always holds the program's own PID (what tests and scripts signal), the supervisor's
# is in PIDFILE with .pid replaced by .supervisor.pid. The program's output and the
# supervisor's lines ("supervise: asylum-portal (pid 123) killed by signal KILL after 4.2 s;
# restart 3 in 0.1 s") are appended to LOG, so a restart sits right after its cause.
# Restarts come 0.1 s after an exit, doubling (up to 30 s) while the program keeps dying within
# 10 s of its start: a crash loop neither spins nor gives up.
# Exit status 78 (EX_CONFIG, a refused configuration) is not restarted: the supervisor exits 78.
# SIGTERM or SIGINT to the supervisor: TERM to the program, wait for it, exit; no restart.
# SIGTERM to the program alone is a restart (it drains and exits; it is started again), like
# systemd's Restart=always. In production systemd supervises instead (deploy/systemd/).
set -u
[ $# -ge 3 ] || { echo "usage: $0 PIDFILE LOG PROGRAM [ARG...]" >&2; exit 2; }
pidfile=$1 log=$2
shift 2
name=${1##*/}
supfile=${pidfile%.pid}.supervisor.pid
say() { printf '%s supervise: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$*" >>"$log"; }

stopping=0 child= sleeper=
on_stop() {
    stopping=1
    [ -n "$child" ] && kill -TERM "$child" 2>/dev/null
    [ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null
}
trap on_stop TERM INT
trap '' HUP
echo $$ >"$supfile"

# describe STATUS: what bash's wait status means.
describe() {
    local status=$1
    if [ "$status" -gt 128 ] && [ "$status" -lt 160 ]; then
        echo "killed by signal $(kill -l $((status - 128)) 2>/dev/null || echo "?") ($((status - 128)))"
    else
        echo "exited with status $status"
    fi
}

restarts=0 delay=0.1
while :; do
    started=$EPOCHREALTIME
    "$@" </dev/null >>"$log" 2>&1 &
    child=$!
    echo "$child" >"$pidfile.tmp" && mv -f "$pidfile.tmp" "$pidfile"
    # A trapped signal interrupts `wait` (status > 128) while the child still runs: wait again.
    while :; do
        wait "$child"
        status=$?
        kill -0 "$child" 2>/dev/null || break
    done
    # If that wait was the interrupted one, the child's own status is still to be collected.
    wait "$child" 2>/dev/null && status=0 || { s=$?; [ "$s" != 127 ] && status=$s; }
    ran=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
    if [ "$stopping" = 1 ]; then
        say "$name (pid $child) stopped: $(describe "$status") after $ran s"
        rm -f "$pidfile" "$supfile"
        exit 0
    fi
    # EX_CONFIG (78): the program refused its configuration (asylum-portal and asylum-worker say
    # why just above). Starting it again cannot help and would bury that line under restarts:
    # stop, with the same status, as systemd does with RestartPreventExitStatus=78.
    if [ "$status" = 78 ]; then
        say "$name (pid $child) exited with status 78 (EX_CONFIG: configuration refused); not restarted: fix the configuration, then start it again"
        rm -f "$pidfile" "$supfile"
        exit 78
    fi
    # Quick deaths in a row double the pause; a run of 10 s or more resets it.
    if awk -v r="$ran" 'BEGIN { exit !(r >= 10) }'; then delay=0.1; fi
    restarts=$((restarts + 1))
    say "$name (pid $child) $(describe "$status") after $ran s; restart $restarts in $delay s"
    child=
    sleep "$delay" &
    sleeper=$!
    wait "$sleeper" 2>/dev/null
    sleeper=
    if [ "$stopping" = 1 ]; then
        say "$name: stopped while waiting to restart"
        rm -f "$pidfile" "$supfile"
        exit 0
    fi
    delay=$(awk -v d="$delay" 'BEGIN { d *= 2; if (d > 30) d = 30; print d }')
done
