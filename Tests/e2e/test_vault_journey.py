"""The vault, as its users meet it: an OFPRA agent deposits a document, the person is told by SMS
(never what the document says), sees it as new in their space with the date it will be deemed
notified, opens it (which notifies it), adds the interview to their calendar, and sees the
appeal deadlines a rejection starts. Nobody else gets a document; refused uploads store nothing.

People are created through the app's forms (see helpers.new_person) unless the brief names the
demo applicant 1000000001. Messages are read in the spool folder the asylum-worker writes.
"""
from __future__ import annotations

import json
import re
import zlib
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

import helpers
from legal_time import next_working_day
from helpers import (DEMO_APPLICANT, DEMO_APPLICANT_PASSWORD, HTTP_TIMEOUT, OFPRA_EMAIL, SPADA_EMAIL, LANGUAGES,
                     assert_translated_error_page, browser_applicant_login, browser_login, french_date,
                     french_full_date, minimal_pdf, psql)

INTERVIEW_ADDRESS = "201 rue Carnot, 94120 Fontenay-sous-Bois"
INTERVIEW_PLACE = "OFPRA, bâtiment B, salle 12"
DARI = "prs"


def fill(template: str, **values) -> str:
    for name, value in values.items():
        template = template.replace("{{" + name + "}}", str(value))
    return template


def submit(page: Page, form: str = "main form") -> int:
    with page.expect_navigation() as nav:
        page.locator(f"{form} button[type=submit]").click()
    return nav.value.status


def shows_message_with_date(text: str, template: str, day) -> bool:
    """True when `text` holds the catalogue message `template` with a date on `day` (in French,
    as DisplayFormat writes it) in place of `{{date}}`."""
    before, after = template.split("{{date}}")
    pattern = re.escape(before) + re.escape(french_date(day)) + r"[^.]*?" + re.escape(after)
    return re.search(pattern, text) is not None


def document_count(database_url: str, person_id: int) -> int:
    return int(psql(database_url, f"SELECT count(*) FROM documents WHERE applicant_id = {int(person_id)}")[0][0])


def applicant_space_item(page: Page, document: str):
    """The entry of one document in the list of /usager/espace."""
    return page.locator("main li.document").filter(has=page.locator(f'a[href="/usager/documents/{document}"]'))


def ics_text(value: str) -> str:
    """An iCalendar TEXT value as a calendar shows it (RFC 5545 3.3.11 escapes undone)."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def unfold_ics(text: str) -> str:
    """RFC 5545 unfolding: a CRLF followed by one space continues the previous line."""
    return text.replace("\r\n ", "").replace("\r\n\t", "")


# ---------------------------------------------------------------------------------------------
# 8. A convocation: deposit, SMS, the space, opening it, the calendar file
# ---------------------------------------------------------------------------------------------

def test_convocation_is_announced_by_sms_shown_as_new_notified_when_opened_and_exported_to_a_calendar(
        new_context, settings, database_url, catalogues):
    fr = catalogues["fr"]
    person_id = helpers.applicant_id(database_url, DEMO_APPLICANT)
    (phone, language), = psql(database_url, f"SELECT phone, language FROM applicants WHERE id = {person_id} "
                                            "AND phone_verified_at IS NOT NULL")
    today = helpers.paris_today()
    interview_day = next_working_day(today + timedelta(days=10))  # OFPRA refuses a Sunday or a holiday
    pdf = minimal_pdf("Convocation a l'entretien OFPRA - document de test")

    # --- The OFPRA agent finds the person by AGDREF number and deposits the convocation --------
    agent = new_context().new_page()
    browser_login(agent, OFPRA_EMAIL)
    agent.goto(f"/agents/ofpra/personnes?q={DEMO_APPLICANT}")
    assert agent.url.endswith(f"/agents/ofpra/personnes/{person_id}"), agent.url
    expect(agent.locator("main dl.summary")).to_contain_text(DEMO_APPLICANT)
    agent.locator("#f-kind").select_option("convocation")
    agent.locator("#f-file").set_input_files(files=[{"name": "convocation.pdf", "mimeType": "application/pdf",
                                                      "buffer": pdf}])
    agent.locator("#f-interview_date").fill(interview_day.isoformat())
    agent.locator("#f-interview_time").fill("09:30")
    agent.locator("#f-interview_place").fill(INTERVIEW_PLACE)
    agent.locator("#f-interview_address").fill(INTERVIEW_ADDRESS)
    agent.locator("#f-interpreter_language").select_option(DARI)
    dari = agent.locator(f'#f-interpreter_language option[value="{DARI}"]').inner_text().strip()
    assert submit(agent, "main form[enctype='multipart/form-data']") == 200
    assert agent.url.endswith(f"/agents/ofpra/personnes/{person_id}?notice=deposited"), agent.url
    expect(agent.locator("main .notice")).to_contain_text(fr["notices.deposited"])
    document = helpers.latest_document(database_url, person_id)

    # --- The SMS: to the person's phone, saying only that a new document arrived ---------------
    rows = psql(database_url, f"SELECT id, recipient FROM outbox_messages WHERE channel = 'sms' "
                              f"AND subject_ref = 'document:{document}'")
    assert len(rows) == 1, f"expected one SMS for the deposit, found {rows}"
    sms = helpers.wait_for_spooled(settings.rundir, outbox_id=int(rows[0][0]), suffix=".sms.txt")
    assert sms.recipient == phone == rows[0][1]
    # Its words: the person's language's own text, or French as a whole (Outbox MessageTemplates).
    own = helpers.flatten(json.loads((settings.root / "Locales" / f"{language}.json").read_text(encoding="utf-8")))
    template = own.get("messages.document_deposited.sms") or catalogues["fr"]["messages.document_deposited.sms"]
    expected = re.escape(template.strip()).replace(re.escape("{{portal_url}}"), r"\S+")
    assert re.fullmatch(expected, sms.text), f"the SMS is not the 'new document' message: {sms.text!r}"
    lowered = sms.text.lower()
    for secret in ["convocation", "entretien", "dari", "09:30", "carnot", "fontenay", interview_day.isoformat(),
                   french_date(interview_day), "%pdf", "ofpra, bâtiment"] + \
                  [catalogues[lang]["documents.kinds.convocation"].lower() for lang in LANGUAGES]:
        assert secret.lower() not in lowered, f"the SMS reveals {secret!r}: {sms.text!r}"

    # The agent sees the deposit in the person's file.
    agent.reload()
    expect(agent.locator("main table tbody tr", has_text=fr["documents.kinds.convocation"]).first).to_be_visible()

    # --- The person logs in and sees the document as new, not notified yet -------------------
    person = new_context().new_page()
    browser_applicant_login(person, DEMO_APPLICANT, DEMO_APPLICANT_PASSWORD)
    person.goto("/usager/espace")
    item = applicant_space_item(person, document)
    expect(item).to_have_count(1)
    expect(item.locator(".tag-new")).to_have_text(fr["documents.new"])
    expect(item).to_contain_text(fr["documents.kinds.convocation"])
    assert shows_message_with_date(item.inner_text(), fr["documents.notification.pending"], today + timedelta(days=15)), \
        f"the space does not say when the document will be deemed notified: {item.inner_text()!r}"

    # --- The detail page, then the document itself --------------------------------------------
    with person.expect_navigation():
        item.locator(f'a[href="/usager/documents/{document}"]').click()
    expect(person.locator("h1")).to_have_text(fr["documents.kinds.convocation"])
    main = person.locator("main")
    expect(main).to_contain_text(french_full_date(interview_day))
    expect(main).to_contain_text("09:30")
    expect(main).to_contain_text(INTERVIEW_ADDRESS)
    expect(main).to_contain_text("Dari")
    expect(main).to_contain_text(helpers.counted(fr, "fr", "documents.deadline.days_left", (interview_day - today).days))

    with person.expect_response(lambda r: r.url.endswith(f"/usager/documents/{document}/pdf")) as answer:
        person.get_by_role("link", name=fr["documents.open"], exact=True).click()
    response = answer.value
    assert response.status == 200
    headers = response.headers
    assert headers["content-type"] == "application/pdf"
    assert "no-store" in headers.get("cache-control", "")
    disposition = headers.get("content-disposition", "")
    assert re.fullmatch(r'inline; filename="[A-Za-z0-9._-]+\.pdf"', disposition), disposition
    # Chromium hands a PDF to its viewer (the navigation's body is the viewer's page): fetch the
    # bytes again with the person's cookies to compare them with what was deposited.
    assert person.context.request.get(response.url).body() == pdf

    # --- Back on the space: no longer new, notified today ----------------------------------------
    person.goto("/usager/espace")
    item = applicant_space_item(person, document)
    expect(item).to_have_count(1)
    expect(item.locator(".tag-new")).to_have_count(0)
    assert shows_message_with_date(item.inner_text(), fr["documents.notification.consulted"], today), \
        f"the space does not show the notification date: {item.inner_text()!r}"
    assert psql(database_url, f"SELECT first_consulted_at IS NOT NULL FROM documents WHERE public_id = '{document}'") == [["t"]]

    # --- The interview in the person's calendar ------------------------------------------------
    person.goto(f"/usager/documents/{document}")
    with person.expect_response(lambda r: r.url.endswith("/calendrier.ics")) as answer, person.expect_download() as download:
        person.get_by_role("link", name=fr["documents.interview.calendar"]).click()
    assert answer.value.status == 200
    assert answer.value.headers["content-type"].startswith("text/calendar")
    ics = unfold_ics(Path(download.value.path()).read_bytes().decode("utf-8"))
    starts = datetime.combine(interview_day, time(9, 30), ZoneInfo(helpers.PARIS)).astimezone(timezone.utc)
    assert f"\r\nDTSTART:{starts:%Y%m%dT%H%M%SZ}\r\n" in ics, ics
    assert "LOCATION:" + INTERVIEW_ADDRESS.replace(",", "\\,") + "\r\n" in ics, ics
    assert "BEGIN:VEVENT" in ics and "END:VCALENDAR" in ics
    # The description lists the place, then the interpreter on its own line.
    description = re.search(r"\r\nDESCRIPTION:(.*?)\r\n", ics).group(1)
    assert ics_text(description) == f"{INTERVIEW_PLACE}\n{fill(fr['documents.ics.interpreter'], language=dari)}", \
        f"DESCRIPTION:{description}"


# ---------------------------------------------------------------------------------------------
# 9. Nobody else gets the document
# ---------------------------------------------------------------------------------------------

def test_other_applicants_staff_and_visitors_are_refused_the_document_and_it_stays_unnotified(
        base_url, database_url, catalogues):
    fr = catalogues["fr"]
    owner = helpers.new_person(base_url)
    other = helpers.new_person(base_url)
    interview = {"interview_date": next_working_day(helpers.paris_today() + timedelta(days=12)).isoformat(), "interview_time": "14:00",
                 "interview_place": INTERVIEW_PLACE, "interview_address": INTERVIEW_ADDRESS, "interpreter_language": ""}
    document = helpers.deposit_document(base_url, database_url, owner.id, "convocation", minimal_pdf(), interview)
    (document_id,), = psql(database_url, f"SELECT id FROM documents WHERE public_id = '{document}'")
    (spada_id,), = psql(database_url, f"SELECT id FROM staff_accounts WHERE lower(email) = lower('{SPADA_EMAIL}')")

    visitors = {
        f"applicant:{other.id}": (helpers.applicant_session(base_url, other.agdref, other.password), 404),
        f"staff:{spada_id}": (helpers.staff_session(base_url, SPADA_EMAIL), 403),
        # Logged out: the login, with the way back to the document (the owner after logout, most often).
        "anonymous": (helpers.http_session(), 303),
    }
    urls = [f"/usager/documents/{document}", f"/usager/documents/{document}/pdf",
            f"/usager/documents/{document}/calendrier.ics"]
    for who, (session, status) in visitors.items():
        for url in urls:
            r = session.get(base_url + url, allow_redirects=False, timeout=HTTP_TIMEOUT)
            if status == 303:
                assert r.status_code == 303 and r.headers["Location"].startswith("/usager/connexion?retour="), (url, r.headers)
            else:
                assert_translated_error_page(r, status, fr, "fr")
            assert b"%PDF" not in r.content and "BEGIN:VCALENDAR" not in r.text, f"{who} got the document at {url}"

    # Every refusal is recorded, with who asked.
    rows = psql(database_url, f"SELECT who, count(*) FROM document_access_refusals WHERE document_id = {document_id} "
                              "GROUP BY who ORDER BY who")
    assert dict((who, int(n)) for who, n in rows) == {who: len(urls) for who in visitors}

    # None of that counts as the person's consultation.
    assert psql(database_url, f"SELECT first_consulted_at IS NULL FROM documents WHERE id = {document_id}") == [["t"]]

    # The same addresses do work for the owner (so the refusals above are not wrong URLs).
    mine = helpers.applicant_session(base_url, owner.agdref, owner.password)
    for url in urls:
        r = mine.get(base_url + url, allow_redirects=False, timeout=HTTP_TIMEOUT)
        assert r.status_code == 200, f"the owner got {r.status_code} at {url}"

    # The document is served sandboxed (a script in it would run without the person's session),
    # never sniffed as another type, under a filename the app made.
    r = mine.get(base_url + f"/usager/documents/{document}/pdf", allow_redirects=False, timeout=HTTP_TIMEOUT)
    assert "sandbox" in [d.strip() for d in r.headers["Content-Security-Policy"].split(";")], r.headers
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert re.fullmatch(r'inline; filename="ofpra-convocation-\d{4}-\d{2}-\d{2}\.pdf"', r.headers["Content-Disposition"])


# ---------------------------------------------------------------------------------------------
# 10. Uploads that are refused, with a clear message, storing nothing
# ---------------------------------------------------------------------------------------------

def test_refused_uploads_say_why_next_to_the_file_field_and_store_nothing(new_context, base_url, database_url,
                                                                         catalogues, tmp_path):
    fr = catalogues["fr"]
    someone = helpers.new_person(base_url, activate=False)
    agent = new_context().new_page()
    browser_login(agent, OFPRA_EMAIL)
    person_page = f"/agents/ofpra/personnes/{someone.id}"
    before = document_count(database_url, someone.id)

    def upload(name: str, content: bytes) -> int:
        # From a file on disk (not an in-memory buffer): megabytes go to the browser much faster.
        path = tmp_path / name
        path.write_bytes(content)
        agent.goto(person_page)
        agent.locator("#f-kind").select_option("other")
        agent.locator("#f-file").set_input_files(str(path), timeout=60_000)
        with agent.expect_navigation(timeout=60_000) as nav:
            agent.locator("main form[enctype='multipart/form-data'] button[type=submit]").click()
        return nav.value.status

    too_large = minimal_pdf(pad_to=10 * 1024 * 1024 + 512 * 1024)          # 10.5 MB: over the app's limit
    cases = [
        ("lettre.pdf", "Ceci est une lettre, pas un PDF.\n".encode() * 40, "documents.upload.not_pdf"),
        ("vide.pdf", b"", "documents.upload.empty"),
        ("decision.pdf", too_large, "documents.upload.too_large"),
    ]
    for name, content, message in cases:
        assert upload(name, content) == 422, f"{name}: not refused"
        expect(agent.locator("#f-file-error")).to_contain_text(fr[message])
        expect(agent.locator("#f-file")).to_have_attribute("aria-invalid", "true")
        expect(agent.locator('.error-summary a[href="#f-file"]')).to_have_text(fr[message])
        assert document_count(database_url, someone.id) == before, f"{name} was stored"

    # Above what nginx accepts (12 MB): the translated "too large" page, not nginx's own.
    status = upload("enorme.pdf", minimal_pdf(pad_to=13 * 1024 * 1024))
    assert status == 413, status
    assert agent.locator("html").get_attribute("lang") == "fr", \
        f"the 413 page is not the app's translated page: {agent.content()[:300]!r}"
    expect(agent.locator("h1")).to_have_text(fr["errors.413.title"])
    expect(agent.locator("main")).to_contain_text(fr["errors.413.body"])
    assert document_count(database_url, someone.id) == before

    # The form itself works: a real PDF is stored.
    assert upload("lettre.pdf", minimal_pdf()) == 200
    expect(agent.locator("main .notice")).to_be_visible()
    assert document_count(database_url, someone.id) == before + 1


def hostile_pdf(catalog: str = "", header: bytes = b"%PDF-1.7\n", content: bytes | None = None) -> bytes:
    """A one-page PDF with a correct xref table: refused for what it holds, not for damage.
    `catalog` is spliced into the catalogue; `content` replaces the page's content stream object."""
    text = b"BT /F1 18 Tf 72 720 Td (Decision) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog.encode() + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        content or b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(header), []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def flate_bomb(decoded: int = 1 << 30) -> bytes:
    """A content stream that inflates to `decoded` zero bytes (1 GiB from about 1 MB)."""
    z, chunk, data = zlib.compressobj(9), bytes(1 << 20), bytearray()
    for _ in range(decoded // len(chunk)):
        data += z.compress(chunk)
    data += z.flush()
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + bytes(data) + b"\nendstream"


def test_pdfs_with_scripts_attachments_html_or_a_flate_bomb_are_refused_with_a_reason(
        new_context, base_url, database_url, catalogues, tmp_path):
    fr = catalogues["fr"]
    someone = helpers.new_person(base_url, activate=False)
    agent = new_context().new_page()
    browser_login(agent, OFPRA_EMAIL)
    person_page = f"/agents/ofpra/personnes/{someone.id}"
    before = document_count(database_url, someone.id)
    cases = [
        ("script.pdf", hostile_pdf("/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>"), "documents.upload.active_content"),
        ("lancement.pdf", hostile_pdf("/OpenAction << /S /Launch /F (cmd.exe) >>"), "documents.upload.active_content"),
        ("piece-jointe.pdf", hostile_pdf("/Names << /EmbeddedFiles << /Names [(a.exe) << /Type /Filespec /F (a.exe) >>] >> >>"),
         "documents.upload.attachments"),
        ("page-web.pdf", hostile_pdf(header=b"%PDF-1.7\n%<html><script>alert(document.cookie)</script>\n"),
         "documents.upload.polyglot"),
        ("bombe.pdf", hostile_pdf(content=flate_bomb()), "documents.upload.too_expanded"),
    ]
    for name, content, message in cases:
        path = tmp_path / name
        path.write_bytes(content)
        agent.goto(person_page)
        agent.locator("#f-kind").select_option("other")
        agent.locator("#f-file").set_input_files(str(path))
        with agent.expect_navigation(timeout=60_000) as nav:
            agent.locator("main form[enctype='multipart/form-data'] button[type=submit]").click()
        assert nav.value.status == 422, f"{name}: not refused"
        expect(agent.locator("#f-file-error")).to_contain_text(fr[message])
        assert document_count(database_url, someone.id) == before, f"{name} was stored"


# ---------------------------------------------------------------------------------------------
# 11. A rejection: the appeal deadlines, in French and in Arabic
# ---------------------------------------------------------------------------------------------

def test_rejection_shows_the_appeal_and_legal_aid_deadlines_once_opened(new_context, base_url, database_url, catalogues):
    fr, ar = catalogues["fr"], catalogues["ar"]
    someone = helpers.new_person(base_url)
    document = helpers.deposit_document(base_url, database_url, someone.id, "decision_rejection", minimal_pdf())
    today = helpers.paris_today()
    # Date to date, then to the next working day (weekends, French public holidays: legal_time.py).
    appeal_until = next_working_day(helpers.add_months(today, 1))
    legal_aid_until = next_working_day(today + timedelta(days=15))

    page = new_context().new_page()
    browser_applicant_login(page, someone.agdref, someone.password)
    page.goto(f"/usager/documents/{document}")
    expect(page.locator("h1")).to_have_text(fr["documents.kinds.decision_rejection"])
    # Not opened yet: no deadline runs.
    expect(page.locator("li.deadline")).to_have_count(0)
    with page.expect_response(lambda r: r.url.endswith("/pdf")) as answer:
        page.get_by_role("link", name=fr["documents.open"], exact=True).click()
    assert answer.value.status == 200

    # French.
    page.goto(f"/usager/documents/{document}")
    expect(page.locator("main h2", has_text=fr["documents.deadline.title"])).to_be_visible()
    deadlines = page.locator("li.deadline")
    expect(deadlines).to_have_count(2)
    expected = [
        (fr["documents.deadline.cnda_appeal.title"], appeal_until),
        (fr["documents.deadline.legal_aid_request.title"], legal_aid_until),
    ]
    for (title, until), item in zip(expected, deadlines.all()):
        line = f"{title} : {french_full_date(until)} — {helpers.counted(fr, 'fr', 'documents.deadline.days_left', (until - today).days)}"
        expect(item).to_contain_text(line)

    # Arabic: right to left, the Arabic titles and days left.
    page.goto(f"/usager/documents/{document}?lang=ar")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    titles = page.locator("li.deadline strong")
    expect(titles).to_have_text([ar["documents.deadline.cnda_appeal.title"], ar["documents.deadline.legal_aid_request.title"]])
    expect(page.locator("li.deadline").nth(0)).to_contain_text(helpers.counted(
        ar, "ar", "documents.deadline.days_left", (appeal_until - today).days))
    expect(page.locator("li.deadline").nth(1)).to_contain_text(helpers.counted(
        ar, "ar", "documents.deadline.days_left", (legal_aid_until - today).days))
    expect(page.locator("main h2", has_text=ar["documents.deadline.title"])).to_be_visible()
