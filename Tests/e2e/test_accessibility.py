"""Accessibility of every page, in every language: axe-core (serious and critical violations
fail the test) and the structure a screen-reader or keyboard user relies on (one h1, one main
landmark, a working skip link).

PAGES below is the single list of audited pages: a new page is covered by adding it there.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

import helpers
from helpers import ADMIN_EMAIL, LANGUAGES


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


@dataclass(frozen=True)
class AuditedPage:
    name: str
    path: str
    status: int = 200
    staff: bool = False                              # log in as the demo administrator first
    prepare: Callable[[Page], int] | None = None     # brings the page into the audited state;
                                                     # returns the final HTTP status


PAGES = [
    AuditedPage("home", "/"),
    AuditedPage("space-usager", "/usager"),
    AuditedPage("space-pro", "/pro"),
    AuditedPage("space-agents", "/agents"),
    AuditedPage("space-anef", "/anef"),
    AuditedPage("login", "/connexion"),
    AuditedPage("login-failed", "/connexion", status=422, prepare=_show_login_errors),
    AuditedPage("login-empty", "/connexion", status=422, prepare=_show_empty_login_errors),
    AuditedPage("logged-out-notice", "/?notice=logged_out"),
    AuditedPage("staff-home", "/espace", staff=True),
    AuditedPage("not-found", "/cette-page-n-existe-pas", status=404),
]

CASES = [pytest.param(p, lang, id=f"{p.name}-{lang}") for p in PAGES for lang in LANGUAGES]

FAILING_IMPACTS = {"serious", "critical"}


def open_audited_page(context, base_url: str, audited: AuditedPage, lang: str) -> Page:
    helpers.set_language(context, base_url, lang)
    page = context.new_page()
    if audited.staff:
        helpers.browser_login(page)
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


@pytest.mark.parametrize("audited,lang", CASES)
def test_page_has_no_serious_accessibility_violations(context, base_url, axe, audited, lang):
    page = open_audited_page(context, base_url, audited, lang)
    violations = axe.run(page).response["violations"]
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    others = [v for v in violations if v["impact"] not in FAILING_IMPACTS]
    if others:
        warnings.warn(f"{audited.name} ({lang}): minor accessibility issues:\n{describe(others)}")
    assert not failing, f"{audited.name} ({lang}) {page.url}:\n{describe(failing)}"


@pytest.mark.parametrize("audited,lang", CASES)
def test_page_has_one_h1_a_main_landmark_and_a_working_skip_link(context, base_url, audited, lang):
    page = open_audited_page(context, base_url, audited, lang)
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
