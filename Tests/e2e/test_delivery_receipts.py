"""Delivery receipts through the real stack: a worker sends two SMS over HTTP to the SMS sink,
which answers like GOV.UK Notify and then posts its receipts back to the app's
POST /api/accuses-de-reception through nginx. One number is delivered, the other fails by
receipt; the outbox rows end delivered and permanent_failure.

The receipts must reach messages the app sees, so the SMS are queued in the stack's own
database and the stack's worker (spool transport) is paused (SIGSTOP) while this test's worker
(`asylum-worker --once`, HTTP SMS) delivers them: disruptive, resumed in a finally.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import uuid
from pathlib import Path

import pytest
import requests

import helpers

try:
    from sinks import SMSSink
except ModuleNotFoundError as e:  # pragma: no cover - a broken environment
    pytest.fail(f"{e.name} is missing from the venv: run scripts/deps.sh", pytrace=False)

pytestmark = pytest.mark.disruptive

RECEIPTS_PATH = "/api/accuses-de-reception"


def queue_sms(db: str, number: str, subject: str) -> int:
    # Digits and a uuid only: nothing here needs quoting beyond the SQL literal.
    return int(helpers.psql(db, f"""INSERT INTO outbox_messages (channel, recipient, template, language, subject_ref)
                                    VALUES ('sms', '{number}', 'test_message', 'fr', '{subject}') RETURNING id""")[0][0])


def delivery(db: str, message_id: int) -> list[str]:
    return helpers.psql(db, f"""SELECT state, delivery_status, coalesce(provider_ref, '')
                                FROM outbox_messages WHERE id = {int(message_id)}""")[0]


def test_the_gateways_receipts_settle_each_sms(settings):
    rundir = helpers.require_rundir(settings, "the stack's worker is paused and its env read")
    db = helpers.require_database_url("the messages are queued in the stack's outbox")
    env_file = helpers.read_env_file(rundir)
    token = env_file.get("ASYLUM_RECEIPT_TOKEN")
    assert token, "the stack has no ASYLUM_RECEIPT_TOKEN (scripts/services.sh writes one)"
    worker = Path(env_file.get("ASYLUM_ROOT") or Path(__file__).resolve().parents[2]) / ".build" / "debug" / "asylum-worker"
    url = settings.base_url + RECEIPTS_PATH

    # Through nginx: no token or a wrong one, the same bare 401.
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        r = requests.post(url, json={"reference": "outbox-1", "status": "delivered"}, headers=headers, timeout=10)
        assert r.status_code == 401 and r.content == b"", r.text

    sink = SMSSink(callback_url=url, callback_token=token).start()
    stack_worker = int((rundir / "worker.pid").read_text().strip())
    subject = f"e2e-receipts:{uuid.uuid4()}"
    delivered_number = f"+3361{random.randint(1_000_000, 9_999_999)}"
    failed_number = f"+3362{random.randint(1_000_000, 9_999_999)}"
    sink.fail(failed_number, status="permanent-failure")
    # Between two of its messages, then paused: it cannot take ours.
    helpers.wait_until(lambda: helpers.psql(db, "SELECT count(*) FROM outbox_messages WHERE state = 'sending'")[0][0] == "0",
                       30, 0.2, what="the stack's worker between two messages")
    os.kill(stack_worker, signal.SIGSTOP)
    try:
        ok = queue_sms(db, delivered_number, subject)
        bad = queue_sms(db, failed_number, subject)
        env = {
            **os.environ, **env_file,
            "ASYLUM_WORKER_ID": "e2e-receipts",
            "ASYLUM_SMS_TRANSPORT": "http",
            "ASYLUM_SMS_URL": sink.url,
            "ASYLUM_SMS_TOKEN": sink.token,
        }
        done = subprocess.run([str(worker), "--once"], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-3000:]
        sink.wait_for_receipts()
    finally:
        os.kill(stack_worker, signal.SIGCONT)
        sink.stop()

    (sent_ok,) = sink.received_for(delivered_number)
    (sent_bad,) = sink.received_for(failed_number)
    assert [r.answer for r in sink.receipts_for(f"outbox-{ok}")] == [204]
    assert [r.answer for r in sink.receipts_for(f"outbox-{bad}")] == [204]
    helpers.wait_until(lambda: delivery(db, ok)[1] == "delivered" and delivery(db, bad)[1] == "permanent_failure",
                       20, 0.2, what="the receipts settled")
    # The queue's own state says the gateway took both; the delivery status says what came of them.
    assert delivery(db, ok) == ["sent", "delivered", sent_ok.provider_id]
    assert delivery(db, bad) == ["sent", "permanent_failure", sent_bad.provider_id]
    assert helpers.psql(db, f"""SELECT status FROM delivery_receipts WHERE message_id IN ({ok}, {bad})
                                ORDER BY message_id""") == [["delivered"], ["permanent_failure"]]

    # A replay is answered 204 and stored once.
    receipt = sink.receipts_for(f"outbox-{ok}")[0].payload
    assert requests.post(url, json=receipt, headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code == 204
    assert helpers.psql(db, f"SELECT count(*) FROM delivery_receipts WHERE message_id = {ok}") == [["1"]]
    # Another provider's id for the same reference is refused.
    forged = {**receipt, "id": str(uuid.uuid4())}
    assert requests.post(url, json=forged, headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code == 409
