"""The professional module and the paper-mail opt-out, as the people who use them meet them:
SPADA staff record a request for letters by post → the OFII office convokes the person and
forwards the signed form → OFPRA opens the scan and decides → the COURRIER_POST letter reaches
the person's space, every later document goes to OFPRA's mail room with the SPADA's address.
Then: a new key for someone without phone or e-mail (the person present), who looked at my file,
which structure sees whom, the dashboard's flags, and the closure of a space.

Every person is created through the app's own forms (helpers.new_person: SPADA enrolment → GUDA
registration → OFPRA opens the space → activation), with unique names and AGDREF numbers, so no
test depends on another one. Expected texts come from the message catalogues (Locales/*.json);
structures' names and addresses from the demo data (asylum-admin seed-demo).
"""
from __future__ import annotations

import hashlib
import re
import uuid
from datetime import timedelta

from playwright.sync_api import Locator, Page, expect

import helpers
from helpers import (ADMIN_EMAIL, CADA_EMAIL, HUDA_EMAIL, KEY_PATTERN, OFII_EMAIL, OFPRA_EMAIL, SPADA_EMAIL, Person,
                     browser_applicant_login, browser_login, french_date, french_full_date,
                     minimal_pdf, paris_today, psql, staff_display_name, staff_structure)

ARABIC_MONTHS = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
                 "ديسمبر")


# ---------------------------------------------------------------------------------------------
# Small browser helpers
# ---------------------------------------------------------------------------------------------

def fill(template: str, **values) -> str:
    """A catalogue message with its `{{placeholders}}` filled, as the app's Catalogue.text does."""
    for name, value in values.items():
        template = template.replace("{{" + name + "}}", str(value))
    return template


def submit(page: Page, form: str | Locator = "main form") -> int:
    """Clicks the form's submit button; returns the HTTP status of the answer page."""
    button = (page.locator(form) if isinstance(form, str) else form).locator("button[type=submit]")
    with page.expect_navigation() as nav:
        button.click()
    return nav.value.status


def staff_page(new_context, email: str) -> Page:
    page = new_context().new_page()
    browser_login(page, email)
    assert page.url.endswith("/espace"), f"login as {email} landed on {page.url}"
    return page


def applicant_page(new_context, person: Person) -> Page:
    page = new_context().new_page()
    browser_applicant_login(page, person.agdref, person.password)
    assert "/usager/coordonnees" in page.url, f"{person.agdref}'s login landed on {page.url}"
    return page


def notice(page: Page) -> Locator:
    return page.locator("main .notice")


def definitions(dl: Locator) -> dict[str, str]:
    """A <dl> as {term: description} (whitespace collapsed)."""
    pairs = dl.evaluate("""dl => Array.from(dl.querySelectorAll('dt')).map(dt => {
        const dd = dt.nextElementSibling;
        return [dt.textContent, dd && dd.tagName === 'DD' ? dd.textContent : ''];
    })""")
    return {" ".join(k.split()): " ".join(v.split()) for k, v in pairs}


def table_rows(table: Locator) -> list[list[str]]:
    """The body rows of a table, each as the text of its cells (whitespace collapsed)."""
    rows = table.evaluate("t => Array.from(t.querySelectorAll('tbody tr')).map(tr => Array.from(tr.cells).map(c => c.innerText))")
    return [[" ".join(c.split()) for c in row] for row in rows]


def message_with_date(template: str, day) -> re.Pattern:
    """The catalogue message `template` with a French date (and maybe a time) on `day` for {{date}}."""
    before, after = template.split("{{date}}")
    return re.compile(re.escape(before) + re.escape(french_date(day)) + r"[^.]*?" + re.escape(after))


def pdf_upload(pdf: bytes, name: str) -> list[dict]:
    return [{"name": name, "mimeType": "application/pdf", "buffer": pdf}]


def spada_requests_optout(spada: Page, person: Person, reason: str, office_id: int, fr: dict[str, str]) -> Locator:
    """SPADA staff fill the opt-out form of the person's page; returns the panel."""
    spada.goto(f"/pro/personnes/{person.id}")
    panel = spada.locator("section.optout-panel")
    expect(panel.locator("h2")).to_have_text(fr["optout.panel.title"])
    expect(panel).to_contain_text(fr["optout.panel.none"])
    expect(panel.locator("h3")).to_have_text(fr["optout.form.title"])
    panel.locator("#f-optout_reason").select_option(reason)
    panel.locator("#f-optout_office").select_option(str(office_id))
    assert submit(spada, panel.locator("form")) == 200
    assert spada.url.endswith(f"/pro/personnes/{person.id}?notice=optout_requested"), spada.url
    expect(notice(spada)).to_contain_text(fr["notices.optout_requested"])
    return panel


def postal_items(page: Page, person: Person) -> Locator:
    return page.locator("main tr.postal-item", has_text=person.full_name)


# ---------------------------------------------------------------------------------------------
# 1. The opt-out, accepted: SPADA → OFII → OFPRA → COURRIER_POST → the mail room
# ---------------------------------------------------------------------------------------------

def test_opt_out_accepted_from_spada_request_to_courrier_post_letter_and_postal_list(new_context, base_url, database_url,
                                                                                     catalogues):
    fr = catalogues["fr"]
    today = paris_today()
    person = helpers.new_person(base_url)
    office = staff_structure(database_url, OFII_EMAIL)
    spada_structure = staff_structure(database_url, SPADA_EMAIL)
    signed_pdf = minimal_pdf("Formulaire de renonciation signe - " + person.surname)

    # --- SPADA: the person lives in another département; the request goes to OFII Rennes ------
    spada = staff_page(new_context, SPADA_EMAIL)
    panel = spada_requests_optout(spada, person, "other_departement", office.id, fr)
    state = definitions(panel.locator("dl.summary"))
    assert state[fr["optout.state"]] == fr["optout.states.requested"], state
    assert state[fr["optout.reason"]] == fr["optout.reasons.other_departement"], state
    assert french_date(today) in state[fr["optout.steps.requested"]], state
    expect(panel.locator("form")).to_have_count(0)      # one request at a time

    # --- OFII Rennes: the request is in the queue; convocation, then the signed form ------------
    ofii = staff_page(new_context, OFII_EMAIL)
    ofii.goto("/agents/ofii/renonciations")
    expect(ofii.locator("h1")).to_have_text(fr["optout.ofii.queue_title"])
    row = ofii.locator("main tbody tr", has_text=person.full_name)
    expect(row).to_have_count(1)
    for text in (person.agdref, spada_structure.name, fr["optout.states.requested"]):
        expect(row).to_contain_text(text)
    with ofii.expect_navigation():
        row.get_by_role("link", name=person.full_name).click()
    expect(ofii.locator("h1")).to_have_text(person.full_name)
    summary = definitions(ofii.locator("main dl.summary"))
    assert summary[fr["optout.reason"]] == fr["optout.reasons.other_departement"], summary
    assert summary[fr["optout.requested_from"]] == spada_structure.name, summary
    expect(ofii.locator('main form[action$="/formulaire"]')).to_have_count(0)   # not before the convocation

    ofii.locator("#f-convoked_on").fill(today.isoformat())
    assert submit(ofii, 'main form[action$="/convocation"]') == 200
    assert ofii.url.endswith("?notice=optout_convoked"), ofii.url
    expect(notice(ofii)).to_contain_text(fr["notices.optout_convoked"])
    summary = definitions(ofii.locator("main dl.summary"))
    assert summary[fr["optout.state"]] == fr["optout.states.convoked"], summary
    assert summary[fr["optout.steps.convoked"]] == french_full_date(today), summary

    ofii.locator("#f-signed_on").fill(today.isoformat())
    ofii.locator("#f-form_file").set_input_files(files=pdf_upload(signed_pdf, "formulaire-signe.pdf"))
    assert submit(ofii, 'main form[action$="/formulaire"]') == 200
    assert ofii.url.endswith("/agents/ofii/renonciations?notice=optout_forwarded"), ofii.url
    expect(notice(ofii)).to_contain_text(fr["notices.optout_forwarded"])
    expect(ofii.locator("main tbody tr", has_text=person.full_name)).to_have_count(0)
    expect(ofii.locator("main li", has_text=person.full_name)).to_contain_text(fr["optout.steps.forwarded"])

    # --- OFPRA: the signed form is in the queue; the agent opens the scan and accepts ----------
    ofpra = staff_page(new_context, OFPRA_EMAIL)
    ofpra.goto("/agents/ofpra/renonciations")
    expect(ofpra.locator("h1")).to_have_text(fr["optout.ofpra.queue_title"])
    row = ofpra.locator("main tbody tr", has_text=person.full_name)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(office.name)
    expect(row).to_contain_text(french_full_date(today))
    with ofpra.expect_navigation():
        row.get_by_role("link", name=person.full_name).click()
    expect(ofpra.locator("h1")).to_have_text(person.full_name)
    summary = definitions(ofpra.locator("main dl.summary"))
    assert summary[fr["optout.state"]] == fr["optout.states.forwarded"], summary
    assert summary[fr["optout.office"]] == office.name, summary
    assert summary[fr["optout.steps.signed"]] == french_full_date(today), summary
    assert summary[fr["optout.ofpra.fingerprint"]] == hashlib.sha256(signed_pdf).hexdigest(), summary

    link = ofpra.get_by_role("link", name=fr["optout.ofpra.form_link"])
    scan = ofpra.request.get(link.get_attribute("href"))
    assert scan.status == 200, scan.status
    assert scan.headers["content-type"] == "application/pdf", scan.headers
    assert scan.body() == signed_pdf, "the scan OFPRA opens is not the file OFII uploaded"

    address = ", ".join([person.full_name, fill(fr["postal.care_of"], structure=spada_structure.name),
                         spada_structure.address, spada_structure.city])
    expect(ofpra.locator("main p", has_text=fr["optout.ofpra.address"])).to_contain_text(address)
    assert submit(ofpra, 'main form[action$="/acceptation"]') == 200
    assert ofpra.url.endswith("/agents/ofpra/renonciations?notice=optout_accepted"), ofpra.url
    expect(notice(ofpra)).to_contain_text(fr["notices.optout_accepted"])
    expect(ofpra.locator("main tbody tr", has_text=person.full_name)).to_have_count(0)

    # --- The person: the COURRIER_POST letter in the space, the paper mode on the account page --
    me = applicant_page(new_context, person)
    me.goto("/usager/espace")
    letter = me.locator("main li.document", has_text=fr["documents.kinds.courrier_post"])
    expect(letter).to_have_count(1)
    expect(letter).to_contain_text(fr["documents.new"])
    me.goto("/usager/compte")
    status = me.locator("main section.optout-status")
    expect(status.locator("h2")).to_have_text(fr["optout.status.title"])
    expect(status.locator("p").first).to_have_text(fill(fr["optout.status.accepted"], date=french_full_date(today)))
    steps = definitions(status.locator("dl"))
    for step in ("requested", "convoked", "signed", "forwarded", "accepted"):
        assert french_date(today) in steps.get(fr[f"optout.steps.{step}"], ""), f"step {step} missing or undated: {steps}"

    # --- The SPADA sees the state on the person's page ----------------------------------------
    spada.goto(f"/pro/personnes/{person.id}")
    panel = spada.locator("section.optout-panel")
    assert message_with_date(fr["optout.panel.paper_since"], today).search(panel.inner_text()), panel.inner_text()
    state = definitions(panel.locator("dl.summary"))
    assert state[fr["optout.state"]] == fr["optout.states.accepted"], state
    expect(panel.locator("form")).to_have_count(0)

    # --- OFPRA deposits another document: it waits in the mail room with the SPADA's address ----
    ofpra.goto(f"/agents/ofpra/personnes/{person.id}")
    expect(ofpra.locator('#f-kind option[value="courrier_post"]')).to_have_count(0)
    ofpra.locator("#f-kind").select_option("six_month_letter")
    ofpra.locator("#f-file").set_input_files(files=pdf_upload(minimal_pdf("Lettre des 6 mois"), "lettre.pdf"))
    assert submit(ofpra, 'main form[action$="/documents"]') == 200
    assert ofpra.url.endswith(f"/agents/ofpra/personnes/{person.id}?notice=deposited"), ofpra.url

    ofpra.goto("/agents/ofpra/courrier")
    expect(ofpra.locator("h1")).to_have_text(fr["postal.title"])
    item = postal_items(ofpra, person)
    expect(item).to_have_count(1)
    lines = [" ".join(line.split()) for line in item.locator("address").inner_text().splitlines() if line.strip()]
    assert lines == [person.full_name, fill(fr["postal.care_of"], structure=spada_structure.name),
                     spada_structure.address, spada_structure.city], lines
    expect(item).to_contain_text(fr["documents.kinds.six_month_letter"])
    expect(item).to_contain_text(person.agdref)
    expect(item.locator("button[type=submit]")).to_have_text(fr["postal.mark_posted"])
    assert submit(ofpra, item.locator("form")) == 200
    assert ofpra.url.endswith("/agents/ofpra/courrier?notice=postal_posted"), ofpra.url
    expect(notice(ofpra)).to_contain_text(fr["notices.postal_posted"])
    expect(postal_items(ofpra, person)).to_have_count(0)


# ---------------------------------------------------------------------------------------------
# 1b. The opt-out, refused: the person stays digital, the reason reaches the SPADA and the person
# ---------------------------------------------------------------------------------------------

def test_opt_out_refused_keeps_the_person_digital_and_the_spada_sees_why(new_context, base_url, database_url, catalogues):
    fr = catalogues["fr"]
    person = helpers.new_person(base_url)
    office = staff_structure(database_url, OFII_EMAIL)
    cada = staff_structure(database_url, CADA_EMAIL)
    refusal = "Le formulaire transmis n'est pas signé par la personne " + person.surname

    # The SPADA records a request for vulnerability, and orients the person to a CADA.
    spada = staff_page(new_context, SPADA_EMAIL)
    spada_requests_optout(spada, person, "vulnerability", office.id, fr)
    spada.locator("#accommodation").select_option(str(cada.id))
    spada.locator("#started_on").fill(paris_today().isoformat())
    assert submit(spada, 'main form[action$="/hebergement"]') == 200
    expect(notice(spada)).to_contain_text(fr["notices.accommodation_saved"])

    optout = helpers.optout_id_in_ofii_queue(base_url, person)
    helpers.ofii_convoke(base_url, optout)
    helpers.ofii_forward_signed_form(base_url, optout, minimal_pdf("Formulaire"))

    # OFPRA refuses: a reason is required, then the request leaves the queue.
    ofpra = staff_page(new_context, OFPRA_EMAIL)
    ofpra.goto(f"/agents/ofpra/renonciations/{optout}")
    expect(ofpra.locator("h1")).to_have_text(person.full_name)
    assert submit(ofpra, 'main form[action$="/refus"]') == 422
    expect(ofpra.locator("#f-refusal_reason")).to_have_attribute("aria-invalid", "true")
    ofpra.locator("#f-refusal_reason").fill(refusal)
    assert submit(ofpra, 'main form[action$="/refus"]') == 200
    assert ofpra.url.endswith("/agents/ofpra/renonciations?notice=optout_refused"), ofpra.url
    expect(notice(ofpra)).to_contain_text(fr["notices.optout_refused"])
    expect(ofpra.locator("main tbody tr", has_text=person.full_name)).to_have_count(0)

    # The SPADA sees the refusal, its reason, and may record a new request.
    spada.goto(f"/pro/personnes/{person.id}")
    panel = spada.locator("section.optout-panel")
    state = definitions(panel.locator("dl.summary"))
    assert state[fr["optout.state"]] == fr["optout.states.refused"], state
    assert state[fr["optout.refusal_reason"]] == refusal, state
    assert state[fr["optout.reason"]] == fr["optout.reasons.vulnerability"], state
    assert fr["optout.panel.paper_since"].split("{{date}}")[0] not in panel.inner_text()
    expect(panel.locator("form")).to_have_count(1)

    # The CADA that accommodates the person sees the outcome, never the (vulnerability) reason.
    cada_page = staff_page(new_context, CADA_EMAIL)
    cada_page.goto(f"/pro/personnes/{person.id}")
    cada_panel = cada_page.locator("section.optout-panel")
    expect(cada_panel).to_contain_text(fr["optout.states.refused"])
    expect(cada_panel).not_to_contain_text(fr["optout.reasons.vulnerability"])
    expect(cada_panel.locator("form")).to_have_count(0)

    # The person: still digital, told why.
    me = applicant_page(new_context, person)
    me.goto("/usager/compte")
    status = me.locator("main section.optout-status")
    expect(status.locator("p").first).to_have_text(fill(fr["optout.status.refused"], date=french_full_date(paris_today())))
    expect(status).to_contain_text(fr["optout.status.refusal_reason"])
    expect(status).to_contain_text(refusal)
    me.goto("/usager/espace")
    expect(me.locator("main li.document", has_text=fr["documents.kinds.courrier_post"])).to_have_count(0)

    # A new document goes to the space only: nothing for the mail room.
    helpers.deposit_document(base_url, database_url, person.id, "six_month_letter", minimal_pdf())
    ofpra.goto("/agents/ofpra/courrier")
    expect(ofpra.locator("h1")).to_have_text(fr["postal.title"])
    expect(postal_items(ofpra, person)).to_have_count(0)


# ---------------------------------------------------------------------------------------------
# 2. A new key from the SPADA, the person present
# ---------------------------------------------------------------------------------------------

def test_spada_gives_a_new_key_to_a_person_without_contact_details_only_when_present(new_context, base_url, database_url,
                                                                                      catalogues):
    fr = catalogues["fr"]
    person = helpers.new_person(base_url, phone=False, activate=False)
    old_key = person.key                        # printed on the GUDA notice at registration
    spada_structure = staff_structure(database_url, SPADA_EMAIL)

    spada = staff_page(new_context, SPADA_EMAIL)
    spada.goto(f"/pro/personnes/{person.id}")
    expect(spada.locator("main .tag-flag")).to_contain_text(fr["pro.flags.no_contacts"])
    expect(spada.locator("#cle")).to_have_text(fr["pro.key.title"])
    form = 'main form[action$="/cle"]'
    expect(spada.locator(f"{form} label[for=f-present]")).to_have_text(fr["pro.key.present"])
    expect(spada.locator("#f-present")).not_to_be_checked()

    # What the attestation shows, typed as printed (capitals).
    def attestation(surname: str) -> None:
        spada.locator("#f-att_surname").fill(surname)
        spada.locator("#f-att_birth_date").fill("1992-05-17")
        spada.locator("#f-att_agdref").fill(person.agdref)

    # Without the box ticked: told to confirm the person is there; no key made.
    attestation(person.surname.upper())
    assert submit(spada, form) == 422
    expect(spada.locator(".error-summary")).to_contain_text(fr["pro.key.presence_required"])
    expect(spada.locator("article.notice-sheet")).to_have_count(0)

    # A surname that is not the one on file: refused, no key made.
    attestation("Quelquun")
    spada.locator("#f-present").check()
    assert submit(spada, form) == 422
    expect(spada.locator(".error-summary")).to_contain_text(fr["pro.key.identity_mismatch"])
    expect(spada.locator("article.notice-sheet")).to_have_count(0)

    attestation(person.surname.upper())
    spada.locator("#f-present").check()
    assert submit(spada, form) == 200
    sheet = spada.locator('article.notice-sheet[lang="fr"]')
    expect(sheet.locator(".sheet-title")).to_have_text(fr["notice.title"])
    expect(sheet).to_contain_text(person.full_name)
    expect(sheet).to_contain_text(person.agdref)
    new_key = sheet.locator("dd.key").inner_text().strip()
    assert KEY_PATTERN.fullmatch(new_key), f"the new key {new_key!r} is not XXXX-XXXX-XXXX-XXXX"
    assert new_key != old_key

    # F5 on the notice re-posts the form: the key is not shown again, and no new key replaces it.
    reload = spada.reload()
    assert reload.status == 409, reload.status
    expect(spada.locator("main")).to_contain_text(fr["print.already_printed"])
    expect(spada.locator("article.notice-sheet")).to_have_count(0)
    # The same day, a fresh form: one recovery a day.
    spada.goto(f"/pro/personnes/{person.id}")
    expect(spada.locator("main")).to_contain_text(fr["pro.key.recent"].split("{{date}}")[0])
    attestation(person.surname)
    spada.locator("#f-present").check()
    assert submit(spada, form) == 429
    expect(spada.locator("article.notice-sheet")).to_have_count(0)

    # The old key is refused at activation; the new one (still valid after the reload) opens the space.
    helpers.clear_address_throttle(database_url, "key")
    visitor = new_context().new_page()
    visitor.goto("/usager/activation")
    visitor.locator("#f-identifier").fill(person.agdref)
    visitor.locator("#f-key").fill(old_key)
    assert submit(visitor) == 422
    expect(visitor.locator("#f-identifier-error")).to_contain_text(fr["usager.activation.failed"])
    visitor.locator("#f-identifier").fill(person.agdref)
    visitor.locator("#f-key").fill(new_key)
    assert submit(visitor) == 200
    assert visitor.url.endswith("/usager/activation/mot-de-passe"), visitor.url
    password = "riviere-de-rennes-" + person.surname.lower()
    visitor.locator("#f-password").fill(password)
    visitor.locator("#f-confirmation").fill(password)
    assert submit(visitor) == 200
    assert "/usager/coordonnees" in visitor.url, visitor.url
    visitor.goto("/usager/compte")
    history = visitor.locator("main table", has=visitor.locator("caption", has_text=fr["usager.account.history"]))
    assert [fr["history.key_recovered"], fr["history.actor.staff"]] in [r[1:] for r in table_rows(history)], \
        table_rows(history)

    # OFPRA's view of the person names the structure that handed out the key.
    ofpra = staff_page(new_context, OFPRA_EMAIL)
    ofpra.goto(f"/agents/ofpra/personnes/{person.id}")
    keys = ofpra.locator("main ul.key-history")
    expect(keys).to_contain_text(fr["history.key_recovered"])
    expect(keys).to_contain_text(spada_structure.name)

    # The administrators' audit trail names the SPADA staff member who issued it.
    admin = staff_page(new_context, ADMIN_EMAIL)
    admin.goto("/admin/journal")
    admin.locator("#personne").fill(person.agdref)
    assert submit(admin, "main form[role=search]") == 200
    rows = table_rows(admin.locator("main table"))
    reissues = [r for r in rows if r[3].startswith(fr["audit.actions.recover_key"])]
    assert len(reissues) == 1, f"expected one key recovery in the journal: {rows}"
    when, who, structure, _, whose = reissues[0]
    assert french_date(paris_today()) in when, when
    assert f"{staff_display_name(database_url, SPADA_EMAIL)} ({SPADA_EMAIL})" in who, who
    assert fr["roles.spada"] in who, who
    assert structure == spada_structure.name, structure
    assert whose == person.full_name, whose


def test_kiosk_contacts_count_only_once_the_code_they_received_is_typed_back(new_context, base_url, database_url, catalogues):
    fr = catalogues["fr"]
    surname = helpers.unique_name("Kiosque")
    typed_phone, phone = helpers.unique_mobile()
    spada = staff_page(new_context, SPADA_EMAIL)
    spada.goto("/pro/inscriptions/nouvelle")
    spada.locator("#f-surname").fill(surname)
    spada.locator("#f-given_names").fill("Awa")
    spada.locator("#f-birth_date").fill("1994-02-03")
    spada.locator("#f-nationality").fill("guinéenne")
    spada.locator("#f-language").select_option("fr")
    spada.locator("#f-phone").fill(typed_phone)
    assert submit(spada) == 200
    expect(spada.locator("h1")).to_have_text(fr["pro.verify.title"])
    expect(spada.locator("main")).to_contain_text(phone)
    person_id = int(re.search(r"/pro/inscriptions/(\d+)/coordonnees", spada.url).group(1))
    stored = psql(database_url, f"SELECT coalesce(phone, ''), phone_verified_at IS NULL FROM applicants WHERE id = {person_id}")
    assert stored == [["", "t"]], f"a typed number is not a contact before its code comes back: {stored}"
    # A wrong code: refused, still nothing stored.
    spada.locator("#f-code").fill("000000")
    assert submit(spada) == 422
    expect(spada.locator(".error-summary")).to_contain_text(fr["usager.contacts.code_wrong"])
    # The code the person reads out.
    spada.locator("#f-code").fill(helpers.kiosk_code(phone))
    assert submit(spada) == 200
    assert spada.url.endswith("/pro/inscriptions?notice=enrolled"), spada.url
    stored = psql(database_url, f"SELECT phone, phone_verified_at IS NOT NULL FROM applicants WHERE id = {person_id}")
    assert stored == [[phone, "t"]], stored


# ---------------------------------------------------------------------------------------------
# 3. "Who looked at my file", in French and in Arabic
# ---------------------------------------------------------------------------------------------

def accesses_table(page: Page, catalogue: dict[str, str]) -> Locator:
    return page.locator("main table", has=page.locator("caption", has_text=catalogue["usager.account.accesses"]))


def test_the_person_sees_which_structures_and_agents_looked_at_their_file_in_french_and_arabic(
        new_context, base_url, database_url, catalogues):
    fr, ar = catalogues["fr"], catalogues["ar"]
    today = paris_today()
    person = helpers.new_person(base_url, language="ar")
    spada_structure = staff_structure(database_url, SPADA_EMAIL)

    spada = staff_page(new_context, SPADA_EMAIL)
    assert spada.goto(f"/pro/personnes/{person.id}").status == 200
    ofpra = staff_page(new_context, OFPRA_EMAIL)
    assert ofpra.goto(f"/agents/ofpra/personnes/{person.id}").status == 200

    me = applicant_page(new_context, person)
    me.goto("/usager/compte")
    expect(me.locator("main h2", has_text=fr["usager.account.accesses"])).to_be_visible()
    rows = table_rows(accesses_table(me, fr))
    by_spada = [r for r in rows if r[1] == f"{fr['roles.spada']} · {spada_structure.name}" and r[2] == fr["audit.actions.view_person"]]
    # OFPRA agents belong to no structure: the role alone (the stray " ·" has its own test below).
    by_ofpra = [r for r in rows if r[1].removesuffix(" ·") == fr["roles.ofpra"] and r[2] == fr["audit.actions.view_person"]]
    assert by_spada and by_ofpra, f"the SPADA's and OFPRA's consultations are not both listed: {rows}"
    for when, _, _ in by_spada + by_ofpra:
        assert french_date(today) in when, when
    text = accesses_table(me, fr).inner_text()
    for email in (SPADA_EMAIL, OFPRA_EMAIL):
        assert staff_display_name(database_url, email) not in text, "staff members' names are shown to the person"

    # The same page in Arabic, right to left.
    with me.expect_navigation():
        me.locator("header .lang-switch a[hreflang=ar]").click()
    expect(me.locator("html")).to_have_attribute("lang", "ar")
    expect(me.locator("html")).to_have_attribute("dir", "rtl")
    expect(me.locator("main h2", has_text=ar["usager.account.accesses"])).to_be_visible()
    rows = table_rows(accesses_table(me, ar))
    by_spada = [r for r in rows if r[1] == f"{ar['roles.spada']} · {spada_structure.name}" and r[2] == ar["audit.actions.view_person"]]
    by_ofpra = [r for r in rows if r[1].removesuffix(" ·") == ar["roles.ofpra"] and r[2] == ar["audit.actions.view_person"]]
    assert by_spada and by_ofpra, f"the consultations are not listed in Arabic: {rows}"
    arabic_day = f"{today.day} {ARABIC_MONTHS[today.month - 1]}"
    for when, _, _ in by_spada + by_ofpra:
        assert arabic_day in when and str(today.year) in when, f"{when!r} is not today's date in Arabic ({arabic_day})"


def test_every_staff_action_on_the_file_is_named_in_the_persons_language(new_context, base_url, database_url, catalogues):
    """The opt-out chain and the mail room record their own actions (request, OFII queue and
    page, convocation, signed form, OFPRA's queue, scan and decision, postal list, posting): the
    person's account page and the administrators' journal must name them, not show a key."""
    person = helpers.new_person(base_url)
    optout = helpers.optout_to_stage(base_url, database_url, person, "forwarded")
    ofpra = staff_page(new_context, OFPRA_EMAIL)
    ofpra.goto("/agents/ofpra/renonciations")
    ofpra.goto(f"/agents/ofpra/renonciations/{optout}")
    assert ofpra.request.get(f"/agents/ofpra/renonciations/{optout}/formulaire").status == 200
    helpers.ofpra_decide_optout(base_url, optout, accept=True)
    helpers.deposit_document(base_url, database_url, person.id, "six_month_letter", minimal_pdf())
    ofpra.goto("/agents/ofpra/courrier")
    item = postal_items(ofpra, person)
    expect(item).to_have_count(1)
    assert submit(ofpra, item.locator("form")) == 200

    me = applicant_page(new_context, person)
    admin = staff_page(new_context, ADMIN_EMAIL)
    for lang in helpers.LANGUAGES:
        catalogue = catalogues[lang]
        me.goto(f"/usager/compte?lang={lang}")
        actions = sorted({r[2] for r in table_rows(accesses_table(me, catalogue))})
        known = set(catalogue[k] for k in catalogue if k.startswith("audit.actions."))
        assert actions, "no access listed"
        unnamed = [a for a in actions if a not in known]
        assert not unnamed, f"/usager/compte ({lang}) shows actions without a name in the catalogue: {unnamed}"

        admin.goto(f"/admin/journal?personne={person.agdref}&lang={lang}")
        journal = sorted({re.sub(r" \(.*\)$", "", r[3]) for r in table_rows(admin.locator("main table"))})
        unnamed = [a for a in journal if a not in known]
        assert not unnamed, f"/admin/journal ({lang}) shows actions without a name in the catalogue: {unnamed}"


def test_a_missing_value_leaves_no_stray_separator_on_the_pages(new_context, base_url, database_url, catalogues):
    """Values that may be absent (an OFPRA agent's structure, the end of a follow link) are
    left out with their separator: "Agent de l'OFPRA", not "Agent de l'OFPRA ·"; "(23/11 → )"
    reads as a link that ended on nothing."""
    fr = catalogues["fr"]
    person = helpers.new_person(base_url)
    ofpra = staff_page(new_context, OFPRA_EMAIL)
    assert ofpra.goto(f"/agents/ofpra/personnes/{person.id}").status == 200

    me = applicant_page(new_context, person)
    me.goto("/usager/compte")
    who = [r[1] for r in table_rows(accesses_table(me, fr))]
    assert fr["roles.ofpra"] in [w.removesuffix(" ·") for w in who], who
    assert not [w for w in who if w.endswith("·")], f"a role without a structure ends with a stray '·': {who}"

    spada = staff_page(new_context, SPADA_EMAIL)
    spada.goto(f"/pro/personnes/{person.id}")
    links = spada.locator("main li", has_text=fr["pro.links.domiciliation"])
    expect(links).to_have_count(1)
    text = " ".join(links.inner_text().split())
    assert not re.search(r"→\s*\)", text), f"an open follow link reads as ending on nothing: {text!r}"


# ---------------------------------------------------------------------------------------------
# 4. Record-level access: a structure sees only the people it follows; staff never see documents
# ---------------------------------------------------------------------------------------------

def test_cada_and_huda_staff_see_only_the_people_their_structure_follows(new_context, base_url, database_url, catalogues):
    fr = catalogues["fr"]
    only_spada = helpers.new_person(base_url, activate=False)
    at_cada = helpers.new_person(base_url, activate=False)
    cada = staff_structure(database_url, CADA_EMAIL)

    # The SPADA orients one of them to CADA Rennes Nord.
    spada = staff_page(new_context, SPADA_EMAIL)
    spada.goto(f"/pro/personnes/{at_cada.id}")
    spada.locator("#accommodation").select_option(str(cada.id))
    spada.locator("#started_on").fill(paris_today().isoformat())
    assert submit(spada, 'main form[action$="/hebergement"]') == 200
    expect(notice(spada)).to_contain_text(fr["notices.accommodation_saved"])
    expect(spada.locator("main li", has_text=cada.name)).to_contain_text(fr["pro.links.accommodation"])

    # CADA Rennes: the accommodated person only.
    page = staff_page(new_context, CADA_EMAIL)
    page.goto("/pro/suivi")
    expect(page.locator("h1")).to_have_text(fr["pro.follow.title"])
    expect(page.get_by_role("link", name=at_cada.full_name)).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text(only_spada.full_name)
    assert page.goto(f"/pro/personnes/{at_cada.id}").status == 200
    expect(page.locator("h1")).to_contain_text(at_cada.full_name)
    response = page.goto(f"/pro/personnes/{only_spada.id}")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text(fr["errors.404.title"])
    expect(page.locator("main")).not_to_contain_text(only_spada.full_name)
    expect(page.locator("main")).not_to_contain_text(only_spada.agdref)

    # HUDA Lyon follows neither.
    page = staff_page(new_context, HUDA_EMAIL)
    page.goto("/pro/suivi")
    expect(page.locator("h1")).to_have_text(fr["pro.follow.title"])
    for person in (only_spada, at_cada):
        expect(page.locator("main")).not_to_contain_text(person.full_name)
        assert page.goto(f"/pro/personnes/{person.id}").status == 404
        expect(page.locator("h1")).to_have_text(fr["errors.404.title"])
        expect(page.locator("main")).not_to_contain_text(person.full_name)


def test_staff_never_reach_a_document_of_the_applicants_space(new_context, base_url, database_url, catalogues):
    fr = catalogues["fr"]
    person = helpers.new_person(base_url)
    helpers.deposit_document(base_url, database_url, person.id, "decision_rejection", minimal_pdf("Decision"))

    me = applicant_page(new_context, person)
    me.goto("/usager/espace")
    link = me.locator("main li.document a", has_text=fr["documents.kinds.decision_rejection"])
    href = link.get_attribute("href")
    assert re.fullmatch(r"/usager/documents/[0-9a-f-]{36}", href), href
    assert me.goto(href).status == 200                        # the owner opens it

    for email in (SPADA_EMAIL, OFPRA_EMAIL, CADA_EMAIL, ADMIN_EMAIL):
        staff = staff_page(new_context, email)
        for url in (href, href + "/pdf", href + "/accuse"):
            response = staff.goto(url)
            assert response.status == 403, f"{email} got {response.status} for {url}"
            assert response.headers["content-type"].startswith("text/html"), response.headers["content-type"]
            expect(staff.locator("h1")).to_have_text(fr["errors.403.title"])
        staff.context.close()


# ---------------------------------------------------------------------------------------------
# 5. Dashboard flags
# ---------------------------------------------------------------------------------------------

def follow_filter(page: Page, signal: str, catalogue: dict[str, str]) -> None:
    """Clicks one of the dashboard's filter links and checks it is the current one."""
    link = page.locator("main nav").get_by_role("link", name=catalogue[f"pro.flags.{signal}"], exact=True)
    with page.expect_navigation():
        link.click()
    assert page.url.endswith(f"/pro/suivi?signal={signal}"), page.url
    expect(page.locator("main nav").get_by_role("link", name=catalogue[f"pro.flags.{signal}"], exact=True)) \
        .to_have_attribute("aria-current", "true")


def followed(page: Page, person: Person) -> Locator:
    return page.locator("main li.followed-person", has=page.get_by_role("link", name=person.full_name, exact=True))


def next_page(page: Page, catalogue: dict[str, str]) -> bool:
    """Follows the dashboard's "next page" link, if there is one."""
    link = page.locator("main nav.pagination").get_by_role("link", name=catalogue["pro.follow.next"], exact=True)
    if link.count() == 0:
        return False
    with page.expect_navigation():
        link.click()
    return True


def find_followed(page: Page, person: Person, catalogue: dict[str, str]) -> Locator:
    """The person's entry on the dashboard, from the current page on through the next-page links
    (the SPADA follows everyone the suite enrols, more than one page); empty if on no page."""
    while followed(page, person).count() == 0 and next_page(page, catalogue):
        pass
    return followed(page, person)


def test_dashboard_flags_people_without_contact_details_and_documents_unread_for_more_than_ten_days(
        new_context, base_url, database_url, catalogues):
    fr = catalogues["fr"]
    silent = helpers.new_person(base_url, phone=False, activate=False)
    reader = helpers.new_person(base_url)
    document = helpers.deposit_document(base_url, database_url, reader.id, "six_month_letter", minimal_pdf())

    spada = staff_page(new_context, SPADA_EMAIL)
    spada.goto("/pro/suivi")
    expect(find_followed(spada, silent, fr)).to_have_count(1)
    spada.goto("/pro/suivi")
    expect(find_followed(spada, reader, fr)).to_have_count(1)
    spada.goto("/pro/suivi")

    # A document deposited today is not "unread for more than 10 days".
    follow_filter(spada, "unread10", fr)
    expect(find_followed(spada, reader, fr)).to_have_count(0)

    psql(database_url, f"UPDATE documents SET deposited_at = now() - interval '11 days' WHERE public_id = '{document}'")
    spada.goto("/pro/suivi?signal=unread10")
    entry = find_followed(spada, reader, fr)
    expect(entry).to_have_count(1)
    expect(entry.locator(".tag-flag")).to_have_text([fr["pro.flags.unread10"]])
    dates = table_rows(entry.locator("table"))
    assert [fr["pro.categories.other_letter"], fr["pro.follow.not_notified"]] in [[r[0], r[2]] for r in dates], dates
    assert any(french_date(paris_today() - timedelta(days=11)) in r[1] for r in dates), dates
    spada.goto("/pro/suivi?signal=unread10")
    expect(find_followed(spada, silent, fr)).to_have_count(0)

    spada.goto("/pro/suivi")
    follow_filter(spada, "no_contacts", fr)
    entry = find_followed(spada, silent, fr)
    expect(entry).to_have_count(1)
    expect(entry.locator(".tag-flag")).to_contain_text([fr["pro.flags.no_contacts"]])
    contacts = definitions(entry.locator("dl.summary"))
    assert contacts[fr["pro.follow.phone"]] == contacts[fr["pro.follow.email"]] == fr["pro.follow.no"], contacts
    spada.goto("/pro/suivi?signal=no_contacts")
    expect(find_followed(spada, reader, fr)).to_have_count(0)


def test_the_dashboard_pages_keep_the_filter_and_the_order_without_javascript(new_context, database_url, catalogues):
    """A structure following 53 people (52 without contact details) sees them 50 a page; the
    page links, plain links without JavaScript, keep the filter and the order."""
    fr = catalogues["fr"]
    tag = uuid.uuid4().hex[:8]
    email = f"cada-pages-{tag}@test.invalid"
    # A CADA of its own (so the count is known) and its staff member, with the demo password.
    psql(database_url, f"""
        WITH s AS (INSERT INTO structures (kind, name, city) VALUES ('cada', 'CADA pages {tag}', 'Rennes') RETURNING id),
             staff AS (INSERT INTO staff_accounts (email, display_name, role, password_hash, structure_id)
                       SELECT '{email}', 'Pages {tag}', a.role, a.password_hash, s.id FROM staff_accounts a, s
                       WHERE lower(a.email) = lower('{CADA_EMAIL}')),
             people AS (
                INSERT INTO applicants (surname, given_names, birth_date, nationality, language, spada_id, phone,
                                        phone_verified_at, agdref, guda_site, registered_on, procedure, eligibility,
                                        registered_at)
                SELECT 'Pages{tag}', CASE WHEN n = 53 THEN 'Joignable' ELSE 'P' || lpad(n::text, 2, '0') END,
                       date '1990-01-01', 'x', 'fr', (SELECT spada_id FROM applicants LIMIT 1),
                       CASE WHEN n = 53 THEN '+33650000053' END, CASE WHEN n = 53 THEN now() END,
                       (2000000000 + floor(random() * 6999999999))::bigint::text, 'rennes', date '2024-01-10',
                       'normal', 'in_scope', now()
                FROM generate_series(1, 53) AS n RETURNING id)
        INSERT INTO follow_links (applicant_id, structure_id, kind, started_on)
        SELECT people.id, s.id, 'accommodation', date '2024-01-01' FROM people, s""")
    page = new_context(java_script_enabled=False).new_page()
    browser_login(page, email)
    page.goto("/pro/suivi")
    entries = page.locator("main li.followed-person")
    pages = page.locator("main nav.pagination")
    expect(entries).to_have_count(50)
    expect(pages).to_have_attribute("aria-label", fr["pro.follow.pages_label"])
    expect(pages).to_contain_text(fill(fr["pro.follow.page_status"], **{"from": 1, "to": 50, "total": 53}))
    expect(pages.get_by_role("link", name="1", exact=True)).to_have_attribute("aria-current", "page")
    assert next_page(page, fr)
    assert page.url.endswith("/pro/suivi?page=2"), page.url
    expect(entries).to_have_count(3)
    expect(pages.get_by_role("link", name="2", exact=True)).to_have_attribute("aria-current", "page")
    expect(pages.get_by_role("link", name=fr["pro.follow.previous"], exact=True)).to_have_attribute("href", "/pro/suivi")

    # Filter, then order: each link keeps the other choice; the next page keeps both.
    follow_filter(page, "no_contacts", fr)
    sort = page.locator("main nav").first.get_by_role("link", name=fr["pro.follow.sort_connexion"], exact=True)
    with page.expect_navigation():
        sort.click()
    assert page.url.endswith("/pro/suivi?signal=no_contacts&tri=connexion"), page.url
    expect(entries).to_have_count(50)
    expect(pages).to_contain_text(fill(fr["pro.follow.page_status"], **{"from": 1, "to": 50, "total": 52}))
    names = entries.locator("h2 a").all_inner_texts()
    assert next_page(page, fr)
    assert page.url.endswith("/pro/suivi?signal=no_contacts&tri=connexion&page=2"), page.url
    expect(entries).to_have_count(2)
    names += entries.locator("h2 a").all_inner_texts()
    assert len(set(names)) == 52 and not any("Joignable" in n for n in names), names


# ---------------------------------------------------------------------------------------------
# 6. Closure of a space
# ---------------------------------------------------------------------------------------------

def test_ofpra_closes_a_space_the_persons_session_ends_and_login_shows_the_closed_page(
        new_context, base_url, database_url, catalogues):
    fr = catalogues["fr"]
    person = helpers.new_person(base_url)
    me = applicant_page(new_context, person)
    assert me.goto("/usager/espace").status == 200

    ofpra = staff_page(new_context, OFPRA_EMAIL)
    ofpra.goto(f"/agents/ofpra/personnes/{person.id}")
    expect(ofpra.locator('main form[action$="/documents"]')).to_have_count(1)
    expect(ofpra.locator("#cloture")).to_have_text(fr["ofpra.closure.title"])
    ofpra.locator("#closure-reason").select_option("withdrawal")
    ofpra.locator("#closure-detail").fill("Retrait écrit du " + paris_today().isoformat())
    assert submit(ofpra, 'main form[action$="/cloture"]') == 200
    assert ofpra.url.endswith(f"/agents/ofpra/personnes/{person.id}?notice=space_closed"), ofpra.url
    expect(notice(ofpra)).to_contain_text(fr["notices.space_closed"])
    expect(ofpra.locator("main .warning", has_text=fr["ofpra.closure.closed"])).to_have_count(1)
    expect(ofpra.locator('main form[action$="/documents"]')).to_have_count(0)
    expect(ofpra.locator("#deposit")).to_have_count(0)
    expect(ofpra.locator('main form[action$="/cloture"]')).to_have_count(0)

    # The person's open session is over: back to the login form.
    me.goto("/usager/espace")
    assert "/usager/connexion" in me.url, f"the closed person's session still reaches {me.url}"
    # Logging in again opens the space read-only (documents, receipts, deadlines) for a while…
    browser_applicant_login(me, person.agdref, person.password)
    expect(me.locator("main")).to_contain_text(fr["usager.read_only.banner_title"])
    assert me.goto("/usager/coordonnees").status == 403, "nothing but reading"
    me.context.clear_cookies()
    # … then the closed page, once that period is over.
    psql(database_url, f"UPDATE applicants SET closed_at = closed_at - interval '1 year' WHERE id = {person.id}")
    browser_applicant_login(me, person.agdref, person.password)
    expect(me.locator("h1")).to_have_text(fr["usager.closed.title"])
    expect(me.locator("main")).to_contain_text(fr["usager.closed.body"])
    me.goto("/usager/espace")
    assert "/usager/connexion" in me.url, f"after the refused login the person still reaches {me.url}"

    # A deposit sent anyway is refused and stores nothing.
    before = psql(database_url, f"SELECT count(*) FROM documents WHERE applicant_id = {person.id}")[0][0]
    session = helpers.staff_session(base_url, OFPRA_EMAIL)
    token = helpers.csrf_from_html(session.get(f"{base_url}/agents/ofpra/personnes/{person.id}").text)
    r = session.post(f"{base_url}/agents/ofpra/personnes/{person.id}/documents", data={"_csrf": token, "kind": "other"},
                     files={"file": ("x.pdf", minimal_pdf(), "application/pdf")}, allow_redirects=False,
                     timeout=helpers.HTTP_TIMEOUT)
    assert r.status_code == 409, r.status_code
    assert psql(database_url, f"SELECT count(*) FROM documents WHERE applicant_id = {person.id}")[0][0] == before

    # The SPADA sees the space is closed and is no longer offered a key recovery.
    spada = staff_page(new_context, SPADA_EMAIL)
    spada.goto(f"/pro/personnes/{person.id}")
    expect(spada.locator("main .warning")).to_contain_text(fr["pro.follow.closed"])
    expect(spada.locator('main form[action$="/cle"]')).to_have_count(0)
