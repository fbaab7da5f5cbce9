"""Accessibility of the professional module and of the paper-mail opt-out, in every language:
axe-core (serious and critical violations fail the test, as in test_accessibility.py, whose page
opener and report are reused) and the structure a screen-reader or keyboard user relies on (one
h1, one main landmark, a working skip link), at 360 px and through the Nu HTML validator.

Each page is brought into the state worth auditing: an opt-out request at each step (requested,
convoked, forwarded, accepted), a letter waiting in the mail room, a person in paper mode, a key
recovery notice. The people are created once per session through the app's forms.
"""
from __future__ import annotations

import functools
import warnings
from typing import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

import helpers
from helpers import (ADMIN_EMAIL, AXE_LANGUAGES, OFII_EMAIL, OFPRA_EMAIL, SPADA_EMAIL, Person, browser_applicant_login,
                     minimal_pdf)
from test_accessibility import (FAILING_IMPACTS, AuditedPage, describe, html_validation,  # noqa: F401 - a fixture
                                open_audited_page, small_screen_problems)


def _settings() -> helpers.Settings:
    return helpers.Settings.from_environment()


# --- People at each step, created through the app's forms, once per session -----------------

@functools.cache
def _person_without_contacts() -> Person:
    """Space open, no phone nor e-mail: the SPADA page shows the opt-out form and the key recovery."""
    return helpers.new_person(_settings().base_url, language="ar", phone=False, activate=False)


@functools.cache
def _person_at(stage: str) -> tuple[Person, int]:
    """An activated person whose opt-out request reached `stage`; (person, request id)."""
    s = _settings()
    person = helpers.new_person(s.base_url)
    optout = helpers.optout_to_stage(s.base_url, s.database_url, person, stage)
    return person, optout


@functools.cache
def _person_in_paper_mode() -> Person:
    """Opt-out accepted, then a letter deposited: it waits in the mail room."""
    s = _settings()
    person, _ = _person_at("accepted")
    helpers.deposit_document(s.base_url, s.database_url, person.id, "six_month_letter", minimal_pdf("Lettre des 6 mois"))
    return person


# --- Logins and page states ------------------------------------------------------------------

def _as_staff(email: str) -> Callable[[Page], None]:
    def login(page: Page) -> None:
        helpers.browser_login(page, email)
        assert page.url.endswith("/espace"), f"login as {email} landed on {page.url}"
    return login


def _as_person_in_paper_mode(page: Page) -> None:
    person = _person_in_paper_mode()
    browser_applicant_login(page, person.agdref, person.password)
    assert "/usager/coordonnees" in page.url, page.url


def _submit(page: Page, form: str) -> int:
    with page.expect_navigation() as nav:
        page.locator(f"{form} button[type=submit]").click()
    return nav.value.status


def _goto(path: Callable[[], str]) -> Callable[[Page], int]:
    def prepare(page: Page) -> int:
        return page.goto(path()).status
    return prepare


def _show_pro_person(page: Page) -> int:
    status = page.goto(f"/pro/personnes/{_person_without_contacts().id}").status
    page.locator("section.optout-panel form").wait_for()
    page.locator('main form[action$="/cle"]').wait_for()
    return status


def _show_pro_person_in_paper_mode(page: Page) -> int:
    return page.goto(f"/pro/personnes/{_person_in_paper_mode().id}").status


def _show_optout_form_errors(page: Page) -> int:
    """The opt-out form sent without a reason: its own page with the error summary."""
    page.goto(f"/pro/personnes/{_person_without_contacts().id}")
    page.locator("#f-optout_office").select_option(str(helpers.staff_structure(_settings().database_url, OFII_EMAIL).id))
    status = _submit(page, "section.optout-panel form")
    page.locator(".error-summary").wait_for()
    return status


def _show_key_recovery_notice(page: Page) -> int:
    """SPADA staff tick "present" and submit: the printed notice with the new key."""
    # A person of its own per language: one recovery a day per person.
    person = helpers.new_person(_settings().base_url, language="ar", phone=False, activate=False)
    page.goto(f"/pro/personnes/{person.id}")
    # What the person's attestation shows (enrol_person's birth date).
    page.locator("#f-att_surname").fill(person.surname)
    page.locator("#f-att_birth_date").fill("1992-05-17")
    page.locator("#f-att_agdref").fill(person.agdref)
    page.locator("#f-present").check()
    status = _submit(page, 'main form[action$="/cle"]')
    page.locator("article.notice-sheet").first.wait_for()
    return status


@functools.cache
def _kiosk_contacts_path() -> str:
    """A person just enrolled with a mobile: the kiosk page waits for the code they read out."""
    s = _settings()
    spada = helpers.staff_session(s.base_url, SPADA_EMAIL)
    typed_phone, _ = helpers.unique_mobile()
    r = helpers.post_form(spada, s.base_url, "/pro/inscriptions/nouvelle", "/pro/inscriptions/nouvelle", {
        "surname": helpers.unique_name(), "given_names": "Amina", "birth_date": "1990-01-02",
        "nationality": "afghane", "language": "prs", "phone": typed_phone, "email": ""})
    assert r.status_code == 303 and r.headers["Location"].endswith("/coordonnees"), r.headers.get("Location")
    return r.headers["Location"]


def _show_kiosk_contacts(page: Page) -> int:
    status = page.goto(_kiosk_contacts_path()).status
    page.locator('main form input[name="code"]').first.wait_for()
    return status


def _show_key_already_printed(page: Page) -> int:
    """The key recovery form posted a second time with its used token (a reload, a double
    click): the page that says the key is not shown again."""
    person = helpers.new_person(_settings().base_url, language="ar", phone=False, activate=False)
    form = 'main form[action$="/cle"]'

    def fill_and_submit(token: str) -> int:
        page.goto(f"/pro/personnes/{person.id}")
        page.locator("#f-att_surname").fill(person.surname)
        page.locator("#f-att_birth_date").fill("1992-05-17")
        page.locator("#f-att_agdref").fill(person.agdref)
        page.locator("#f-present").check()
        page.locator(f"{form} input[name=print_token]").evaluate("(input, t) => { input.value = t }", token)
        return _submit(page, form)

    page.goto(f"/pro/personnes/{person.id}")
    used = page.locator(f"{form} input[name=print_token]").get_attribute("value")
    assert fill_and_submit(used) == 200, "the first recovery did not print a notice"
    return fill_and_submit(used)


def _show_ofii_queue(page: Page) -> int:
    _person_at("requested")
    return page.goto("/agents/ofii/renonciations").status


def _show_ofii_request(page: Page) -> int:
    """A convoked request: both the convocation and the signed-form forms."""
    _, optout = _person_at("convoked")
    status = page.goto(f"/agents/ofii/renonciations/{optout}").status
    page.locator('main form[action$="/formulaire"]').wait_for()
    return status


def _show_ofii_signed_form_errors(page: Page) -> int:
    _, optout = _person_at("convoked")
    page.goto(f"/agents/ofii/renonciations/{optout}")
    status = _submit(page, 'main form[action$="/formulaire"]')
    page.locator(".error-summary").wait_for()
    return status


def _show_ofpra_queue(page: Page) -> int:
    _person_at("forwarded")
    return page.goto("/agents/ofpra/renonciations").status


def _show_ofpra_request(page: Page) -> int:
    _, optout = _person_at("forwarded")
    status = page.goto(f"/agents/ofpra/renonciations/{optout}").status
    page.locator('main form[action$="/acceptation"]').wait_for()
    return status


def _show_ofpra_refusal_errors(page: Page) -> int:
    _, optout = _person_at("forwarded")
    page.goto(f"/agents/ofpra/renonciations/{optout}")
    status = _submit(page, 'main form[action$="/refus"]')
    page.locator("#f-refusal_reason[aria-invalid=true]").wait_for()
    return status


def _show_postal_list(page: Page) -> int:
    person = _person_in_paper_mode()
    status = page.goto("/agents/ofpra/courrier").status
    page.locator("tr.postal-item", has_text=person.full_name).first.wait_for()
    return status


def _show_journal_for_person(page: Page) -> int:
    return page.goto(f"/admin/journal?personne={_person_in_paper_mode().agdref}").status


def _show_account_in_paper_mode(page: Page) -> int:
    status = page.goto("/usager/compte").status
    page.locator("section.optout-status").wait_for()
    return status


PAGES = [
    AuditedPage("pro-dashboard", "/pro/suivi", login=_as_staff(SPADA_EMAIL)),
    AuditedPage("pro-dashboard-no-contacts", "/pro/suivi?signal=no_contacts", login=_as_staff(SPADA_EMAIL)),
    AuditedPage("pro-person", "/pro/personnes/…", login=_as_staff(SPADA_EMAIL), prepare=_show_pro_person),
    AuditedPage("pro-person-paper-mode", "/pro/personnes/…", login=_as_staff(SPADA_EMAIL),
                prepare=_show_pro_person_in_paper_mode),
    AuditedPage("pro-optout-errors", "/pro/personnes/…/renonciation", status=422, login=_as_staff(SPADA_EMAIL),
                prepare=_show_optout_form_errors),
    AuditedPage("pro-key-notice", "/pro/personnes/…/cle", login=_as_staff(SPADA_EMAIL), prepare=_show_key_recovery_notice),
    AuditedPage("pro-kiosk-contacts", "/pro/inscriptions/…/coordonnees", login=_as_staff(SPADA_EMAIL),
                prepare=_show_kiosk_contacts),
    AuditedPage("pro-key-already-printed", "/pro/personnes/…/cle", status=409, login=_as_staff(SPADA_EMAIL),
                prepare=_show_key_already_printed),
    AuditedPage("ofii-queue", "/agents/ofii/renonciations", login=_as_staff(OFII_EMAIL), prepare=_show_ofii_queue),
    AuditedPage("ofii-request", "/agents/ofii/renonciations/…", login=_as_staff(OFII_EMAIL), prepare=_show_ofii_request),
    AuditedPage("ofii-signed-form-errors", "/agents/ofii/renonciations/…/formulaire", status=422,
                login=_as_staff(OFII_EMAIL), prepare=_show_ofii_signed_form_errors),
    AuditedPage("ofpra-optout-queue", "/agents/ofpra/renonciations", login=_as_staff(OFPRA_EMAIL),
                prepare=_show_ofpra_queue),
    AuditedPage("ofpra-optout-request", "/agents/ofpra/renonciations/…", login=_as_staff(OFPRA_EMAIL),
                prepare=_show_ofpra_request),
    AuditedPage("ofpra-optout-refusal-errors", "/agents/ofpra/renonciations/…/refus", status=422,
                login=_as_staff(OFPRA_EMAIL), prepare=_show_ofpra_refusal_errors),
    AuditedPage("ofpra-postal", "/agents/ofpra/courrier", login=_as_staff(OFPRA_EMAIL), prepare=_show_postal_list),
    AuditedPage("admin-journal", "/admin/journal", login=_as_staff(ADMIN_EMAIL)),
    AuditedPage("admin-journal-person", "/admin/journal?personne=…", login=_as_staff(ADMIN_EMAIL),
                prepare=_show_journal_for_person),
    AuditedPage("usager-account-paper-mode", "/usager/compte", login=_as_person_in_paper_mode,
                prepare=_show_account_in_paper_mode),
]

CASES = [pytest.param(p, lang, id=f"{p.name}-{lang}") for p in PAGES for lang in AXE_LANGUAGES]


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def serious_violations(page: Page, axe: Axe, name: str, lang: str) -> str:
    """test_accessibility.py's rule: serious and critical axe violations fail (returned as a
    report, empty when none), the others only warn."""
    violations = axe.run(page).response["violations"]
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    others = [v for v in violations if v["impact"] not in FAILING_IMPACTS]
    if others:
        warnings.warn(f"{name} ({lang}): minor accessibility issues:\n{describe(others)}")
    return describe(failing)


def structure_problems(page: Page) -> list[str]:
    """One h1, one main landmark, and a first Tab stop on a skip link that leads into main."""
    problems = []
    if (n := page.locator("h1").count()) != 1:
        problems.append(f"a page needs exactly one h1, this one has {n}: {page.locator('h1').all_inner_texts()}")
    if page.get_by_role("main").count() != 1:
        problems.append("a page needs exactly one main landmark")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => ({cls: document.activeElement.className, href: document.activeElement.getAttribute('href')})")
    if "skip-link" not in focused["cls"].split():
        problems.append(f"first Tab stop is not the skip link: {focused}")
    else:
        page.keyboard.press("Enter")
        if not page.evaluate("() => !!document.activeElement.closest('main')"):
            problems.append("after the skip link, the keyboard focus is not in the main content")
    return problems


@pytest.mark.parametrize("audited,lang", CASES)
def test_pro_page_is_accessible(context, base_url, axe, html_validation, audited, lang):
    """No serious/critical axe violation, the structure of test_accessibility.py's pages, no
    overflow at 360 px, and valid HTML (checked on the same page load: each one costs a login
    and a prepared state)."""
    page = open_audited_page(context, base_url, audited, lang)
    html_validation.save(page, f"{audited.name}-{lang}")
    report = serious_violations(page, axe, audited.name, lang)
    problems = structure_problems(page) + [f"at 360 px: {p}" for p in small_screen_problems(page)]
    assert not report and not problems, f"{audited.name} ({lang}) {page.url}:\n{report}\n" + "\n".join(problems)
