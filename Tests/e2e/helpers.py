"""Shared helpers for the end-to-end suite: settings from the environment, message catalogues,
HTML inspection, CSRF and login over plain HTTP, and control of the stack under test
(app process, PostgreSQL) for the resilience tests.

Everything here is plain functions; pytest fixtures that wrap them live in conftest.py.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Callable
from urllib.parse import urlsplit

import pytest
import requests

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

def _registry() -> list[dict]:
    """The language registry (Sources/I18n/Language.swift), as `asylum-admin languages` prints it:
    the tests read the same list as the app instead of keeping their own."""
    root = Path(os.environ.get("ASYLUM_ROOT", str(Path(__file__).resolve().parents[2])))
    for build in ("debug", "release"):
        admin = root / ".build" / build / "asylum-admin"
        if admin.exists():
            return json.loads(subprocess.run([str(admin), "languages"], check=True, capture_output=True, text=True).stdout)
    raise RuntimeError("no .build/*/asylum-admin: run `make build-debug` (make test does)")


REGISTRY = _registry()
LANGUAGES = tuple(entry["code"] for entry in REGISTRY)
RTL_LANGUAGES = {entry["code"] for entry in REGISTRY if entry["dir"] == "rtl"}
BETA_LANGUAGES = {entry["code"] for entry in REGISTRY if entry["status"] == "beta"}
# Accessibility by layout and direction (issue 11): every page in one left-to-right and one
# right-to-left language; every language on the pages that show its script (test_accessibility).
AXE_LANGUAGES = ("fr", "ar")
SPACES = ("usager", "pro", "agents", "anef")

# Demo accounts created by `asylum-admin seed-demo` (Sources/asylum-admin/SeedDemo.swift).
DEMO_PASSWORD = "demo-asile-2026"
ADMIN_EMAIL = "admin@demo.asile.test"
OFPRA_EMAIL = "ofpra@demo.asile.test"

HTTP_TIMEOUT = 15


# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Settings:
    base_url: str
    rundir: Path | None
    database_url: str | None
    root: Path
    chromium: str | None

    @classmethod
    def from_environment(cls) -> "Settings":
        here = Path(__file__).resolve().parents[2]
        rundir = os.environ.get("ASYLUM_TEST_RUNDIR")
        return cls(
            base_url=os.environ.get("ASYLUM_TEST_BASE_URL", "http://127.0.0.1:8089").rstrip("/"),
            rundir=Path(rundir) if rundir else None,
            database_url=os.environ.get("ASYLUM_TEST_DATABASE_URL"),
            root=Path(os.environ.get("ASYLUM_ROOT", str(here))),
            chromium=os.environ.get("CHROMIUM") or shutil.which("chromium"),
        )


START_A_STACK = ("run `make test`, or start a stack with `scripts/services.sh start $PWD/.run-test PORT PGPORT debug`, "
                 "`source .run-test/env` and export ASYLUM_TEST_DATABASE_URL, ASYLUM_TEST_BASE_URL, ASYLUM_TEST_RUNDIR "
                 "(README, \"Tests\")")


def require_rundir(settings: Settings, why: str) -> Path:
    """The stack's run folder (ASYLUM_TEST_RUNDIR), or a failure that says how to get one: a
    test that needs it never turns into a silent skip (a green run means it ran)."""
    if settings.rundir is None or not (settings.rundir / "app.pid").exists():
        pytest.fail(f"ASYLUM_TEST_RUNDIR is not set or has no app.pid ({why}): {START_A_STACK}", pytrace=False)
    return settings.rundir


def require_database_url(why: str) -> str:
    """ASYLUM_TEST_DATABASE_URL, or a failure that says how to set it (never a skip)."""
    url = os.environ.get("ASYLUM_TEST_DATABASE_URL")
    if not url:
        pytest.fail(f"ASYLUM_TEST_DATABASE_URL is not set ({why}): {START_A_STACK}", pytrace=False)
    return url


def wait_until(check: Callable[[], object], timeout: float, interval: float = 0.1, what: str = "condition"):
    """Polls `check` until it returns something truthy (returned) or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while True:
        try:
            value = check()
            if value:
                return value
        except Exception as e:  # noqa: BLE001 - polling: the last error is reported below
            last_error = e
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error!r})" if last_error else ""
            raise TimeoutError(f"{what} not reached within {timeout:.0f} s{detail}")
        time.sleep(interval)


# ---------------------------------------------------------------------------------------------
# Message catalogues (Locales/*.json, flattened to "section.key" like the app does)
# ---------------------------------------------------------------------------------------------

def flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in tree.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out.update(flatten(value, full))
        else:
            out[full] = value
    return out


def load_catalogues(root: Path) -> dict[str, dict[str, str]]:
    """Each language's texts as the app shows them: its own, French where a beta language has none."""
    def read(lang: str) -> dict[str, str]:
        return flatten(json.loads((root / "Locales" / f"{lang}.json").read_text(encoding="utf-8")))
    french = read("fr")
    return {lang: {**french, **{k: v for k, v in read(lang).items() if v}} for lang in LANGUAGES}


def plural_key(lang: str, key: str, n: int) -> str:
    """The CLDR form of `key` the app picks for `n` (PluralRule in Sources/I18n), for fr, en, ar."""
    if lang == "ar":
        m = n % 100
        category = ("zero" if n == 0 else "one" if n == 1 else "two" if n == 2 else "few" if 3 <= m <= 10
                    else "many" if 11 <= m <= 99 else "other")
    elif lang == "fr":
        category = "one" if n <= 1 else "many" if n % 1_000_000 == 0 else "other"
    else:
        category = "one" if n == 1 else "other"
    return f"{key}_{category}"


def counted(catalogue: dict[str, str], lang: str, key: str, n: int) -> str:
    """The text the page shows for `n` of something: its plural form, {{count}} filled."""
    return catalogue[plural_key(lang, key, n)].replace("{{count}}", str(n))


def page_title(catalogue: dict[str, str], title_key: str) -> str:
    """The <title> the layout renders: "{{title}} – {{t.app.name}}"."""
    return f"{catalogue[title_key]} – {catalogue['app.name']}"


# ---------------------------------------------------------------------------------------------
# HTML inspection (server answers read with requests)
# ---------------------------------------------------------------------------------------------

@dataclass
class Html:
    """What the suite needs to know about a server-rendered page."""
    lang: str | None = None
    dir: str | None = None
    title: str = ""
    h1: list[str] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)
    inputs: list[dict[str, str]] = field(default_factory=list)
    text: str = ""

    def link_hrefs(self) -> list[str]:
        return [a.get("href", "") for a in self.links]

    def input_value(self, name: str) -> str | None:
        for i in self.inputs:
            if i.get("name") == name:
                return i.get("value", "")
        return None


class _HtmlReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Html()
        self._in: list[str] = []
        self._h1: list[str] | None = None
        self._title: list[str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "html":
            self.page.lang, self.page.dir = a.get("lang"), a.get("dir")
        elif tag == "a":
            self.page.links.append(a)
        elif tag == "input":
            self.page.inputs.append(a)
        elif tag == "h1":
            self._h1 = []
        elif tag == "title":
            self._title = []

    def handle_endtag(self, tag):
        if tag == "h1" and self._h1 is not None:
            self.page.h1.append(" ".join("".join(self._h1).split()))
            self._h1 = None
        elif tag == "title" and self._title is not None:
            self.page.title = " ".join("".join(self._title).split())
            self._title = None

    def handle_data(self, data):
        if self._h1 is not None:
            self._h1.append(data)
        if self._title is not None:
            self._title.append(data)
        self._text.append(data)

    def close(self):
        super().close()
        self.page.text = " ".join(" ".join(self._text).split())


def parse_html(html: str) -> Html:
    reader = _HtmlReader()
    reader.feed(html)
    reader.close()
    return reader.page


def assert_translated_error_page(r: requests.Response | RawResponse, status: int, catalogue: dict[str, str], lang: str):
    """The app's own error page: right status, right language, heading from the catalogue."""
    assert r.status_code == status, f"expected {status}, got {r.status_code}: {r.text[:300]}"
    assert r.headers.get("Content-Type", "").startswith("text/html"), r.headers.get("Content-Type")
    page = parse_html(r.text)
    assert page.lang == lang, f"error page in {page.lang!r}, expected {lang!r}: {r.text[:300]}"
    assert page.dir == ("rtl" if lang in RTL_LANGUAGES else "ltr")
    assert page.h1 == [catalogue[f"errors.{status}.title"]], f"heading {page.h1}: {r.text[:300]}"
    assert page.title == page_title(catalogue, f"errors.{status}.title")
    assert catalogue[f"errors.{status}.body"] in page.text
    assert "/" in page.link_hrefs(), "the error page offers no way back home"


def csrf_from_html(html: str) -> str:
    """The `_csrf` hidden field of the first form on the page."""
    token = parse_html(html).input_value("_csrf")
    assert token, "the page has no _csrf field"
    return token


def set_cookie_headers(response: requests.Response) -> list[str]:
    """Every Set-Cookie header of one response, unmerged."""
    return response.raw.headers.getlist("Set-Cookie")


def cookie_attributes(header: str) -> tuple[str, str, dict[str, str]]:
    """`name=value; Path=/; HttpOnly` -> (name, value, {"path": "/", "httponly": ""})."""
    first, *attrs = [p.strip() for p in header.split(";")]
    name, _, value = first.partition("=")
    parsed = {}
    for a in attrs:
        k, _, v = a.partition("=")
        parsed[k.strip().lower()] = v.strip()
    return name, value, parsed


# ---------------------------------------------------------------------------------------------
# HTTP sessions: CSRF and staff login with requests
# ---------------------------------------------------------------------------------------------

def http_session(lang: str | None = None) -> requests.Session:
    s = requests.Session()
    # A fixed Accept-Language so that only what a test sets chooses the language.
    s.headers["Accept-Language"] = "fr-FR,fr;q=0.9"
    if lang:
        s.headers["Accept-Language"] = lang
    return s


def fetch_csrf(session: requests.Session, base_url: str, path: str = "/connexion") -> str:
    """GETs a page with a form (setting the pre-login csrf cookie) and returns its token."""
    r = session.get(base_url + path, timeout=HTTP_TIMEOUT)
    assert r.status_code == 200, f"GET {path}: {r.status_code}"
    return csrf_from_html(r.text)


def http_login(session: requests.Session, base_url: str, email: str = ADMIN_EMAIL,
               password: str = DEMO_PASSWORD) -> requests.Response:
    """Logs in through the staff form; returns the (unfollowed) answer to the POST."""
    token = fetch_csrf(session, base_url)
    return session.post(base_url + "/connexion",
                        data={"_csrf": token, "email": email, "password": password},
                        allow_redirects=False, timeout=HTTP_TIMEOUT)


def logged_in_session(base_url: str, email: str = ADMIN_EMAIL) -> requests.Session:
    s = http_session()
    r = http_login(s, base_url, email)
    assert r.status_code == 303 and r.headers["Location"] == "/espace", \
        f"login as {email} failed: {r.status_code} {r.headers.get('Location')}"
    return s


@dataclass
class RawResponse:
    status_code: int
    headers: "requests.structures.CaseInsensitiveDict"
    text: str


def raw_request(base_url: str, method: str, target: str, headers: dict[str, str] | None = None,
                body: bytes | None = None) -> RawResponse:
    """Sends `target` byte for byte (requests and urllib3 would "fix" a broken %-escape)."""
    u = urlsplit(base_url)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=HTTP_TIMEOUT)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return RawResponse(resp.status, requests.structures.CaseInsensitiveDict(resp.getheaders()),
                           data.decode("utf-8", errors="replace"))
    finally:
        conn.close()


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


# ---------------------------------------------------------------------------------------------
# Browser (Playwright)
# ---------------------------------------------------------------------------------------------

def set_language(context: BrowserContext, base_url: str, lang: str) -> None:
    """Chooses the interface language the way the switcher does: the `lang` cookie."""
    context.add_cookies([{"name": "lang", "value": lang, "url": base_url}])


def browser_login(page: Page, email: str = ADMIN_EMAIL, password: str = DEMO_PASSWORD) -> None:
    """Logs in through the staff form (the page may be anywhere)."""
    page.goto("/connexion")
    page.locator("#f-email").fill(email)
    page.locator("#f-password").fill(password)
    submit_form(page)


def submit_form(page: Page, form: str = "main form") -> None:
    """Clicks the form's submit button and waits for the answer page."""
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").click()


# ---------------------------------------------------------------------------------------------
# Database (through psql: no Python driver needed)
# ---------------------------------------------------------------------------------------------

def psql(database_url: str, sql: str) -> list[list[str]]:
    exe = "/usr/lib/postgresql/15/bin/psql"      # the server's own client, as scripts/pg.sh uses
    if not os.access(exe, os.X_OK):
        exe = shutil.which("psql") or "psql"
    out = subprocess.run([exe, "-X", "-q", "-tA", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", database_url, "-c", sql],
                         check=True, capture_output=True, text=True, timeout=30).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def staff_display_name(database_url: str, email: str) -> str:
    rows = psql(database_url, f"SELECT display_name FROM staff_accounts WHERE lower(email) = lower('{email}')")
    assert rows, f"no staff account {email}: run `asylum-admin seed-demo`"
    return rows[0][0]


# ---------------------------------------------------------------------------------------------
# Stack control (resilience tests): the app process and PostgreSQL
# ---------------------------------------------------------------------------------------------

def read_env_file(rundir: Path) -> dict[str, str]:
    """RUNDIR/env as written by scripts/services.sh (`export NAME=value`, shell-quoted)."""
    env = {}
    for line in (rundir / "env").read_text().splitlines():
        line = line.strip()
        if not line.startswith("export "):
            continue
        name, _, quoted = line[len("export "):].partition("=")
        words = shlex.split(quoted)
        env[name] = words[0] if words else ""
    return env


def pg_port(rundir: Path) -> str:
    m = re.search(r"\bport=(\d+)", read_env_file(rundir)["ASYLUM_DATABASE_URL"])
    assert m, "no port in ASYLUM_DATABASE_URL"
    return m.group(1)


def process_alive(pid: int) -> bool:
    """True for a live process; a zombie (exited, not yet reaped) counts as gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def app_pid(rundir: Path) -> int:
    pid = int((rundir / "app.pid").read_text().strip())
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    assert "asylum-portal" in cmdline, f"app.pid ({pid}) is not asylum-portal: {cmdline!r}"
    return pid


@dataclass(frozen=True)
class AppLaunch:
    """How to start the app again: its binary and its environment."""
    exe: str
    env: dict[str, str]


def capture_app_launch(rundir: Path, pid: int) -> AppLaunch:
    """Call while the app runs: its binary (/proc/PID/exe) and environment (RUNDIR/env, plus
    any other ASYLUM_* variable it was started with, e.g. ASYLUM_MAX_BODY)."""
    link = f"/proc/{pid}/exe"
    exe = os.readlink(link).removesuffix(" (deleted)")
    try:
        rebuilt = os.stat(exe).st_ino != os.stat(link).st_ino
    except FileNotFoundError:
        rebuilt = True
    if rebuilt:
        # The binary was rebuilt since the app started: restart the code that was running, not
        # a newer build (which may need migrations this stack has not had). /proc/PID/exe still
        # reads the old file. The copy's name keeps "asylum-portal" for services.sh's checks.
        copy = rundir / "e2e-restart" / "asylum-portal"
        copy.parent.mkdir(exist_ok=True)
        shutil.copyfile(link, copy)
        copy.chmod(0o755)
        exe = str(copy)
    env = {}
    try:
        for item in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
            name, _, value = item.decode(errors="replace").partition("=")
            if name.startswith("ASYLUM_"):
                env[name] = value
    except OSError:
        pass
    env.update(read_env_file(rundir))
    return AppLaunch(exe=exe, env=env)


def health_status(base_url: str) -> int:
    try:
        return requests.get(base_url + "/healthz", timeout=5).status_code
    except requests.RequestException:
        return 0


def wait_healthy(base_url: str, timeout: float = 30) -> None:
    wait_until(lambda: health_status(base_url) == 200, timeout, 0.2, what=f"{base_url}/healthz 200")


def _pg_script(root: Path, *args: str, fast: bool = False) -> None:
    env = dict(os.environ)
    if fast:
        env["ASYLUM_PG_FAST"] = "1"
    subprocess.run([str(root / "scripts" / "pg.sh"), *args], check=True, env=env,
                   capture_output=True, text=True, timeout=90)


def postgres_running(root: Path, rundir: Path) -> bool:
    return subprocess.run([str(root / "scripts" / "pg.sh"), "status", str(rundir)],
                          capture_output=True, timeout=30).returncode == 0


def stop_postgres(root: Path, rundir: Path) -> None:
    _pg_script(root, "stop", str(rundir))


def start_postgres(root: Path, rundir: Path) -> None:
    # pg.sh rewrites asylum.conf at each start: keep a throwaway cluster's fast settings.
    conf = rundir / "pg" / "asylum.conf"
    fast = conf.exists() and "fsync = off" in conf.read_text()
    _pg_script(root, "start", str(rundir), pg_port(rundir), fast=fast)


def send_signal(pid: int, sig: signal.Signals = signal.SIGTERM) -> None:
    os.kill(pid, sig)


# ---------------------------------------------------------------------------------------------
# People of the procedure, created through the app's own forms (accounts and vault suites)
# ---------------------------------------------------------------------------------------------

# More demo accounts (seed-demo): one per step of the procedure.
SPADA_EMAIL = "spada.rennes@demo.asile.test"
GUDA_EMAIL = "guda.rennes@demo.asile.test"
DEMO_APPLICANT = "1000000001"                       # activated, Arabic, phone +33612345678
DEMO_APPLICANT_PASSWORD = "soleil-sur-la-loire-42"

# A connection key as printed: four groups of four symbols of the key alphabet.
KEY_PATTERN = re.compile(r"\b[0-9CDFHKMNPRTVWXY]{4}(?:-[0-9CDFHKMNPRTVWXY]{4}){3}\b")
PARIS = "Europe/Paris"


def unique_agdref() -> str:
    """A random AGDREF number (10 digits starting with 5-8: never a demo one)."""
    import random
    return str(random.randint(5, 8)) + "".join(random.choices("0123456789", k=9))


def unique_mobile() -> tuple[str, str]:
    """A random mainland French mobile number: (as typed, E.164). 06 39 and 06 90–06 97 are
    overseas mobiles (Mayotte, Guadeloupe, Réunion, Guyane, Martinique) with their own country
    codes, so the second digit avoids 3 and 9."""
    import random
    digits = random.choice("01245678") + "".join(random.choices("0123456789", k=7))
    typed = "06 " + " ".join(digits[i:i + 2] for i in range(0, 8, 2))
    return typed, "+336" + digits


def unique_name(prefix: str = "Essai") -> str:
    """A surname no other test uses (letters only, as people's names are)."""
    import random
    import string
    return prefix + "".join(random.choices(string.ascii_lowercase, k=8))


def unique_email(prefix: str = "usager") -> str:
    import random
    import string
    return f"{prefix}.{''.join(random.choices(string.ascii_lowercase + string.digits, k=10))}@e2e.asile.test"


def paris_today():
    """Today's civil date in Paris (the procedure's legal clock)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo
    return datetime.now(ZoneInfo(PARIS)).date()


def add_months(day, months: int):
    """Same day number `months` later, clamped to the end of a shorter month (Domain.CivilDate)."""
    import calendar
    from datetime import date
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                 "octobre", "novembre", "décembre")
FRENCH_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def french_date(day) -> str:
    """`23 novembre 2026`: the day as both French date styles of the app write it."""
    return f"{day.day} {FRENCH_MONTHS[day.month - 1]} {day.year}"


def french_full_date(day) -> str:
    """`lundi 23 novembre 2026` (DisplayFormat.date in French)."""
    return f"{FRENCH_WEEKDAYS[day.weekday()]} {french_date(day)}"


def message_parts(template: str) -> list[str]:
    """The fixed pieces of a catalogue message around its `{placeholders}`."""
    return [p for p in re.split(r"\{[a-z_]+\}", template) if p.strip()]


def minimal_pdf(text: str = "Convocation OFPRA", pad_to: int = 0) -> bytes:
    """A small valid PDF (one page showing `text`), with a correct xref table. `pad_to` adds a
    comment before the trailer so the file reaches that size (upload limits)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    if pad_to:
        # A PDF comment line per 1000 bytes: still a valid file, just bigger.
        while len(out) < pad_to - 400:
            out += b"%" + b"x" * 998 + b"\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for o in offsets:
        out += f"{o:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def post_form(session: requests.Session, base_url: str, page_path: str, action: str, data: dict,
              files: dict | None = None) -> requests.Response:
    """Fills the form of `page_path` the way a browser would (its CSRF token) and posts it to
    `action`; returns the unfollowed answer."""
    token = fetch_csrf(session, base_url, page_path)
    return session.post(base_url + action, data={"_csrf": token, **data}, files=files,
                        allow_redirects=False, timeout=HTTP_TIMEOUT)


def staff_session(base_url: str, email: str, password: str = DEMO_PASSWORD) -> requests.Session:
    s = http_session()
    r = http_login(s, base_url, email, password)
    assert r.status_code == 303 and r.headers["Location"] == "/espace", \
        f"login as {email} failed: {r.status_code} {r.headers.get('Location')}"
    return s


@dataclass
class Person:
    """An applicant a test created; `key` is the last key it knows, `password` the current one."""
    id: int
    surname: str
    given_names: str
    language: str
    phone: str | None = None            # E.164
    email: str | None = None
    agdref: str | None = None
    key: str | None = None
    password: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.surname.upper()}"


def enrol_person(base_url: str, *, language: str = "fr", phone: bool = True, email: str | None = None,
                 given_names: str = "Samira", spada: requests.Session | None = None,
                 guda: requests.Session | None = None) -> Person:
    """Step 1: SPADA staff enrol a new person (unique surname, a new mobile number); the id is
    read from the GUDA queue, as the agent finds the person."""
    spada = spada or staff_session(base_url, SPADA_EMAIL)
    guda = guda or staff_session(base_url, GUDA_EMAIL)
    surname = unique_name()
    typed_phone, e164 = unique_mobile() if phone else ("", None)
    r = post_form(spada, base_url, "/pro/inscriptions/nouvelle", "/pro/inscriptions/nouvelle", {
        "surname": surname, "given_names": given_names, "birth_date": "1992-05-17", "nationality": "soudanaise",
        "language": language, "phone": typed_phone, "email": email or ""})
    assert r.status_code == 303, f"enrolment refused: {r.status_code} {parse_html(r.text).text[:500]}"
    if r.headers["Location"] != "/pro/inscriptions?notice=enrolled":
        confirm_kiosk_contacts(base_url, spada, r.headers["Location"], [c for c in (e164, email) if c])
    queue = guda.get(base_url + "/agents/guda", params={"q": surname}, timeout=HTTP_TIMEOUT)
    ids = re.findall(r'href="/agents/guda/personnes/(\d+)">[^<]*' + surname.upper(), queue.text)
    assert len(ids) == 1, f"the GUDA queue does not list {surname} once: {ids}"
    return Person(id=int(ids[0]), surname=surname, given_names=given_names, language=language, phone=e164, email=email)


def print_token(html: str, action: str | None = None) -> str:
    """The single-use token of a form that prints a key (of the form posting to `action`, if given)."""
    if action is not None:
        html = html[html.index(f'action="{action}"'):]
    m = re.search(r'name="print_token" value="([^"]+)"', html)
    assert m, "no key-printing form on the page"
    return m.group(1)


def kiosk_code(recipient: str, timeout: float = 30) -> str:
    """The 6-digit code the kiosk sent to `recipient`, as the person reads it out."""
    rundir = Path(os.environ["ASYLUM_TEST_RUNDIR"])
    sent = wait_for_spooled(rundir, recipient=recipient, match=lambda m: re.search(r"\b\d{6}\b", m.text) is not None,
                            timeout=timeout)
    return re.search(r"\b(\d{6})\b", sent.text).group(1)


def confirm_kiosk_contacts(base_url: str, spada: requests.Session, page_path: str, contacts: list[str]) -> None:
    """At the kiosk, after enrolment: types back the code each typed contact received."""
    for contact in contacts:
        page = spada.get(base_url + page_path, timeout=HTTP_TIMEOUT).text
        m = re.search(re.escape(contact) + r'</span></h2>.*?name="verification" value="(\d+)"', page, re.S)
        assert m, f"no code waiting for {contact} on {page_path}"
        r = post_form(spada, base_url, page_path, page_path, {"verification": m.group(1), "code": kiosk_code(contact)})
        assert r.status_code == 303, f"the kiosk code for {contact} was refused: {r.status_code} {parse_html(r.text).text[:300]}"


def key_on_notice(html: str) -> str:
    """The key printed on a GUDA notice (the same in every language section)."""
    keys = set(re.findall(r'<dd class="big key" dir="ltr">([^<]*)</dd>', html))
    assert len(keys) == 1, f"expected one key on the notice, found {keys}"
    key = keys.pop()
    assert KEY_PATTERN.fullmatch(key), f"the key {key!r} is not of the form XXXX-XXXX-XXXX-XXXX"
    return key


def register_person(base_url: str, person: Person, guda: requests.Session | None = None) -> str:
    """Step 2: the GUDA agent registers the person in scope (Rennes, today, normal procedure);
    returns the notice page. Sets person.agdref and person.key."""
    guda = guda or staff_session(base_url, GUDA_EMAIL)
    agdref = unique_agdref()
    path = f"/agents/guda/personnes/{person.id}"
    token = print_token(guda.get(base_url + path, timeout=HTTP_TIMEOUT).text)
    r = post_form(guda, base_url, path, path, {"agdref": agdref, "print_token": token,
                                               "registered_on": paris_today().isoformat(), "procedure": "normal"})
    assert r.status_code == 200 and "notice-sheet" in r.text, \
        f"registration refused: {r.status_code} {parse_html(r.text).text[:500]}"
    person.agdref, person.key = agdref, key_on_notice(r.text)
    return r.text


def open_space(base_url: str, person: Person, ofpra: requests.Session | None = None) -> None:
    """Step 3: OFPRA opens the person's space."""
    ofpra = ofpra or staff_session(base_url, OFPRA_EMAIL)
    r = post_form(ofpra, base_url, "/agents/ofpra/espaces", f"/agents/ofpra/espaces/{person.id}", {"ofpra_number": ""})
    assert r.status_code == 303 and r.headers["Location"] == "/agents/ofpra/espaces?notice=space_opened", \
        f"opening the space failed: {r.status_code} {r.headers.get('Location')}"


def activate_person(base_url: str, person: Person, password: str | None = None) -> requests.Session:
    """Step 4: the person types identifier + key, then creates a password. Returns the logged-in session."""
    import random
    import string
    person.password = password or "chemin-des-" + "".join(random.choices(string.ascii_lowercase, k=10))
    s = http_session()
    r = post_form(s, base_url, "/usager/activation", "/usager/activation", {"identifier": person.agdref, "key": person.key})
    assert r.status_code == 303 and r.headers["Location"] == "/usager/activation/mot-de-passe", \
        f"activation refused: {r.status_code} {parse_html(r.text).text[:400]}"
    r = post_form(s, base_url, "/usager/activation/mot-de-passe", "/usager/activation/mot-de-passe",
                  {"password": person.password, "confirmation": person.password})
    assert r.status_code == 303 and r.headers["Location"].startswith("/usager/coordonnees"), \
        f"password refused: {r.status_code} {parse_html(r.text).text[:400]}"
    return s


def new_person(base_url: str, *, language: str = "fr", phone: bool = True, email: str | None = None,
               open: bool = True, activate: bool = True) -> Person:
    """A person through steps 1-4 (as far as asked), each done by the right role's form."""
    person = enrol_person(base_url, language=language, phone=phone, email=email)
    register_person(base_url, person)
    if open:
        open_space(base_url, person)
        if activate:
            activate_person(base_url, person).close()
    return person


def applicant_session(base_url: str, identifier: str, password: str) -> requests.Session:
    """An applicant logged in through /usager/connexion."""
    s = http_session()
    r = post_form(s, base_url, "/usager/connexion", "/usager/connexion", {"identifier": identifier, "password": password})
    assert r.status_code == 303 and r.headers["Location"].startswith("/usager/coordonnees"), \
        f"applicant login failed: {r.status_code} {parse_html(r.text).text[:400]}"
    return s


def browser_applicant_login(page: Page, identifier: str, password: str) -> None:
    """Logs an applicant in through /usager/connexion (lands on the contact check)."""
    page.goto("/usager/connexion")
    page.locator("#f-identifier").fill(identifier)
    page.locator("#f-password").fill(password)
    submit_form(page)


def deposit_document(base_url: str, database_url: str, person_id: int, kind: str, pdf: bytes,
                     interview: dict | None = None, ofpra: requests.Session | None = None) -> str:
    """An OFPRA agent deposits a document through the deposit form; returns its public id
    (the newest document of the person)."""
    ofpra = ofpra or staff_session(base_url, OFPRA_EMAIL)
    path = f"/agents/ofpra/personnes/{person_id}"
    r = post_form(ofpra, base_url, path, path + "/documents", {"kind": kind, **(interview or {})},
                  files={"file": (f"{kind}.pdf", pdf, "application/pdf")})
    assert r.status_code == 303 and r.headers["Location"].startswith(path + "?notice=deposited"), \
        f"deposit refused: {r.status_code} {parse_html(r.text).text[:500]}"
    return latest_document(database_url, person_id)


def latest_document(database_url: str, person_id: int) -> str:
    rows = psql(database_url, f"SELECT public_id FROM documents WHERE applicant_id = {int(person_id)} ORDER BY id DESC LIMIT 1")
    assert rows, f"no document for applicant {person_id}"
    return rows[0][0]


def applicant_id(database_url: str, agdref: str) -> int:
    rows = psql(database_url, f"SELECT id FROM applicants WHERE agdref = '{int(agdref)}'")
    assert rows, f"no applicant {agdref}: run `asylum-admin seed-demo`"
    return int(rows[0][0])


def clear_address_throttle(database_url: str, scope: str) -> None:
    """Forgets the failures counted against this machine's address for one scope: every test
    comes from 127.0.0.1, and earlier tests' failures must not throttle this one."""
    psql(database_url, f"DELETE FROM address_throttle WHERE scope = '{scope}' AND address IN ('127.0.0.1', '::1')")


# ---------------------------------------------------------------------------------------------
# Messages: the spool folder the asylum-worker writes (ASYLUM_TRANSPORT=spool)
# ---------------------------------------------------------------------------------------------

@dataclass
class Spooled:
    """One delivered message: its file, headers and (decoded, plain-text) body."""
    path: Path
    headers: dict[str, str]
    text: str

    @property
    def recipient(self) -> str:
        return self.headers.get("to", "")


def spool_dir(rundir: Path) -> Path:
    try:
        configured = read_env_file(rundir).get("ASYLUM_SPOOL_DIR")
    except OSError:
        configured = None
    return Path(configured) if configured else rundir / "spool"


def read_spooled(path: Path) -> Spooled:
    if path.name.endswith(".sms.txt"):
        head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        headers = {}
        for line in head.splitlines():
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return Spooled(path, headers, body.strip())
    import email
    import email.policy
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    plain = msg.get_body(preferencelist=("plain",))
    headers = {k.lower(): str(v) for k, v in msg.items()}
    return Spooled(path, headers, plain.get_content() if plain else "")


def wait_for_spooled(rundir: Path, *, recipient: str | None = None, outbox_id: int | None = None,
                     suffix: str = "", exclude: set[str] = frozenset(), match: Callable[[Spooled], bool] | None = None,
                     timeout: float = 30) -> Spooled:
    """Polls the spool until a message matching every given criterion appears; returns it (the
    newest if several match). `exclude` holds file names seen before the action under test."""
    folder = spool_dir(rundir)

    def find():
        found = []
        for p in sorted(folder.glob("*" + suffix)):
            if p.name.startswith(".") or p.name in exclude:
                continue
            if outbox_id is not None and not re.search(rf"-{outbox_id}\.(sms\.txt|eml)$", p.name):
                continue
            m = read_spooled(p)
            if recipient is not None and m.recipient != recipient:
                continue
            if match is not None and not match(m):
                continue
            found.append(m)
        return found[-1] if found else None

    return wait_until(find, timeout, 0.2, what=f"a spooled message ({recipient or outbox_id}{suffix}) in {folder}")


def spool_names(rundir: Path) -> set[str]:
    return {p.name for p in spool_dir(rundir).iterdir()}


# ---------------------------------------------------------------------------------------------
# Professional module: structures that follow people, and the opt-out (paper mail) chain
# SPADA → OFII → OFPRA, each step done through its role's form (professional-journey suites)
# ---------------------------------------------------------------------------------------------

CADA_EMAIL = "cada.rennes@demo.asile.test"          # CADA Rennes Nord
HUDA_EMAIL = "huda.lyon@demo.asile.test"            # HUDA Lyon Est
OFII_EMAIL = "ofii.rennes@demo.asile.test"          # OFII Rennes


@dataclass(frozen=True)
class StructureInfo:
    id: int
    name: str
    address: str
    city: str


def staff_structure(database_url: str, email: str) -> StructureInfo:
    """The structure a demo staff member belongs to (its id, name and postal address)."""
    rows = psql(database_url, "SELECT s.id, s.name, coalesce(s.address, ''), coalesce(s.city, '') FROM staff_accounts a "
                              f"JOIN structures s ON s.id = a.structure_id WHERE lower(a.email) = lower('{email}')")
    assert rows, f"no structure for staff {email}: run `asylum-admin seed-demo`"
    sid, name, address, city = rows[0]
    return StructureInfo(int(sid), name, address, city)


def request_optout(base_url: str, database_url: str, person: Person, reason: str = "other_departement",
                   detail: str = "", spada: requests.Session | None = None) -> None:
    """SPADA staff record the person's request for letters by post, for OFII Rennes."""
    spada = spada or staff_session(base_url, SPADA_EMAIL)
    office = staff_structure(database_url, OFII_EMAIL).id
    path = f"/pro/personnes/{person.id}"
    r = post_form(spada, base_url, path, path + "/renonciation",
                  {"optout_reason": reason, "optout_detail": detail, "optout_office": str(office)})
    assert r.status_code == 303 and r.headers["Location"] == path + "?notice=optout_requested", \
        f"opt-out request refused: {r.status_code} {r.headers.get('Location')} {parse_html(r.text).text[:500]}"


def optout_id_in_ofii_queue(base_url: str, person: Person, ofii: requests.Session | None = None) -> int:
    """The request's id, as the OFII Rennes agent finds it in their queue (by the person's name)."""
    ofii = ofii or staff_session(base_url, OFII_EMAIL)
    queue = ofii.get(base_url + "/agents/ofii/renonciations", timeout=HTTP_TIMEOUT)
    ids = set(re.findall(r'href="/agents/ofii/renonciations/(\d+)">' + re.escape(person.full_name) + "<", queue.text))
    assert len(ids) == 1, f"the OFII queue does not list {person.full_name} once: {ids}"
    return int(ids.pop())


def ofii_convoke(base_url: str, optout: int, day=None, ofii: requests.Session | None = None) -> None:
    ofii = ofii or staff_session(base_url, OFII_EMAIL)
    path = f"/agents/ofii/renonciations/{optout}"
    r = post_form(ofii, base_url, path, path + "/convocation", {"convoked_on": (day or paris_today()).isoformat()})
    assert r.status_code == 303 and r.headers["Location"] == path + "?notice=optout_convoked", \
        f"convocation refused: {r.status_code} {parse_html(r.text).text[:500]}"


def ofii_forward_signed_form(base_url: str, optout: int, pdf: bytes, day=None,
                             ofii: requests.Session | None = None) -> None:
    ofii = ofii or staff_session(base_url, OFII_EMAIL)
    path = f"/agents/ofii/renonciations/{optout}"
    r = post_form(ofii, base_url, path, path + "/formulaire", {"signed_on": (day or paris_today()).isoformat()},
                  files={"form_file": ("formulaire-signe.pdf", pdf, "application/pdf")})
    assert r.status_code == 303 and r.headers["Location"] == "/agents/ofii/renonciations?notice=optout_forwarded", \
        f"signed form refused: {r.status_code} {parse_html(r.text).text[:500]}"


def ofpra_decide_optout(base_url: str, optout: int, accept: bool, refusal_reason: str = "",
                        ofpra: requests.Session | None = None) -> None:
    ofpra = ofpra or staff_session(base_url, OFPRA_EMAIL)
    path = f"/agents/ofpra/renonciations/{optout}"
    if accept:
        r = post_form(ofpra, base_url, path, path + "/acceptation", {})
        expected = "/agents/ofpra/renonciations?notice=optout_accepted"
    else:
        r = post_form(ofpra, base_url, path, path + "/refus", {"refusal_reason": refusal_reason})
        expected = "/agents/ofpra/renonciations?notice=optout_refused"
    assert r.status_code == 303 and r.headers["Location"] == expected, \
        f"decision refused: {r.status_code} {r.headers.get('Location')} {parse_html(r.text).text[:500]}"


OPTOUT_STAGES = ("requested", "convoked", "forwarded", "accepted", "refused")


def optout_to_stage(base_url: str, database_url: str, person: Person, stage: str, reason: str = "other_departement",
                    refusal_reason: str = "Le formulaire n'est pas signé.") -> int:
    """Takes a person (space open) through the opt-out chain up to `stage`; returns the request id."""
    assert stage in OPTOUT_STAGES, stage
    request_optout(base_url, database_url, person, reason)
    ofii = staff_session(base_url, OFII_EMAIL)
    optout = optout_id_in_ofii_queue(base_url, person, ofii)
    if stage == "requested":
        return optout
    ofii_convoke(base_url, optout, ofii=ofii)
    if stage == "convoked":
        return optout
    ofii_forward_signed_form(base_url, optout, minimal_pdf("Formulaire de renonciation signe"), ofii=ofii)
    if stage == "forwarded":
        return optout
    ofpra_decide_optout(base_url, optout, accept=stage == "accepted", refusal_reason=refusal_reason)
    return optout
