"""The prefecture's side, through nginx: a filed request → the instructor takes it up and asks
for a document → the person uploads it from their space → OFPRA records the birth certificate
(it reaches the request, no upload) → favourable decision → card made → card available (the
SMS convocation in the spool carries the address; the .ics downloads) → handed over. At each
step the person and the prefecture read the same history. Then a blockage report answered,
and a withdrawal.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

import anef
import helpers
from helpers import HTTP_TIMEOUT, OFPRA_EMAIL, parse_html, post_form

PREFECTURE_EMAIL = "prefecture@demo.asile.test"


@pytest.fixture(scope="module")
def catalogue(catalogues) -> dict[str, str]:
    return catalogues["fr"]


def history(html: str) -> list[str]:
    """The history's lines as read on a page: what happened, without the times."""
    block = re.search(r'<ol class="history">(.*?)</ol>', html, re.S)
    assert block, "no history on the page"
    return [re.sub(r"\s+", " ", parse_html(li).text.split(" — ", 1)[1].split("(")[0]).strip()
            for li in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)]


def same_history(person_page: str, prefecture_page: str) -> list[str]:
    mine, theirs = history(person_page), history(prefecture_page)
    # The person's lines name the file kind after a dash; the prefecture's show the event alone.
    assert [m.split(" — ")[0] for m in mine] == [t.split(" — ")[0] for t in theirs], (mine, theirs)
    return mine


def test_a_request_from_filing_to_the_card_handed_over(page: Page, new_context, base_url, catalogue, tmp_path):
    database_url = helpers.require_database_url("OFPRA's decision and birth certificate")
    person = anef.granted_person(base_url, database_url)
    helpers.clear_address_throttle(database_url, "anef-signup")
    email, (typed_phone, phone) = helpers.unique_email("pref"), helpers.unique_mobile()
    s = anef.http_account(base_url, anef.signup_fields(person, email, typed_phone))
    anef.file_request_over_http(base_url, s)   # domiciliation in Rennes: Ille-et-Vilaine's prefecture

    # The instructor (browser) finds it in the queue and takes it up.
    helpers.browser_login(page, PREFECTURE_EMAIL)
    page.goto("/agents/prefecture")
    number = re.search(r"ANEF-\d{4}-\d{6}", s.get(base_url + "/anef", timeout=HTTP_TIMEOUT).text).group(0)
    with page.expect_navigation():
        page.get_by_role("link", name=number).click()
    request_path = page.url.replace(base_url, "").split("?")[0]

    def submit(action: str):
        with page.expect_navigation():
            page.locator(f"main form[action$='{action}'] button[type=submit]").click()

    submit("/instruction")
    expect(page.locator("main .notice")).to_contain_text(catalogue["notices.review_started"])
    same_history(s.get(base_url + "/anef", timeout=HTTP_TIMEOUT).text, page.content())

    # Ask for a document: what, why, by when.
    page.locator("#ask-what").fill("Acte de mariage traduit")
    page.locator("#ask-why").fill("Pour vérifier votre situation familiale")
    page.locator("#ask-due").fill(helpers.paris_today().replace(year=helpers.paris_today().year + 1).isoformat())
    submit("/documents")
    expect(page.locator("main .notice")).to_contain_text(catalogue["notices.documents_asked"])
    mail = helpers.wait_for_spooled(anef.rundir(), recipient=email, match=lambda m: "/anef" in m.text and "document" in m.text.lower())
    assert "Acte de mariage" not in mail.text, "the e-mail says a document is asked, not which"

    # The person sees the to-do in their space and sends the document (browser).
    person_context = new_context()
    me = person_context.new_page()
    anef.browser_anef_login(me, person.agdref)
    expect(me.locator("#todo-title")).to_have_text(catalogue["anef.ask.title"])
    expect(me.locator("main")).to_contain_text("Acte de mariage traduit")
    me.locator("#f-answer-file").set_input_files(
        files=[{"name": "mariage.pdf", "mimeType": "application/pdf", "buffer": helpers.minimal_pdf("Acte de mariage")}])
    with me.expect_navigation():
        me.locator("main form[action='/anef/demande/reponse'] button[type=submit]").click()
    expect(me.locator("main .notice")).to_contain_text(catalogue["notices.anef_answer_sent"])
    page.goto(request_path)
    expect(page.locator("main")).to_contain_text(catalogue["anef.file_kinds.requested_document"])
    same_history(me.content(), page.content())

    # OFPRA records the birth certificate: it reaches the request, nobody uploads it.
    ofpra = helpers.staff_session(base_url, OFPRA_EMAIL)
    path = f"/agents/ofpra/personnes/{person.id}"
    r = post_form(ofpra, base_url, path, path + "/acte-de-naissance", {"established_on": helpers.paris_today().isoformat()})
    assert r.status_code == 303 and "birth_act_recorded" in r.headers["Location"]
    page.goto(request_path)
    expect(page.locator("main")).to_contain_text(catalogue["anef.events.birth_certificate_received"])

    # Favourable decision, card made, then available with a convocation.
    page.locator("#d-fav").check()
    submit("/decision")
    expect(page.locator("main .notice")).to_contain_text(catalogue["notices.decision_recorded"])
    submit("/carte")                                      # being made
    pickup = helpers.paris_today().replace(year=helpers.paris_today().year + 1)
    page.locator("#p-day").fill(pickup.isoformat())
    page.locator("#p-time").fill("10:30")
    submit("/carte")                                      # available: SMS + e-mail
    sms = helpers.wait_for_spooled(anef.rundir(), recipient=phone, match=lambda m: "10:30" in m.text)
    assert "3 avenue de la Préfecture" in sms.text or "3 avenue de la Prefecture" in sms.text, sms.text
    me.goto("/anef")
    expect(me.locator("#pickup-title")).to_have_text(catalogue["anef.card.title"])
    ics = me.request.get("/anef/carte.ics")
    assert ics.status == 200 and "BEGIN:VEVENT" in ics.text() and "3 avenue de la Pr" in ics.text()
    same_history(me.content(), page.content())

    submit("/carte")                                      # handed over
    me.goto("/anef")
    expect(me.locator("main")).to_contain_text(catalogue["anef.states.card_handed_over"])
    lines = same_history(me.content(), page.content())
    for key in ("filed", "review_started", "documents_requested", "documents_sent", "birth_certificate_received",
                "decision_favourable", "card_in_production", "card_available", "card_handed_over"):
        assert any(line.startswith(catalogue[f"anef.events.{key}"]) for line in lines), key
    person_context.close()


def test_a_blockage_report_reaches_the_prefecture_and_its_answer_the_person(page: Page, base_url, catalogue):
    helpers.clear_address_throttle(helpers.require_database_url("throttle"), "anef-blockage")
    contact = helpers.unique_email("bloque")
    page.goto("/anef/signaler-un-blocage")
    page.locator("#f-name").fill("Hawa Traoré")
    page.locator("#f-contact").fill(contact)
    page.locator("#f-postcode").fill("35200")
    page.locator("#f-tried").fill("Créer mon compte avec mon numéro étranger")
    page.locator("#f-saw").fill("La page dit que mon nom ne correspond pas")
    page.locator("#f-screenshot").set_input_files(files=[{"name": "capture.png", "mimeType": "image/png", "buffer": anef.png(800, 600)}])
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("main .success")).to_contain_text(catalogue["anef.blockage.sent"])

    staff = helpers.staff_session(base_url, PREFECTURE_EMAIL)
    queue = staff.get(base_url + "/agents/prefecture", timeout=HTTP_TIMEOUT).text
    link = re.search(r'href="(/agents/prefecture/signalements/\d+)">Hawa Traoré', queue)
    assert link, "the report is in the prefecture's queue"
    report = staff.get(base_url + link.group(1), timeout=HTTP_TIMEOUT).text
    assert "mon nom ne correspond pas" in parse_html(report).text
    shot = staff.get(base_url + link.group(1) + "/capture", timeout=HTTP_TIMEOUT)
    assert shot.status_code == 200 and shot.headers["content-type"] == "image/png", "the screenshot, re-encoded, for the instructor"
    r = post_form(staff, base_url, link.group(1), link.group(1) + "/reponse",
                  {"answer": "Venez au guichet mardi à 9 h avec votre attestation.", "counter": "1"})
    assert r.status_code == 303 and "report_answered" in r.headers["Location"]
    answer = helpers.wait_for_spooled(anef.rundir(), recipient=contact, match=lambda m: "guichet" in m.text)
    assert "mardi" in answer.text


def test_the_person_corrects_the_address_then_withdraws(base_url, catalogue):
    database_url = helpers.require_database_url("a request")
    person = anef.granted_person(base_url, database_url)
    helpers.clear_address_throttle(database_url, "anef-signup")
    s = anef.http_account(base_url, anef.signup_fields(person, helpers.unique_email("retrait"), helpers.unique_mobile()[0]))
    anef.file_request_over_http(base_url, s)
    # After filing, the person corrects their address: dated in the history.
    r = post_form(s, base_url, "/anef/demande/adresse", "/anef/demande/adresse",
                  {"address_kind": "hosted", "host_name": "Odile Le Roux", "address_line": "8 rue de Nantes",
                   "postcode": "35000", "city": "Rennes"})
    assert r.status_code == 303, parse_html(r.text).text[:300]
    assert catalogue["anef.events.address_corrected"] in parse_html(s.get(base_url + "/anef", timeout=HTTP_TIMEOUT).text).text
    # And their e-mail: the new one counts only once its code comes back.
    new_email = helpers.unique_email("nouveau")
    before = anef.spooled_now()
    r = post_form(s, base_url, "/anef/coordonnees", "/anef/coordonnees/email", {"new_email": new_email})
    assert r.status_code == 303
    r = post_form(s, base_url, "/anef/coordonnees", "/anef/coordonnees/confirmer", {"channel": "email", "code": "000000"})
    assert r.status_code == 422, "a wrong code changes nothing"
    code = anef.code_sent_to(new_email, before)
    r = post_form(s, base_url, "/anef/coordonnees", "/anef/coordonnees/confirmer", {"channel": "email", "code": code})
    assert r.headers["Location"] == "/anef/coordonnees?notice=anef_contact_changed"
    assert new_email in s.get(base_url + "/anef/coordonnees", timeout=HTTP_TIMEOUT).text
    assert catalogue["anef.events.contacts_corrected"] in parse_html(s.get(base_url + "/anef", timeout=HTTP_TIMEOUT).text).text
    r = post_form(s, base_url, "/anef", "/anef/demande/retrait", {})
    assert r.headers["Location"].startswith("/anef?notice=anef_withdraw_confirm"), "a withdrawal is confirmed first"
    r = post_form(s, base_url, "/anef", "/anef/demande/retrait", {"confirm": "1"})
    assert r.headers["Location"] == "/anef?notice=anef_withdrawn"
    space = s.get(base_url + "/anef", timeout=HTTP_TIMEOUT).text
    assert catalogue["anef.states.withdrawn"] in parse_html(space).text
    assert catalogue["anef.events.withdrawn"] in parse_html(space).text


def test_a_structure_follows_a_request_only_with_the_persons_consent_and_never_sees_documents(base_url, catalogue):
    database_url = helpers.require_database_url("a request")
    person = anef.granted_person(base_url, database_url)
    helpers.clear_address_throttle(database_url, "anef-signup")
    s = anef.http_account(base_url, anef.signup_fields(person, helpers.unique_email("mandat"), helpers.unique_mobile()[0]))
    anef.file_request_over_http(base_url, s)
    number = re.search(r"ANEF-\d{4}-\d{6}", s.get(base_url + "/anef", timeout=HTTP_TIMEOUT).text).group(0)
    spada = helpers.staff_session(base_url, helpers.SPADA_EMAIL)
    assert number not in spada.get(base_url + "/pro/demandes-titre", timeout=HTTP_TIMEOUT).text, "no consent, nothing shown"
    space = s.get(base_url + "/anef", timeout=HTTP_TIMEOUT).text
    structure = re.search(r'<option value="(\d+)">SPADA Rennes', space).group(1)
    r = post_form(s, base_url, "/anef", "/anef/mandats", {"structure": structure, "months": "6"})
    assert r.headers["Location"].startswith("/anef?notice=anef_mandate_granted")
    listed = spada.get(base_url + "/pro/demandes-titre", timeout=HTTP_TIMEOUT).text
    assert number in listed and catalogue["anef.states.filed"] in parse_html(listed).text
    assert "/anef/pieces/" not in listed and "/anef/attestations/" not in listed, "never the documents"
    # Another structure sees nothing; the person stops it, and it is gone, journaled.
    cada = helpers.staff_session(base_url, "cada.rennes@demo.asile.test")
    assert number not in cada.get(base_url + "/pro/demandes-titre", timeout=HTTP_TIMEOUT).text
    mandate = re.search(r'action="/anef/mandats/(\d+)/retrait"', s.get(base_url + "/anef", timeout=HTTP_TIMEOUT).text).group(1)
    r = post_form(s, base_url, "/anef", f"/anef/mandats/{mandate}/retrait", {})
    assert r.headers["Location"].startswith("/anef?notice=anef_mandate_revoked")
    assert number not in spada.get(base_url + "/pro/demandes-titre", timeout=HTTP_TIMEOUT).text
    history_text = parse_html(s.get(base_url + "/anef", timeout=HTTP_TIMEOUT).text).text
    assert catalogue["anef.events.mandate_granted"] in history_text and catalogue["anef.events.mandate_revoked"] in history_text
