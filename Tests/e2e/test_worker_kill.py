"""Worker crash semantics, with the real binaries: asylum-worker under scripts/supervise.sh
drains a queue of e-mails (spool transport) and SMS (HTTP gateway, sinks.SMSSink) while the
test SIGKILLs it again and again; the supervisor restarts it each time.

Counted from what the transports received (not from the table): no message lost, at most one
duplicate per kill (the SMS whose delivery was not yet recorded: the HTTP gateway cannot be
trusted to deduplicate, so each SMS outcome is recorded before the next SMS goes), and
everything delivered within 30 s of the last restart (claims of a killed worker come back after
one short lease). The spool records its outcomes per batch: a re-sent e-mail finds its file
(same name) and is not written again, so each spool file counts once; the gateway sink counts
every request per client reference.

Self-contained (own schema, spool and worker processes): it does not disturb the shared stack.
Bounded: about 25 s. Environment: ASYLUM_TEST_DATABASE_URL, ASYLUM_ROOT, ASYLUM_BIN_DIR.
"""
from __future__ import annotations

import collections
import os
import re
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from sinks import SMSSink

ROOT = Path(os.environ.get("ASYLUM_ROOT") or Path(__file__).resolve().parents[2])
MESSAGES = 800          # half e-mail, half SMS
KILLS = 5
WITHIN_AFTER_RESTART = 30.0
SPOOL_NAME = re.compile(r"^\d{8}T\d{6}\.\d{6}Z-(\d+)\.(eml|sms\.txt)$")


def psql(conninfo: str, sql: str) -> str:
    done = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", conninfo],
                          input=sql, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def with_schema(conninfo: str, schema: str) -> str:
    if conninfo.startswith(("postgres://", "postgresql://")):
        sep = "&" if "?" in conninfo else "?"
        return f"{conninfo}{sep}options=-csearch_path%3D{schema}%2Cpublic"
    return f"{conninfo} options='-csearch_path={schema},public'"


@pytest.fixture
def outbox_db():
    base = os.environ.get("ASYLUM_TEST_DATABASE_URL")
    if not base:
        pytest.fail("ASYLUM_TEST_DATABASE_URL is not set (scripts/test.sh sets it)")
    schema = f"e2e_kill_{os.getpid()}"
    psql(base, f"SET client_min_messages = warning; DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};")
    db = with_schema(base, schema)
    for migration in sorted((ROOT / "Migrations").glob("*.sql")):
        done = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-d", db, "-f", str(migration)],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"{migration.name}: {done.stderr}"
    yield db
    psql(base, f"SET client_min_messages = warning; DROP SCHEMA IF EXISTS {schema} CASCADE;")


@pytest.fixture
def sms_sink():
    sink = SMSSink().start()
    yield sink
    sink.stop()


def read_pid(path: Path) -> int:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return 0


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def spool_deliveries(spool: Path) -> collections.Counter:
    """Outbox id → spool files for it (a re-send finds its file and writes nothing)."""
    counts = collections.Counter()
    for p in spool.iterdir():
        m = SPOOL_NAME.match(p.name)
        if m:
            counts[int(m.group(1))] += 1
    return counts


def gateway_deliveries(sink: SMSSink) -> collections.Counter:
    with sink._lock:
        refs = [r.payload.get("reference", "") for r in sink.requests if r.status == 201]
    return collections.Counter(int(ref.removeprefix("outbox-")) for ref in refs)


def test_killed_worker_loses_nothing_duplicates_at_most_one_per_kill_and_catches_up(outbox_db, sms_sink):
    binary = Path(os.environ.get("ASYLUM_BIN_DIR") or ROOT / ".build" / "debug") / "asylum-worker"
    assert os.access(binary, os.X_OK), f"{binary} is missing: build it first"
    ids = [int(i) for i in psql(outbox_db, f"""
        INSERT INTO outbox_messages (channel, recipient, template, language)
        SELECT CASE WHEN i % 2 = 0 THEN 'sms' ELSE 'email' END,
               CASE WHEN i % 2 = 0 THEN '+3361' || lpad(i::text, 7, '0') ELSE 'kill' || i || '@example.org' END,
               'test_message', (ARRAY['fr', 'en', 'ar'])[1 + i % 3]
        FROM generate_series(1, {MESSAGES}) AS i RETURNING id;""").split()]

    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        spool, pidfile, log = work / "spool", work / "worker.pid", work / "worker.log"
        spool.mkdir()
        # A writer killed mid-file leaves a temp file: the next worker removes it.
        stale = spool / ".tmp-999999999-20260101T000000.000000Z-1.eml"
        stale.write_text("half a message")
        env = {**os.environ, "ASYLUM_DATABASE_URL": outbox_db, "ASYLUM_ROOT": str(ROOT), "ASYLUM_ENV": "test",
               "ASYLUM_SPOOL_DIR": str(spool), "ASYLUM_SPOOL_DELAY_MS": "4",
               "ASYLUM_PUBLIC_URL": "https://espace-asile.ofpra.gouv.fr",
               "ASYLUM_EMAIL_TRANSPORT": "spool", "ASYLUM_SMS_TRANSPORT": "http",
               "ASYLUM_SMS_URL": sms_sink.url, "ASYLUM_SMS_TOKEN": sms_sink.token}
        env.pop("ASYLUM_WORKER_ID", None)   # host:pid, a new one per restart
        supervisor = subprocess.Popen(
            [str(ROOT / "scripts" / "supervise.sh"), str(pidfile), str(log), str(binary),
             "--batch-size", "50", "--poll-interval", "1"],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            def delivered() -> int:
                return len(spool_deliveries(spool)) + len(gateway_deliveries(sms_sink))

            def wait(check, timeout, what):
                deadline = time.monotonic() + timeout
                while not check():
                    assert time.monotonic() < deadline, f"{what} within {timeout} s; log:\n{log.read_text()[-3000:]}"
                    time.sleep(0.01)

            pid = 0
            last_restart = time.monotonic()
            for k in range(KILLS):
                wait(lambda: read_pid(pidfile) not in (0, pid) and alive(read_pid(pidfile)), 10, f"worker start {k + 1}")
                pid = read_pid(pidfile)
                # Spread the kills over the drain; each one lands while messages are in flight.
                target = (k + 1) * MESSAGES // (KILLS + 3)
                wait(lambda: delivered() >= target, 20, f"{target} deliveries")
                os.kill(pid, signal.SIGKILL)
            wait(lambda: read_pid(pidfile) not in (0, pid) and alive(read_pid(pidfile)), 10, "the last restart")
            last_restart = time.monotonic()
            assert delivered() < MESSAGES, "the drain ended before the last kill: the test proves nothing"

            wait(lambda: delivered() >= MESSAGES, WITHIN_AFTER_RESTART,
                 "every message delivered after the last restart")
            caught_up = time.monotonic() - last_restart
            time.sleep(0.5)   # let the last outcome be recorded
            counts = spool_deliveries(spool) + gateway_deliveries(sms_sink)
            states = psql(outbox_db, "SELECT state, count(*) FROM outbox_messages GROUP BY state ORDER BY state")
        finally:
            supervisor.send_signal(signal.SIGTERM)
            supervisor.wait(timeout=15)

        lost = [i for i in ids if counts[i] == 0]
        duplicates = sum(n - 1 for n in counts.values())
        print(f"\nworker kill: {MESSAGES} messages, {KILLS} kills: lost {len(lost)}, duplicates {duplicates}, "
              f"all delivered {caught_up:.1f} s after the last restart")
        assert lost == []
        assert duplicates <= KILLS, f"{duplicates} duplicates for {KILLS} kills: {[(i, n) for i, n in counts.items() if n > 1]}"
        assert set(counts) == set(ids), "deliveries of messages that were never queued"
        assert caught_up <= WITHIN_AFTER_RESTART
        assert states == f"sent|{MESSAGES}"
        assert len(re.findall(r"asylum-worker \(pid \d+\) killed by signal KILL \(9\)", log.read_text())) == KILLS
        assert not stale.exists(), "a stale temp file was left in the spool"
        assert not [p for p in spool.iterdir() if p.name.startswith(".tmp-")]
        assert not pidfile.exists(), "the supervisor cleans up when stopped"
