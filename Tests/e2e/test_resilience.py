"""The stack under stress: a graceful stop of the app with requests in flight, and a
PostgreSQL outage. These tests stop and restart parts of the stack in ASYLUM_TEST_RUNDIR; they
are marked `disruptive` (run last, see conftest.py) and the `stack` fixture always puts the app
and PostgreSQL back, whatever happens.
"""
from __future__ import annotations

import os
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


@pytest.fixture
def stack(settings):
    if settings.rundir is None or not (settings.rundir / "app.pid").exists():
        pytest.skip("ASYLUM_TEST_RUNDIR is not set: the stack cannot be controlled")
    helpers.wait_healthy(settings.base_url, 30)
    pid = helpers.app_pid(settings.rundir)
    launch = helpers.capture_app_launch(settings.rundir, pid)
    yield Stack(settings.rundir, settings.root, settings.base_url, pid, launch,
                int(launch.env.get("ASYLUM_THREADS", "4")))
    # Whatever happened: PostgreSQL up, the app up and answering.
    problems = []
    try:
        if not helpers.postgres_running(settings.root, settings.rundir):
            helpers.start_postgres(settings.root, settings.rundir)
    except Exception as e:  # noqa: BLE001 - reported below, after trying the app too
        problems.append(f"PostgreSQL did not restart: {e!r}")
    try:
        helpers.ensure_app_running(settings.rundir, launch, settings.base_url)
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

def test_sigterm_lets_requests_in_flight_finish_then_the_app_exits(stack):
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

    # Meanwhile visitors get nginx's trilingual outage page, never cached.
    down = requests.get(stack.base_url + "/", timeout=HTTP_TIMEOUT)
    assert down.status_code == 502
    assert 'lang="fr"' in down.text and 'lang="en"' in down.text and 'lang="ar"' in down.text
    assert "no-store" in down.headers.get("Cache-Control", "")

    # Started again (as services.sh would), it serves and logs staff in.
    new_pid = helpers.relaunch_app(stack.rundir, stack.launch, stack.base_url)
    assert new_pid != stack.pid
    assert helpers.logged_in_session(stack.base_url).get(stack.base_url + "/espace", timeout=HTTP_TIMEOUT).ok


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
