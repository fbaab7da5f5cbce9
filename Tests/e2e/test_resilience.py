"""The stack under stress: supervision (a killed app or worker is back within a second or two,
the cause logged), a graceful stop of the app with requests in flight, and a PostgreSQL
outage. These tests stop and restart parts of the stack in ASYLUM_TEST_RUNDIR; they are marked
`disruptive` (run last, see conftest.py) and the `stack` fixture always puts the app (under its
supervisor, scripts/supervise.sh) and PostgreSQL back, whatever happens.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

import helpers
from helpers import HTTP_TIMEOUT, assert_translated_error_page, parse_html, wait_until

pytestmark = pytest.mark.disruptive


@dataclass
class Stack:
    rundir: Path
    root: Path
    base_url: str
    pid: int
    launch: helpers.AppLaunch
    threads: int


# ---------------------------------------------------------------------------------------------
# The supervisor (scripts/supervise.sh, started by scripts/services.sh)
# ---------------------------------------------------------------------------------------------

def read_pid(path: Path) -> int:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return 0


def supervisor_pid(rundir: Path, program: str = "app") -> int:
    """The live supervisor of `program` (app or worker), else 0."""
    pid = read_pid(rundir / f"{program}.supervisor.pid")
    return pid if pid and helpers.process_alive(pid) else 0


def restarted_pid(rundir: Path, program: str, old: int, timeout: float) -> int:
    """Waits until RUNDIR/PROGRAM.pid names a live process other than `old`; returns it."""
    def new():
        pid = read_pid(rundir / f"{program}.pid")
        return pid if pid and pid != old and helpers.process_alive(pid) else 0
    return wait_until(new, timeout, 0.02, what=f"a new {program} process in place of {old}")


def relaunch_supervised(stack_root: Path, rundir: Path, launch: helpers.AppLaunch, base_url: str) -> int:
    """Starts the app under scripts/supervise.sh as services.sh does; waits for /healthz."""
    (rundir / "app.pid").unlink(missing_ok=True)
    env = {**os.environ, **launch.env}
    script = 'nohup setsid "$1" "$2" "$3" "$4" >>"$3" 2>&1 </dev/null &'
    subprocess.run(["/bin/sh", "-c", script, "sh", str(stack_root / "scripts" / "supervise.sh"),
                    str(rundir / "app.pid"), str(rundir / "logs" / "app.log"), launch.exe],
                   env=env, cwd=launch.env.get("ASYLUM_ROOT"), check=True, timeout=10)
    pid = restarted_pid(rundir, "app", 0, 10)
    helpers.wait_healthy(base_url, 30)
    return pid


def log_after(path: Path, offset: int) -> str:
    with path.open("rb") as f:
        f.seek(offset)
        return f.read().decode(errors="replace")


@pytest.fixture
def stack(settings):
    helpers.require_rundir(settings, "these tests stop and restart the stack in it")
    assert supervisor_pid(settings.rundir), "the app runs without its supervisor: start it with scripts/services.sh"
    helpers.wait_healthy(settings.base_url, 30)
    pid = helpers.app_pid(settings.rundir)
    launch = helpers.capture_app_launch(settings.rundir, pid)
    yield Stack(settings.rundir, settings.root, settings.base_url, pid, launch,
                int(launch.env.get("ASYLUM_THREADS", "4")))
    # Whatever happened: PostgreSQL up, the app up (supervised) and answering.
    problems = []
    try:
        if not helpers.postgres_running(settings.root, settings.rundir):
            helpers.start_postgres(settings.root, settings.rundir)
    except Exception as e:  # noqa: BLE001 - reported below, after trying the app too
        problems.append(f"PostgreSQL did not restart: {e!r}")
    try:
        if supervisor_pid(settings.rundir):
            helpers.wait_healthy(settings.base_url, 30)
        else:
            relaunch_supervised(settings.root, settings.rundir, launch, settings.base_url)
    except Exception as e:  # noqa: BLE001
        problems.append(f"the app did not restart: {e!r}")
    if problems:
        pytest.fail("could not restore the stack: " + "; ".join(problems), pytrace=False)


def requests_being_served(pid: int, sock: Path) -> int:
    """FastCGI connections the app holds open right now: its socket descriptors that are
    connected (state 03 in /proc/net/unix) on its listening path."""
    held = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            held.add(target[len("socket:["):-1])
    count = 0
    for line in Path("/proc/net/unix").read_text().splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 8 and fields[-1] == str(sock) and fields[5] == "03" and fields[6] in held:
            count += 1
    return count


# ---------------------------------------------------------------------------------------------
# SIGTERM
# ---------------------------------------------------------------------------------------------

def test_sigterm_lets_requests_in_flight_finish_then_the_app_exits_and_is_restarted(stack):
    url = stack.base_url + "/__test/sleep?ms=1500"
    assert requests.get(stack.base_url + "/__test/sleep?ms=1", timeout=HTTP_TIMEOUT).status_code == 200, \
        "the test-only route is missing: is the stack running with ASYLUM_ENV=test?"

    def slow_request():
        r = requests.get(url, timeout=30)
        return r.status_code, r.text, time.monotonic()

    sock = Path(stack.launch.env.get("ASYLUM_SOCKET", str(stack.rundir / "app.sock")))
    with ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(slow_request) for _ in range(3)]
        # The signal must arrive while all three are being served.
        wait_until(lambda: requests_being_served(stack.pid, sock) >= 3, 5, 0.02, what="3 requests in flight")
        helpers.send_signal(stack.pid)
        results = [f.result() for f in futures]

    assert [(status, text.strip()) for status, text, _ in results] == [(200, "slept 1500")] * 3
    last_done = max(done for _, _, done in results)
    wait_until(lambda: not helpers.process_alive(stack.pid), max(0.5, last_done + 3 - time.monotonic()), 0.05,
               what=f"exit of the app ({stack.pid}) within 3 s of the last answer")

    # A clean exit is still an exit: the supervisor starts the app again and says so.
    new_pid = restarted_pid(stack.rundir, "app", stack.pid, 5)
    helpers.wait_healthy(stack.base_url, 10)
    assert f"asylum-portal (pid {stack.pid}) exited with status 0" in (stack.rundir / "logs" / "app.log").read_text()
    assert helpers.logged_in_session(stack.base_url).get(stack.base_url + "/espace", timeout=HTTP_TIMEOUT).ok
    assert helpers.app_pid(stack.rundir) == new_pid


def test_stopping_the_supervisor_stops_the_app_for_good_and_nginx_shows_the_outage_page(stack):
    supervisor = supervisor_pid(stack.rundir)
    helpers.send_signal(supervisor)
    wait_until(lambda: not helpers.process_alive(stack.pid) and not helpers.process_alive(supervisor), 10, 0.05,
               what="the app and its supervisor gone")
    time.sleep(0.5)   # a restart would come within 0.1 s
    assert not (stack.rundir / "app.pid").exists() or not helpers.process_alive(read_pid(stack.rundir / "app.pid"))

    # Meanwhile visitors get nginx's trilingual outage page, never cached.
    down = requests.get(stack.base_url + "/", timeout=HTTP_TIMEOUT)
    assert down.status_code == 502
    assert 'lang="fr"' in down.text and 'lang="en"' in down.text and 'lang="ar"' in down.text
    assert "no-store" in down.headers.get("Cache-Control", "")

    # Started again (as services.sh would), it serves and logs staff in.
    new_pid = relaunch_supervised(stack.root, stack.rundir, stack.launch, stack.base_url)
    assert new_pid != stack.pid
    assert helpers.logged_in_session(stack.base_url).get(stack.base_url + "/espace", timeout=HTTP_TIMEOUT).ok


# ---------------------------------------------------------------------------------------------
# Crashes: SIGKILL (what an OOM kill or a trap looks like from outside)
# ---------------------------------------------------------------------------------------------

def test_a_killed_app_answers_again_within_two_seconds_and_the_kill_is_logged(stack):
    log = stack.rundir / "logs" / "app.log"
    offset = log.stat().st_size
    helpers.send_signal(stack.pid, signal.SIGKILL)
    killed = time.monotonic()
    wait_until(lambda: helpers.health_status(stack.base_url) == 200, 5, 0.05, what="/healthz 200 after the kill")
    back = time.monotonic() - killed
    assert back < 2, f"the site answered again {back:.1f} s after the kill"
    assert helpers.app_pid(stack.rundir) != stack.pid
    assert re.search(rf"supervise: asylum-portal \(pid {stack.pid}\) killed by signal KILL \(9\) after [0-9.]+ s; restart",
                     log_after(log, offset)), log_after(log, offset)


def test_a_killed_worker_is_back_within_two_seconds_logs_why_and_delivers(stack, database_url):
    log = stack.rundir / "logs" / "worker.log"
    old = read_pid(stack.rundir / "worker.pid")
    assert old and helpers.process_alive(old), "no worker running"
    offset = log.stat().st_size
    helpers.send_signal(old, signal.SIGKILL)
    killed = time.monotonic()
    new = restarted_pid(stack.rundir, "worker", old, 5)
    assert time.monotonic() - killed < 2
    wait_until(lambda: "started:" in log_after(log, offset), 5, 0.05, what="the new worker's start line")
    text = log_after(log, offset)
    assert re.search(rf"supervise: asylum-worker \(pid {old}\) killed by signal KILL \(9\) after [0-9.]+ s; restart", text), text

    # The new worker delivers what is queued from now on.
    number = "+3361" + str(time.time_ns())[-7:]
    outbox_id = int(helpers.psql(database_url, f"""
        INSERT INTO outbox_messages (channel, recipient, template, language)
        VALUES ('sms', '{number}', 'test_message', 'fr') RETURNING id""")[0][0])
    helpers.psql(database_url, "NOTIFY outbox")
    sms = helpers.wait_for_spooled(stack.rundir, outbox_id=outbox_id, suffix=".sms.txt", timeout=15)
    assert sms.recipient == number
    assert helpers.process_alive(new)


# ---------------------------------------------------------------------------------------------
# PostgreSQL outage
# ---------------------------------------------------------------------------------------------

def all_answer(base_url: str, path: str, times: int, session: requests.Session | None = None) -> list[int]:
    """Statuses of `times` sequential requests (the app's threads take them in turn)."""
    s = session or requests.Session()
    return [s.get(base_url + path, allow_redirects=False, timeout=HTTP_TIMEOUT).status_code for _ in range(times)]


def test_database_outage_shows_the_503_page_and_service_recovers_without_restart(stack, catalogues, admin_name):
    base = stack.base_url
    staff = helpers.logged_in_session(base)          # logged in before the outage
    english = requests.Session()
    english.get(base + "/?lang=en", timeout=HTTP_TIMEOUT)

    helpers.stop_postgres(stack.root, stack.rundir)
    try:
        health = english.get(base + "/healthz", timeout=HTTP_TIMEOUT)
        assert_translated_error_page(health, 503, catalogues["en"], "en")
        assert health.headers.get("Retry-After")
        assert "no-store" in health.headers.get("Cache-Control", "")

        page = staff.get(base + "/espace", allow_redirects=False, timeout=HTTP_TIMEOUT)
        assert_translated_error_page(page, 503, catalogues["fr"], "fr")

        # Pages that need no database keep working.
        assert english.get(base + "/usager", timeout=HTTP_TIMEOUT).status_code == 200
    finally:
        helpers.start_postgres(stack.root, stack.rundir)

    # Back without restarting the app. (Connections the outage killed may each cost one 503,
    # see test_requests_succeed_right_after_a_database_restart; they are absorbed here.)
    wait_until(lambda: all_answer(base, "/healthz", 2 * stack.threads) == [200] * (2 * stack.threads), 30, 0.2,
               what="/healthz answering 200 again")
    assert helpers.app_pid(stack.rundir) == stack.pid and helpers.process_alive(stack.pid)
    page = staff.get(base + "/espace", allow_redirects=False, timeout=HTTP_TIMEOUT)
    assert page.status_code == 200, "the staff session did not survive the outage"
    assert admin_name in parse_html(page.text).text


def test_requests_succeed_right_after_a_database_restart(stack):
    """A quick PostgreSQL restart (upgrade, failover) with no traffic during it: once the
    database is back, visitors must not get 503 pages from connections the restart killed."""
    base = stack.base_url
    n = 2 * stack.threads
    assert all_answer(base, "/healthz", n) == [200] * n   # every thread holds a connection now
    helpers.stop_postgres(stack.root, stack.rundir)
    helpers.start_postgres(stack.root, stack.rundir)
    statuses = all_answer(base, "/healthz", n)
    assert statuses == [200] * n, f"answers right after the database came back: {statuses}"


# ---------------------------------------------------------------------------------------------
# The supervisor on its own
# ---------------------------------------------------------------------------------------------

def test_supervisor_backs_off_a_crash_loop_and_a_sigterm_while_it_waits_stops_it(tmp_path, settings):
    """A program that dies at once is restarted after 0.1 s, then 0.2, 0.4…: it neither spins
    nor is given up, and every death is logged with its status."""
    log, pidfile = tmp_path / "crash.log", tmp_path / "crash.pid"
    supervisor = subprocess.Popen(
        [str(settings.root / "scripts" / "supervise.sh"), str(pidfile), str(log), "/bin/sh", "-c", "echo boom; exit 3"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: log.exists() and "restart 4 in 0.8 s" in log.read_text(), 10, 0.05, what="4 restarts")
    finally:
        supervisor.send_signal(signal.SIGTERM)   # lands during a pause or a (short) run
        assert supervisor.wait(timeout=5) == 0
    text = log.read_text()
    delays = [float(d) for d in re.findall(r"exited with status 3 after [0-9.]+ s; restart \d+ in ([0-9.]+) s", text)]
    assert delays[:4] == [0.1, 0.2, 0.4, 0.8]
    assert text.count("boom") >= 4, "the program's own output stays in the log, before each restart line"
    assert not pidfile.exists() and not (tmp_path / "crash.supervisor.pid").exists()


def supervised_until_exit(args: list[str], log: Path, timeout: float = 10, **popen) -> int:
    """Runs a supervisor that should end on its own; one that keeps restarting is stopped (TERM:
    it stops its program too) and the test fails with its log."""
    supervisor = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, **popen)
    try:
        return supervisor.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        supervisor.send_signal(signal.SIGTERM)
        supervisor.wait(timeout=10)
        pytest.fail(f"the supervisor was still restarting after {timeout:.0f} s:\n{log.read_text()}", pytrace=False)


def test_supervisor_stops_for_good_on_a_refused_configuration_and_says_why(tmp_path, settings):
    """Exit status 78 (EX_CONFIG) means the program refused its configuration: starting it
    again cannot help and restarts would bury the reason. The supervisor logs one clear line
    and exits with that status (systemd's units say the same: RestartPreventExitStatus=78)."""
    log, pidfile = tmp_path / "refused.log", tmp_path / "refused.pid"
    status = supervised_until_exit([str(settings.root / "scripts" / "supervise.sh"), str(pidfile), str(log),
                                    "/bin/sh", "-c", "echo boom; exit 78"], log)
    assert status == 78
    text = log.read_text()
    assert text.count("boom") == 1, f"started more than once:\n{text}"
    assert re.search(r"supervise: sh \(pid \d+\) exited with status 78 \(EX_CONFIG: configuration refused\); "
                     r"not restarted: fix the configuration, then start it again", text), text
    assert "restart 1" not in text
    assert not pidfile.exists() and not (tmp_path / "refused.supervisor.pid").exists()


def test_the_app_refusing_demo_features_on_a_public_url_is_not_restarted_in_a_loop(stack, tmp_path):
    """The real chain: asylum-portal refuses ASYLUM_DEMO_MESSAGES=1 on a public URL with
    status 78, and its supervisor gives up at once with the app's reason just above."""
    log, pidfile = tmp_path / "app.log", tmp_path / "app.pid"
    env = {**os.environ, **stack.launch.env, "ASYLUM_DEMO_MESSAGES": "1",
           "ASYLUM_PUBLIC_URL": "https://espace-asile.example.fr", "ASYLUM_SOCKET": str(tmp_path / "app.sock")}
    status = supervised_until_exit([str(stack.root / "scripts" / "supervise.sh"), str(pidfile), str(log), stack.launch.exe],
                                   log, env=env, cwd=stack.launch.env.get("ASYLUM_ROOT"))
    text = log.read_text()
    assert status == 78, text
    assert text.count("refusing to start") == 1, text
    assert "not a loopback address" in text
    assert re.search(r"asylum-portal \(pid \d+\) exited with status 78 \(EX_CONFIG", text), text
    assert not (tmp_path / "app.sock").exists()
    assert helpers.process_alive(stack.pid), "the stack's own app is untouched"


def test_a_misconfigured_worker_is_not_restarted_in_a_loop_either(settings, tmp_path):
    worker = Path(os.environ.get("ASYLUM_BIN_DIR") or settings.root / ".build" / "debug") / "asylum-worker"
    if not os.access(worker, os.X_OK):
        pytest.fail(f"{worker} is missing: build it first (swift build), or set ASYLUM_BIN_DIR", pytrace=False)
    log, pidfile = tmp_path / "worker.log", tmp_path / "worker.pid"
    env = {**os.environ, "ASYLUM_DATABASE_URL": "dbname=unused", "ASYLUM_ROOT": str(settings.root),
           "ASYLUM_EMAIL_TRANSPORT": "carrier-pigeon"}
    status = supervised_until_exit([str(settings.root / "scripts" / "supervise.sh"), str(pidfile), str(log), str(worker)],
                                   log, env=env)
    text = log.read_text()
    assert status == 78, text
    assert text.count("ASYLUM_EMAIL_TRANSPORT must be spool or smtp") == 1, text
    assert re.search(r"asylum-worker \(pid \d+\) exited with status 78 \(EX_CONFIG", text), text
