"""Fixtures of the end-to-end suite (see helpers.py for the plain functions behind them).

Environment (set by scripts/test.sh): ASYLUM_TEST_BASE_URL, ASYLUM_TEST_RUNDIR,
ASYLUM_TEST_DATABASE_URL, ASYLUM_ROOT, CHROMIUM.
"""
from __future__ import annotations

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

import helpers
from helpers import ADMIN_EMAIL, Settings

# Tests marked `disruptive` stop parts of the stack (app, PostgreSQL): they run after all the
# others, whatever the file order, so a failed restore cannot take the rest of the suite down.


def pytest_configure(config):
    config.addinivalue_line("markers", "disruptive: stops and restarts parts of the stack; runs last")


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: item.get_closest_marker("disruptive") is not None)


@pytest.fixture(scope="session")
def settings() -> Settings:
    s = Settings.from_environment()
    try:
        requests.get(s.base_url + "/healthz", timeout=5)
    except requests.RequestException as e:
        pytest.exit(f"the stack under test does not answer at {s.base_url}: {e}", returncode=3)
    return s


@pytest.fixture(scope="session")
def base_url(settings) -> str:
    return settings.base_url


@pytest.fixture(scope="session")
def catalogues(settings) -> dict[str, dict[str, str]]:
    """{"fr": {"home.title": "Accueil", ...}, "en": {...}, "ar": {...}}"""
    return helpers.load_catalogues(settings.root)


@pytest.fixture(scope="session")
def database_url(settings) -> str:
    # A failure, not a skip: a green run must mean the database-backed tests ran.
    if not settings.database_url:
        pytest.fail("ASYLUM_TEST_DATABASE_URL is not set: run `make test`, or set it from a stack started with "
                    "`scripts/services.sh start $PWD/.run-test PORT PGPORT debug; source .run-test/env`", pytrace=False)
    return settings.database_url


@pytest.fixture(scope="session")
def admin_name(database_url) -> str:
    """The display name of the demo administrator, as stored (seed-demo)."""
    return helpers.staff_display_name(database_url, ADMIN_EMAIL)


# ---------------------------------------------------------------------------------------------
# Browser
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser(settings) -> Browser:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=settings.chromium, headless=True, args=["--no-sandbox"])
        yield b
        b.close()


def _new_context(browser: Browser, base_url: str, **options) -> BrowserContext:
    # A French browser by default: the audience's usual setting, and it keeps the language of
    # every page decided by what the test does, not by the machine's locale.
    options.setdefault("locale", "fr-FR")
    context = browser.new_context(base_url=base_url, **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def new_context(browser, base_url):
    """Factory for extra contexts (e.g. JavaScript off); all closed after the test."""
    made = []

    def make(**options) -> BrowserContext:
        c = _new_context(browser, base_url, **options)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


@pytest.fixture
def context(new_context) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context) -> Page:
    return context.new_page()


@pytest.fixture
def staff_context(context, base_url) -> BrowserContext:
    """A browser context logged in (through the form) as the demo administrator."""
    p = context.new_page()
    helpers.browser_login(p)
    assert p.url == base_url + "/espace", f"login did not land on /espace but {p.url}"
    p.close()
    return context


@pytest.fixture
def staff_page(staff_context) -> Page:
    """A page of the logged-in staff context, on /espace."""
    p = staff_context.new_page()
    p.goto("/espace")
    return p


# ---------------------------------------------------------------------------------------------
# HTTP (requests)
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def http():
    """A requests.Session with a French Accept-Language (cookies kept between calls)."""
    with helpers.http_session() as s:
        yield s


@pytest.fixture
def csrf(base_url):
    """fetch(session, path="/connexion") -> the _csrf token of that page's form."""
    return lambda session, path="/connexion": helpers.fetch_csrf(session, base_url, path)


@pytest.fixture
def staff_http(base_url) -> requests.Session:
    """A requests.Session logged in as the demo administrator."""
    with helpers.logged_in_session(base_url) as s:
        yield s
