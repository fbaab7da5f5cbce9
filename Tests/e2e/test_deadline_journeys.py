"""No missed deadline (issue 14), walked with the test clock through the real stack:

- a phone-only person whose SMS fails (the SMS gateway accepts it, then its delivery receipt
  says it failed) is reached through their structure before day 15: the structure's functional
  address gets the alert over SMTP, its dashboard flags the person, and the person's document
  page tells the whole story, dated;
- a rejection, once notified, brings reminders on the planned days before the legal-aid and
  CNDA appeal time limits, each on its day and not the day before, by SMS and e-mail.

Disruptive: the stack's worker is paused while the legal clock moves (legal_time.py).
"""
from __future__ import annotations

import datetime as dt

import pytest

import helpers
from legal_time import LegalTime, add_months, next_working_day, numeric

try:
    from sinks import SMSSink, SMTPSink
except ModuleNotFoundError as e:  # pragma: no cover - a broken environment
    pytest.fail(f"{e.name} is missing from the venv: run scripts/deps.sh", pytrace=False)

pytestmark = [pytest.mark.disruptive, pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")]

RECEIPTS_PATH = "/api/accuses-de-reception"


@pytest.fixture(scope="module")
def smtp_sink():
    sink = SMTPSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope="module")
def sms_sink(settings):
    env = helpers.read_env_file(helpers.require_rundir(settings, "the receipt token is in the stack's env"))
    token = env.get("ASYLUM_RECEIPT_TOKEN")
    assert token, "the test stack has no ASYLUM_RECEIPT_TOKEN"
    sink = SMSSink(callback_url=settings.base_url + RECEIPTS_PATH, callback_token=token).start()
    yield sink
    sink.stop()


@pytest.fixture
def legal_time(settings, smtp_sink, sms_sink):
    """Entered by the test once its people exist (their kiosk codes need the stack's worker)."""
    return LegalTime(helpers.require_rundir(settings, "the test clock lives there"), smtp_sink, sms_sink)


def outbox(db: str, subject: str, template: str | None = None) -> list[list[str]]:
    extra = f" AND template = '{template}'" if template else ""
    return helpers.psql(db, f"""SELECT channel, recipient, template, delivery_status FROM outbox_messages
                                WHERE subject_ref = 'document:{subject}'{extra} ORDER BY id""")


def events(db: str, document: str) -> list[str]:
    return [r[0] for r in helpers.psql(db, f"""SELECT e.step_key FROM document_events e JOIN documents d ON d.id = e.document_id
                                             WHERE d.public_id = '{document}' ORDER BY e.id""")]


def structure_address(db: str, person_id: int) -> str:
    rows = helpers.psql(db, f"""SELECT s.email FROM follow_links f JOIN structures s ON s.id = f.structure_id
                               WHERE f.applicant_id = {int(person_id)} AND f.ended_on IS NULL AND s.kind = 'spada'""")
    assert rows and rows[0][0], "the demo SPADA has no functional address (seed-demo sets one)"
    return rows[0][0]


def mails_about(sink: SMTPSink, address: str, needle: str) -> list[str]:
    import email
    import email.policy
    texts = []
    for m in sink.received_for(address):
        body = email.message_from_bytes(m.data, policy=email.policy.default).get_body(preferencelist=("plain",)).get_content()
        if needle in body:
            texts.append(body)
    return texts


def test_a_phone_only_person_whose_sms_fails_is_reached_through_their_structure(
        base_url, database_url, catalogues, legal_time, smtp_sink, sms_sink, new_context):
    fr = catalogues["fr"]
    person = helpers.new_person(base_url, phone=True, email=None)
    address = structure_address(database_url, person.id)
    with legal_time:
        sms_sink.fail(person.phone, status="permanent-failure")
        document = helpers.deposit_document(base_url, database_url, person.id, "six_month_letter",
                                            helpers.minimal_pdf("Courrier des six mois"))
        today = LegalTime.today()
        deemed = numeric(today + dt.timedelta(days=15))

        # Day 0: the gateway takes the SMS, then its receipt (through nginx to the app) says it failed.
        legal_time.run_jobs()
        helpers.wait_until(lambda: outbox(database_url, document, "document_deposited") == [
            ["sms", person.phone, "document_deposited", "permanent_failure"]], 20, 0.2, what="the failed delivery receipt")

        # The next run: no channel of the person is left, so the structure is told at once.
        legal_time.move_to(today + dt.timedelta(days=1))
        legal_time.run_jobs()
        assert "structure_alerted" in events(database_url, document)
        helpers.wait_until(lambda: mails_about(smtp_sink, address, deemed), 20, 0.2, what="the structure's alert e-mail")

        # Day 13: told again, still before the document is deemed notified.
        legal_time.move_to(today + dt.timedelta(days=13))
        legal_time.run_jobs()
        assert "structure_alerted_again" in events(database_url, document)
        alerts = [r for r in outbox(database_url, document) if r[1] == address]
        assert [r[2] for r in alerts] == ["structure_document_alert"] * 2
        assert all(r[3] == "delivered" for r in alerts), alerts

        # The SPADA's dashboard flags the person; the person's page tells what happened, dated.
        spada = new_context()
        page = spada.new_page()
        helpers.browser_login(page, helpers.SPADA_EMAIL)
        page.goto("/pro/suivi?signal=alerted")
        assert person.surname.upper() in page.locator("main").inner_text()

        applicant = new_context().new_page()
        helpers.browser_applicant_login(applicant, person.agdref, person.password)
        applicant.goto(f"/usager/documents/{document}")
        timeline = applicant.locator("ol.timeline").inner_text()
        for key in ("timeline.deposited", "timeline.no_channel_left", "timeline.structure_alerted",
                    "timeline.structure_alerted_again", "timeline.will_be_deemed"):
            assert fr[key] in timeline, f"{key} missing from the timeline: {timeline}"
        assert fr["delivery.status.permanent_failure"] in timeline

        # Day 16: deemed notified, and the timeline says so.
        legal_time.move_to(today + dt.timedelta(days=16))
        applicant.goto(f"/usager/documents/{document}")
        assert fr["timeline.deemed_notified"] in applicant.locator("ol.timeline").inner_text()


def test_a_rejection_brings_reminders_on_the_planned_days(base_url, database_url, catalogues, legal_time, smtp_sink, sms_sink):
    fr = catalogues["fr"]
    email = helpers.unique_email("recours")
    person = helpers.new_person(base_url, phone=True, email=email)
    with legal_time:
        document = helpers.deposit_document(base_url, database_url, person.id, "decision_rejection",
                                            helpers.minimal_pdf("Decision de rejet"))
        session = helpers.applicant_session(base_url, person.agdref, person.password)
        assert session.get(f"{base_url}/usager/documents/{document}/pdf", timeout=helpers.HTTP_TIMEOUT).status_code == 200
        notified = LegalTime.today()   # opened now: notified today
        legal_aid_last = next_working_day(notified + dt.timedelta(days=15))
        appeal_last = next_working_day(add_months(notified, 1))
        plan = sorted([(legal_aid_last - dt.timedelta(days=n), "legal_aid_request", n, legal_aid_last, "legal_aid_reminder")
                       for n in (7, 2)] +
                      [(appeal_last - dt.timedelta(days=n), "cnda_appeal", n, appeal_last, "appeal_reminder") for n in (7, 2)])

        legal_time.run_jobs()
        for day, kind, before, last, template in plan:
            key = f"deadline:{kind}:{before}"
            legal_time.move_to(day - dt.timedelta(days=1))
            legal_time.run_jobs()
            assert key not in events(database_url, document), f"{key} sent before {day}"
            legal_time.move_to(day)
            legal_time.run_jobs()
            assert key in events(database_url, document), f"{key} not sent on {day}"
            sms = [r for r in sms_sink.received_for(person.phone) if numeric(last) in r.payload.get("text", "")]
            assert sms, f"no SMS about {numeric(last)} for {kind}"
            assert mails_about(smtp_sink, email, numeric(last)), f"no e-mail about {numeric(last)} for {kind}"
        sent = outbox(database_url, document)
        for template in ("legal_aid_reminder", "appeal_reminder"):
            assert sorted(r[0] for r in sent if r[2] == template) == ["email", "email", "sms", "sms"], sent

        page = helpers.parse_html(session.get(f"{base_url}/usager/documents/{document}", timeout=helpers.HTTP_TIMEOUT).text).text
        assert page.count(fr["documents.deadline.cnda_appeal.title"]) >= 3, "the deadline and the timeline's two appeal reminders"
