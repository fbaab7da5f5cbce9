"""The outbox worker against real protocols: SMTP to a loopback aiosmtpd server, SMS to a
loopback HTTP provider (sinks.py). Messages are queued with psql, delivered by
`asylum-worker --once`, and the outcome is read back from the sinks and the table.

Environment: ASYLUM_TEST_DATABASE_URL (libpq conninfo; the tests fail without it),
ASYLUM_ROOT (project root, default: two folders up), ASYLUM_BIN_DIR (default .build/debug).
Self-contained: it uses no fixture of conftest.py and works in a schema of its own.
"""
from __future__ import annotations

import email
import email.policy
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

import helpers

# aiosmtpd is in requirements.txt: without it the venv is broken, which must not pass as a skip.
try:
    from sinks import SMSSink, SMTPSink
except ModuleNotFoundError as e:  # pragma: no cover - a broken environment
    pytest.fail(f"{e.name} is missing from the venv: run scripts/deps.sh (it installs Tests/e2e/requirements.txt)",
                pytrace=False)

# The sink asks for a login without TLS on purpose (loopback): aiosmtpd warns about it.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

ROOT = Path(os.environ.get("ASYLUM_ROOT") or Path(__file__).resolve().parents[2])
PUBLIC_URL = "https://espace-asile.ofpra.gouv.fr"
MAIL_FROM = "Portail asile <ne-pas-repondre@asile.example.fr>"


# ---------------------------------------------------------------------------------------------
# psql helpers: values travel as psql variables (:'name'), never inside the SQL text
# ---------------------------------------------------------------------------------------------

def psql(conninfo: str, sql: str, **variables: str) -> str:
    args = ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", conninfo]
    for name, value in variables.items():
        args += ["-v", f"{name}={value}"]
    # Variables are only interpolated in SQL read from a script, not in -c.
    done = subprocess.run(args, input=sql, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def with_schema(conninfo: str, schema: str) -> str:
    if conninfo.startswith(("postgres://", "postgresql://")):
        sep = "&" if "?" in conninfo else "?"
        return f"{conninfo}{sep}options=-csearch_path%3D{schema}%2Cpublic"
    return f"{conninfo} options='-csearch_path={schema},public'"


def queue(db: str, channel: str, recipient: str, template: str, language: str, params: str = "{}") -> int:
    return int(psql(db, """
        INSERT INTO outbox_messages (channel, recipient, template, language, params)
        VALUES (:'channel', :'recipient', :'template', :'language', :'params'::jsonb) RETURNING id;
        """, channel=channel, recipient=recipient, template=template, language=language, params=params))


def row(db: str, message_id: int) -> dict[str, str]:
    out = psql(db, """
        SELECT state, attempts, coalesce(last_error, ''), coalesce(provider_ref, ''),
               next_attempt_at > now() + interval '20 seconds', delivery_status
        FROM outbox_messages WHERE id = :'id';
        """, id=str(message_id))
    state, attempts, error, ref, later, delivery = out.split("|")
    return {"state": state, "attempts": int(attempts), "error": error, "provider_ref": ref, "retry_later": later == "t",
            "delivery": delivery}


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def outbox_db():
    base = helpers.require_database_url("the worker's outbox is in that database")
    schema = f"e2e_outbox_{os.getpid()}"
    psql(base, f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};")
    db = with_schema(base, schema)
    for migration in sorted((ROOT / "Migrations").glob("*.sql")):
        done = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-d", db, "-f", str(migration)],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"{migration.name}: {done.stderr}"
    yield db
    psql(base, f"SET client_min_messages = warning; DROP SCHEMA IF EXISTS {schema} CASCADE;")


@pytest.fixture(scope="module")
def worker_binary() -> Path:
    binary = Path(os.environ.get("ASYLUM_BIN_DIR") or ROOT / ".build" / "debug") / "asylum-worker"
    if not os.access(binary, os.X_OK):
        pytest.fail(f"{binary} is missing: build it first (swift build), or set ASYLUM_BIN_DIR")
    return binary


@pytest.fixture(scope="module")
def smtp_sink():
    sink = SMTPSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope="module")
def sms_sink():
    sink = SMSSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope="module")
def delivery(outbox_db, worker_binary, smtp_sink, sms_sink):
    """Queues one message per case, runs the worker once, returns the ids by case."""
    ids = {
        "email_fr": queue(outbox_db, "email", "amina@example.org", "document_deposited", "fr"),
        "email_ar": queue(outbox_db, "email", "karim@example.org", "key_reissued", "ar", '{"key": "7KQ2-<M9XD>"}'),
        "email_refused": queue(outbox_db, "email", SMTPSink.REFUSED, "test_message", "en"),
        "email_busy": queue(outbox_db, "email", SMTPSink.BUSY, "test_message", "en"),
        "sms_ok": queue(outbox_db, "sms", "+33600000000", "contact_code", "fr", '{"code": "482913"}'),
        "sms_permanent": queue(outbox_db, "sms", SMSSink.PERMANENT_FAILURE, "test_message", "fr"),
        "sms_temporary": queue(outbox_db, "sms", SMSSink.TEMPORARY_FAILURE, "test_message", "fr"),
    }
    with tempfile.TemporaryDirectory() as spool:
        env = {
            **os.environ,
            "ASYLUM_DATABASE_URL": outbox_db,
            "ASYLUM_ROOT": str(ROOT),
            "ASYLUM_ENV": "test",
            "ASYLUM_SPOOL_DIR": spool,
            "ASYLUM_PUBLIC_URL": PUBLIC_URL,
            "ASYLUM_WORKER_ID": "e2e-worker",
            "ASYLUM_EMAIL_TRANSPORT": "smtp",
            "ASYLUM_SMTP_URL": smtp_sink.url,
            "ASYLUM_SMTP_USER": smtp_sink.user,
            "ASYLUM_SMTP_PASSWORD": smtp_sink.password,
            "ASYLUM_SMTP_STARTTLS": "0",
            "ASYLUM_MAIL_FROM": MAIL_FROM,
            "ASYLUM_SMS_TRANSPORT": "http",
            "ASYLUM_SMS_URL": sms_sink.url,
            "ASYLUM_SMS_TOKEN": sms_sink.token,
        }
        done = subprocess.run([str(worker_binary), "--once"], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert not os.listdir(spool), "smtp and http transports must not write to the spool"
    return ids


def parsed(mail) -> email.message.EmailMessage:
    return email.message_from_bytes(mail.data, policy=email.policy.default)


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------

def test_email_arrives_with_sender_recipient_subject_and_body(delivery, smtp_sink, outbox_db):
    received = smtp_sink.received_for("amina@example.org")
    assert len(received) == 1
    mail = received[0]
    assert mail.mail_from == "ne-pas-repondre@asile.example.fr"
    assert mail.login == smtp_sink.user, "the worker logged in"
    message = parsed(mail)
    assert message["From"] == MAIL_FROM
    assert message["To"] == "amina@example.org"
    assert message["Subject"] == "Un nouveau document vous attend dans votre espace OFPRA"
    assert message["Message-ID"] == f"<outbox.{delivery['email_fr']}@asile.example.fr>"
    assert message["Date"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "L'OFPRA a déposé un nouveau document dans votre espace personnel." in text
    assert PUBLIC_URL in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f'href="{PUBLIC_URL}"' in html
    record = row(outbox_db, delivery["email_fr"])
    assert record["state"] == "sent"
    assert record["provider_ref"] == message["Message-ID"]
    assert record["delivery"] == "delivered", "the mail server took it (a bounce receipt may still come)"


def test_arabic_email_subject_decodes_and_html_escapes_params(delivery, smtp_sink):
    (mail,) = smtp_sink.received_for("karim@example.org")
    message = parsed(mail)
    assert message["Subject"] == "مفتاح الاتصال الجديد لمساحتك لدى OFPRA"
    assert message["Subject"].isascii() is False and mail.data.isascii(), "encoded on the wire, decoded here"
    # The key is a block of its own (a "code:" block of the layout), under its sentence.
    assert "مفتاحك الجديد:\n\n7KQ2-<M9XD>" in message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert 'dir="rtl"' in html
    assert "7KQ2-&lt;M9XD&gt;" in html and "<M9XD>" not in html


def test_smtp_5xx_is_dead_and_4xx_waits_for_a_retry(delivery, outbox_db):
    refused = row(outbox_db, delivery["email_refused"])
    assert (refused["state"], refused["delivery"]) == ("dead", "permanent_failure")
    assert "550" in refused["error"]
    busy = row(outbox_db, delivery["email_busy"])
    assert (busy["state"], busy["attempts"], busy["retry_later"], busy["delivery"]) == ("pending", 1, True, "temporary_failure")
    assert "451" in busy["error"]


def test_sms_reaches_the_provider_with_token_text_and_reference(delivery, sms_sink, outbox_db):
    (request,) = sms_sink.received_for("+33600000000")
    assert request.authorization == f"Bearer {sms_sink.token}"
    # The idempotency key: the same for every attempt, so a re-send after a crash is recognisable.
    assert request.payload["reference"] == f"outbox-{delivery['sms_ok']}"
    assert request.idempotency_key == request.payload["reference"]
    assert request.payload["text"].startswith("OFPRA : votre code de vérification est 482913.")
    record = row(outbox_db, delivery["sms_ok"])
    assert record["state"] == "sent"
    assert record["provider_ref"] == request.provider_id
    assert record["delivery"] == "sending", "until the gateway's receipt (test_delivery_receipts.py)"


def test_sms_permanent_failure_is_dead_at_once(delivery, sms_sink, outbox_db):
    assert [r.status for r in sms_sink.received_for(SMSSink.PERMANENT_FAILURE)] == [400]
    record = row(outbox_db, delivery["sms_permanent"])
    assert (record["state"], record["attempts"], record["delivery"]) == ("dead", 1, "permanent_failure")
    assert "400" in record["error"]


def test_sms_temporary_failure_is_pending_with_one_attempt_and_a_later_retry(delivery, sms_sink, outbox_db):
    assert [r.status for r in sms_sink.received_for(SMSSink.TEMPORARY_FAILURE)] == [500]
    record = row(outbox_db, delivery["sms_temporary"])
    assert (record["state"], record["attempts"], record["retry_later"], record["delivery"]) == ("pending", 1, True, "temporary_failure")
    assert "500" in record["error"]
