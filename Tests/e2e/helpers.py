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

import requests

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

LANGUAGES = ("fr", "en", "ar")
RTL_LANGUAGES = {"ar"}
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
    return {
        lang: flatten(json.loads((root / "Locales" / f"{lang}.json").read_text(encoding="utf-8")))
        for lang in LANGUAGES
    }


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


def relaunch_app(rundir: Path, launch: AppLaunch, base_url: str, timeout: float = 30) -> int:
    """Starts the app like scripts/services.sh does (nohup setsid, log appended to
    RUNDIR/logs/app.log, pid in RUNDIR/app.pid) and waits until /healthz answers 200."""
    sock = Path(launch.env.get("ASYLUM_SOCKET", str(rundir / "app.sock")))
    sock.unlink(missing_ok=True)
    (rundir / "logs").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **launch.env}
    # Through a shell that exits at once, so the app is not our child (no zombie, no
    # ResourceWarning), exactly as services.sh leaves it.
    script = 'nohup setsid "$1" >>"$2" 2>&1 </dev/null & echo $! >"$3"'
    subprocess.run(["/bin/sh", "-c", script, "sh", launch.exe, str(rundir / "logs" / "app.log"),
                    str(rundir / "app.pid")], env=env, cwd=launch.env.get("ASYLUM_ROOT"), check=True, timeout=10)
    pid = int((rundir / "app.pid").read_text().strip())
    wait_until(lambda: sock.exists() or not process_alive(pid), timeout, what="app socket")
    assert process_alive(pid), "the relaunched app exited at once; see " + str(rundir / "logs" / "app.log")
    wait_healthy(base_url, timeout)
    return pid


def ensure_app_running(rundir: Path, launch: AppLaunch, base_url: str) -> None:
    """After a test that stopped the app: start it again unless a live one is answering."""
    try:
        pid = int((rundir / "app.pid").read_text().strip())
    except (OSError, ValueError):
        pid = 0
    if pid and process_alive(pid):
        wait_healthy(base_url, 30)
        return
    relaunch_app(rundir, launch, base_url)


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
