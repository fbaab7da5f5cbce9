"""Hostile input through the real nginx: every route of the authorization matrix, odd paths,
odd methods, malformed requests, bodies, cookies and headers, anonymously and logged in.

What must hold whatever arrives (a user, a scanner or an attacker typing it):
- never a 5xx (a 500 is a bug; a 502/503 means the app died or hung);
- the app process is the one that started (ASYLUM_TEST_RUNDIR/app.pid), alive at the end;
- a marker `<x-hostile>` sent anywhere never comes back unescaped, and no header is injected.

Routes are read from Sources/Web/AccessMatrix.swift and field names from Sources/Web, so a new
route or field is covered without editing this file. Property-based cases use hypothesis with
derandomize=True (same examples on every run); the whole file is bounded to about 2 minutes.

Other tests share the stack: no demo account is ever locked (failed logins use random
identifiers and there are only a handful; nginx passes $remote_addr, X-Forwarded-For is not
honoured, so every request counts against 127.0.0.1), and nothing here logs a session out.
"""
from __future__ import annotations

import http.client
import re
import secrets
import socket
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

import helpers
from helpers import ADMIN_EMAIL, DEMO_APPLICANT, DEMO_APPLICANT_PASSWORD, GUDA_EMAIL, OFPRA_EMAIL, SPADA_EMAIL

MARKER = "<x-hostile>"
ROOT = Path(__file__).resolve().parents[2]

# ---------------------------------------------------------------------------------------------
# What the app serves, read from its sources
# ---------------------------------------------------------------------------------------------


def matrix_rules() -> list[tuple[str, str, str]]:
    """(method, pattern, rule) for every line of AccessMatrix.rules."""
    text = (ROOT / "Sources/Web/AccessMatrix.swift").read_text()
    rules = re.findall(r'^\s*"(GET|POST|PUT|DELETE|PATCH) (/[^"]*)":\s*([^\n]+),\s*$', text, re.M)
    assert len(rules) > 40, "could not read the access matrix"
    return rules


def matrix_routes() -> list[tuple[str, str]]:
    return [(m, p) for m, p, _ in matrix_rules()]


# What in a rule lets each visitor of this file in (the rest is refused before the handler).
# No closing parenthesis: a record scope may follow the roles, `.staff(ofpra, .national)`.
ROLE_RULE_WORDS = {"anonymous": (".anyone",), "admin": (".anyone", ".anyStaff", "(admin", ".administrator"),
                   "ofpra": (".anyone", ".anyStaff", "(ofpra", ".ofpraAgent"),
                   "guda": (".anyone", ".anyStaff", ".gudaAgent"),
                   "spada": (".anyone", ".anyStaff", "(professionals", ".spadaStaff"),
                   "applicant": (".anyone", ".applicant", ".documentOwner")}


def routes_open_to(role: str) -> list[tuple[str, str]]:
    return [(m, p) for m, p, rule in matrix_rules() if any(w in rule for w in ROLE_RULE_WORDS[role])]


def field_names() -> list[str]:
    names = set()
    for f in (ROOT / "Sources/Web").rglob("*.swift"):
        names.update(re.findall(r'(?:name: |form\[|values\[|submitted\[|query\[)"([a-z_]+)"', f.read_text()))
    assert len(names) > 20, "could not read the form field names"
    return sorted(names)


ROUTES = matrix_routes()
FIELDS = field_names()
POST_ROUTES = [(m, p) for m, p in ROUTES if m == "POST"]
# Forms that count a failure per client address or per account when the CSRF token is valid:
# hostile bodies reach them without a valid token (refused before the handler), and only
# test_login_forms_with_injection_strings sends a valid one, a few times.
CREDENTIAL_FORMS = {"/connexion", "/usager/connexion", "/usager/activation", "/usager/mot-de-passe-oublie",
                    "/usager/cle-perdue", "/usager/activation/mot-de-passe"}
# Would end the logged-in session the rest of the file uses.
SESSION_ENDING = {"/deconnexion"}

# Values for `:id` that no record has: out of range, not numbers, other scripts, encodings.
# Never one that Swift's Int64() reads as a real id ("+1" is 1, so it would act on record 1).
ODD_IDS = ["0", "-1", "+0", "-0", "9223372036854775807", "9223372036854775808", "99999999999999999999999",
           "abc", "1.5", "1e3", "0x10", "%00", "%2e%2e", "%252e", "%3Cx-hostile%3E", "%27%20OR%201%3D1--",
           "%C3%28", "%D9%A1", "%0D%0AX-Injected:%201", "%20"]
assert all(not re.fullmatch(r"\+?0*[1-9][0-9]{0,17}", i) for i in ODD_IDS), "an odd id names a real record"

HOSTILE_TEXT = [
    MARKER, '"><x-hostile>', "'><x-hostile a='", "<script>x-hostile</script>", "javascript:alert(1)",
    "' OR '1'='1", "1; DROP TABLE sessions; --", "\\", "'", '"', "`", "\x00", "a\x00b",
    "\r\nX-Injected: 1", "\nX-Injected: 1", "{code}", "{key}", "{{t.home.title}}", "{{#t}}x{{/t}}",
    "%s%n%x%p", "../../../../etc/passwd", "/%2F%2Fevil.example", "//evil.example", "\t/evil.example",
    "\u202egnp.exe", "١٢٣٤٥٦٧٨٩٠", "\u0000\u0001\u001f\u007f", "ß" * 200, "😀" * 100, "e\u0301" * 50,
    "A" * 10_000, "-1", "9" * 40, "NaN", "inf", "1e309", "2026-02-30", "9999-12-31", "0000-00-00", "25:61",
    "+33 6 12 34 56 78 90 12 34", "a@b", "a@" + "b" * 300 + ".fr", "fr", "ar;q=nan", ";", "=", "&",
]
HOSTILE_BYTES = [b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"%", b"%zz", b"%C3",
                 b"%00", b"%0d%0a", b"\x80" * 100]

# ---------------------------------------------------------------------------------------------
# Raw HTTP (requests and http.client would refuse or "fix" much of what is sent here)
# ---------------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class Client:
    def __init__(self, base_url: str):
        u = urlsplit(base_url)
        self.host, self.port = u.hostname, u.port or 80
        self.sent = 0
        self.statuses: dict[int, int] = {}

    def send(self, method: bytes, target: bytes, headers: list[tuple[bytes, bytes]] = (), body: bytes | None = None,
             raw_head: bytes | None = None) -> Reply:
        head = raw_head if raw_head is not None else (
            method + b" " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + b"".join(k + b": " + v + b"\r\n" for k, v in headers)
            + (b"Content-Length: %d\r\n" % len(body) if body is not None else b"") + b"\r\n")
        self.sent += 1
        with socket.create_connection((self.host, self.port), timeout=helpers.HTTP_TIMEOUT) as sock:
            sock.sendall(head + (body or b""))
            if raw_head is not None:
                sock.shutdown(socket.SHUT_WR)   # a body shorter than announced ends here, no wait
            resp = http.client.HTTPResponse(sock, method=method.decode("latin-1"))
            try:
                resp.begin()
            except http.client.RemoteDisconnected:
                # nginx closes without an answer on some malformed heads (444-like): not a crash.
                return Reply(0, [], b"")
            except http.client.BadStatusLine:
                # An HTTP/0.9 request (`GET /` alone) gets a body without a status line.
                return Reply(0, [], b"")
            data = resp.read()
            self.statuses[resp.status] = self.statuses.get(resp.status, 0) + 1
            return Reply(resp.status, resp.getheaders(), data)


def check(reply: Reply, what: str) -> None:
    assert reply.status < 500, f"{what}: HTTP {reply.status}\n{reply.body[:600]!r}"
    assert MARKER.encode() not in reply.body.lower(), f"{what}: the marker came back unescaped"
    assert b"<x-hostile " not in reply.body.lower(), f"{what}: an attribute marker came back unescaped"
    # A link built from the request path must stay on this site: `//host`, `/\\host` and
    # `/<tab>/host` all lead elsewhere in a browser (the language switcher once did that).
    off_site = re.search(rb'href="(/[/\\\t]|\\)', reply.body)
    assert not off_site, f"{what}: off-site link {reply.body[off_site.start():off_site.start() + 60]!r}"
    for name, value in reply.headers:
        assert name.lower() != "x-injected", f"{what}: header injected"
        assert "<x-hostile" not in value.lower() or name.lower() == "location", f"{what}: marker in {name}"


def encode(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def pct(value: str | bytes) -> bytes:
    return quote(encode(value), safe="").encode()


def fill(pattern: str, ident: bytes) -> bytes:
    return re.sub(rb":[a-z_]+", lambda _: ident, pattern.encode())


@dataclass
class Visitor:
    """Someone with (or without) a session: its cookie header, the CSRF token of its pages and,
    for `:id` routes it may GET, a real record's link found on its pages (hostile query values
    then reach a handler that found the record)."""
    name: str
    cookie: bytes
    csrf: str | None
    links: dict[str, bytes] = field(default_factory=dict)

    def headers(self, extra: list[tuple[bytes, bytes]] = ()) -> list[tuple[bytes, bytes]]:
        h = [(b"Accept-Language", b"fr")]
        if self.cookie:
            h.append((b"Cookie", self.cookie))
        return h + list(extra)


def visitor_from(session, name: str, landing: str, base_url: str) -> Visitor:
    r = session.get(base_url + landing, timeout=helpers.HTTP_TIMEOUT, allow_redirects=False)
    assert r.status_code == 200, f"{name}: GET {landing} answered {r.status_code}"
    token = helpers.parse_html(r.text).input_value("_csrf")
    assert token, f"{name}: no form on {landing}, so no CSRF token to send"
    return Visitor(name, helpers.cookie_header(session).encode(), token)


def form_body(visitor: Visitor, value: bytes, with_token: bool) -> bytes:
    pairs = [b"_csrf=" + (pct(visitor.csrf) if with_token and visitor.csrf else b"forged")]
    pairs += [n.encode() + b"=" + value for n in FIELDS]
    return b"&".join(pairs)


def may_post_with_token(visitor: Visitor, path: str) -> bool:
    return visitor.csrf is not None and path not in CREDENTIAL_FORMS | SESSION_ENDING


# ---------------------------------------------------------------------------------------------
# Fixtures: one login per role for the whole file, the app's pid checked after every test
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(base_url) -> Client:
    c = Client(base_url)
    yield c
    print(f"\ntest_hostile_input: {c.sent} requests sent; answers by status: {dict(sorted(c.statuses.items()))}")


@pytest.fixture(scope="module")
def app_pid(settings) -> int:
    return helpers.app_pid(helpers.require_rundir(settings, "every test checks that the app process survived"))


@pytest.fixture(autouse=True)
def app_survives(app_pid, settings):
    yield
    assert helpers.process_alive(app_pid), "the app process died"
    assert helpers.app_pid(settings.rundir) == app_pid, "the app was restarted (it crashed)"


@pytest.fixture(scope="module")
def visitors(base_url) -> dict[str, Visitor]:
    anon = helpers.http_session()
    out = {"anonymous": visitor_from(anon, "anonymous", "/connexion", base_url)}
    for name, email in (("admin", ADMIN_EMAIL), ("ofpra", OFPRA_EMAIL), ("guda", GUDA_EMAIL), ("spada", SPADA_EMAIL)):
        out[name] = visitor_from(helpers.staff_session(base_url, email), name, "/espace", base_url)
    applicant = helpers.applicant_session(base_url, DEMO_APPLICANT, DEMO_APPLICANT_PASSWORD)
    out["applicant"] = visitor_from(applicant, "applicant", "/usager/espace", base_url)
    # Not the applicant's: opening a document is its legal notification, a state other tests
    # of the demo applicant may rely on.
    for name in ("admin", "ofpra", "guda", "spada"):
        out[name].links = discover_links(out[name], base_url)
    return out


def discover_links(v: Visitor, base_url: str) -> dict[str, bytes]:
    """pattern -> a real link to it, from the pages (without `:id`) this visitor may GET."""
    c = Client(base_url)
    hrefs = set()
    for method, pattern in routes_open_to(v.name):
        if method == "GET" and ":" not in pattern:
            # Search pages list people only when asked: the demo applicant is one of them.
            for target in (pattern.encode(), pattern.encode() + b"?q=" + DEMO_APPLICANT.encode()):
                r = c.send(b"GET", target, v.headers())
                hrefs.update(re.findall(rb'href="(/[^"?#]+)', r.body))
                hrefs.update(val.split("?")[0].encode() for k, val in r.headers if k.lower() == "location")
    out = {}
    for method, pattern in routes_open_to(v.name):
        if method == "GET" and ":" in pattern:
            rx = re.compile(b"^" + re.sub(rb":[a-z_]+", rb"[^/]+", pattern.encode()) + b"$")
            found = sorted(h for h in hrefs if rx.match(h))
            if found:
                out[pattern] = found[0]
    return out


ROLES = ["anonymous", "admin", "ofpra", "guda", "spada", "applicant"]

# ---------------------------------------------------------------------------------------------
# Defect 1 of issue 9: one header killed the app
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [b";", b";;", b",;,", b" ; q=1", b"=;", b"fr;q=nan, ;", b";" * 4000])
def test_odd_accept_language_gets_a_page_and_the_app_lives_on(client, value):
    r = client.send(b"GET", b"/", [(b"Accept-Language", value)])
    check(r, f"Accept-Language {value[:20]!r}")
    assert r.status == 200
    # The next visitor is served by the same, living process.
    assert client.send(b"GET", b"/healthz").status == 200


# ---------------------------------------------------------------------------------------------
# Every route of the matrix, every role, odd ids
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_route_with_odd_ids(client, visitors, role):
    v = visitors[role]
    # Logged in, the routes of other roles are refused before any handler: the anonymous run
    # covers that refusal for every route.
    for method, pattern in ROUTES if role == "anonymous" else routes_open_to(role):
        ids = ODD_IDS if ":" in pattern else [b""]
        for ident in ids:
            target = fill(pattern, encode(ident))
            body = None
            if method == "POST":
                body = form_body(v, pct(MARKER), with_token=may_post_with_token(v, pattern))
            headers = v.headers([(b"Content-Type", b"application/x-www-form-urlencoded")] if body is not None else [])
            check(client.send(method.encode(), target, headers, body), f"{role} {method} {target!r}")


def test_protected_routes_stay_protected_under_odd_spellings(client):
    """A path that normalizes to a protected one must not open it to an anonymous visitor."""
    for method, pattern in ROUTES:
        if method != "GET" or pattern in ("/", "/healthz") or "connexion" in pattern or "/usager/activation" == pattern:
            continue
        p = fill(pattern, b"1")
        for target in (p + b"/", p.upper(), b"/." + p, b"/usager/.." + p, b"/%2e" + p, p.replace(b"/", b"//"),
                       p + b"%00", p + b";x", p.replace(b"/", b"%2F")):
            r = client.send(b"GET", target)
            check(r, f"GET {target!r}")
            if r.status == 200:
                # Only public pages may answer 200 anonymously: the same page as the plain path.
                plain = client.send(b"GET", p)
                assert plain.status == 200, f"{target!r} opened {p!r} (answers {plain.status} when asked plainly)"


ODD_PATHS = [b"/..", b"/../", b"/%2e%2e/", b"/%2e%2e%2f%2e%2e%2fetc%2fpasswd", b"/static/../nginx.conf",
             b"/static/%2e%2e/%2e%2e/etc/passwd", b"/static/..%2f..%2fetc%2fpasswd", b"/%00", b"/%2500",
             b"/usager%00/espace", b"/%252e%252e%252f", b"//evil.example", b"/%2F%2Fevil.example", b"/\\evil.example",
             b"/%5Cevil.example", b"/%C0%AF", b"/%ff", b"/%", b"/%zz", b"/\xff\xfe", b"/caf\xc3\xa9", b"/" + b"a" * 6000,
             b"/" * 3000, b"/usager/documents/1/../../../etc/passwd", b"/admin/personnel%3Fx", b"/admin/personnel#x",
             b"/%3Cx-hostile%3E", b"/x?%3Cx-hostile%3E=%3Cx-hostile%3E", b"/?lang=%3Cx-hostile%3E&next=%3Cx-hostile%3E",
             b"/?" + b"a=1&" * 3000, b"/?next=%0d%0aX-Injected:%201", b"/connexion?next=/%09/evil.example",
             b"/connexion?next=%3Cx-hostile%3E", b"*", b"http://evil.example/", b"/?notice=../../x", b"/?q=%00",
             b"/__test/sleep?ms=99999999999999999999", b"/__test/sleep?ms=-1"]


def test_odd_paths(client, visitors):
    for role in ("anonymous", "admin"):
        for target in ODD_PATHS:
            r = client.send(b"GET", target, visitors[role].headers())
            check(r, f"{role} GET {target[:80]!r}")
            assert b"root:x:0:0" not in r.body and b"fastcgi_pass" not in r.body, f"{target!r} served a file"


def test_wrong_methods(client, visitors):
    methods = [b"PUT", b"DELETE", b"PATCH", b"OPTIONS", b"TRACE", b"PROPFIND", b"get", b"GETT", b"CONNECT", b"X" * 300]
    for i, (_, pattern) in enumerate(sorted(set(p for p in ROUTES))):
        target = fill(pattern, b"1")
        for m in (methods[i % len(methods)], methods[(i + 3) % len(methods)], b"HEAD"):
            check(client.send(m, target, visitors["admin"].headers(), b"" if m != b"HEAD" else None), f"{m!r} {target!r}")


# ---------------------------------------------------------------------------------------------
# Malformed HTTP, huge heads, bad cookies
# ---------------------------------------------------------------------------------------------


def test_malformed_requests(client):
    heads = [
        b"GET / HTTP/1.1\r\n\r\n",                                      # no Host
        b"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
        b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
        b"GET /\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\n: empty\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX: \xff\xfe\r\n\r\n",
        b"GET / HTTP/1.1\nHost: x\n\n",
        b"POST /connexion HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        b"POST /connexion HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
        b"POST /connexion HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef",
        b"POST /connexion HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
        b"POST /connexion HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"POST /connexion HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 100\r\nConnection: close\r\n\r\nshort",                     # body shorter than announced
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 20_000 + b"\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Many: 1\r\n" * 500 + b"\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nCookie: " + b"session=" + b"a" * 60_000 + b"\r\n\r\n",
        b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    ]
    for head in heads:
        sock_method = head.split(b" ", 1)[0]
        try:
            r = client.send(sock_method, b"", raw_head=head)
        except (socket.timeout, TimeoutError):
            # nginx waits for the announced body, then gives up: no 5xx from the app for that.
            continue
        if b"HTTP/9.9" in head and r.status == 505:
            continue    # nginx's own, correct answer: the request never reaches the app
        check(r, f"raw {head[:60]!r}")


COOKIE_VALUES = [b"", b"=", b";;;", b"a" * 4000, b"\xff\xfe", b"%00", b'"quoted"', MARKER.encode(),
                 b"0" * 43, b"A" * 32, b"../../x", b"fr\r\n", b"\x01\x02"]


@pytest.mark.parametrize("role", ["anonymous", "admin", "applicant"])
def test_forged_cookies(client, visitors, role):
    """Forged session, csrf and lang cookies: next to a real session (which must win or be
    dropped, never crash) and alone."""
    v = visitors[role]
    for value in COOKIE_VALUES:
        for cookie in (b"session=" + value, b"csrf=" + value, b"lang=" + value, b"__Host-session=" + value,
                       b"session=" + value + b"; session=" + value, b"lang=" + value + b"; csrf=" + value):
            jar = v.cookie + b"; " + cookie if v.cookie else cookie
            target = (b"/", b"/espace", b"/usager/espace")[len(jar) % 3]
            check(client.send(b"GET", target, [(b"Cookie", jar)]), f"{role} cookie {cookie[:40]!r} {target!r}")
        # A forged pre-login csrf cookie with a token of another binding: 403, not 500.
        body = b"_csrf=" + pct(v.csrf or "x") + b"&email=x"
        r = client.send(b"POST", b"/admin/structures", [(b"Cookie", b"csrf=" + value),
                                                        (b"Content-Type", b"application/x-www-form-urlencoded")], body)
        check(r, f"{role} forged csrf cookie {value[:20]!r}")


# ---------------------------------------------------------------------------------------------
# Multipart
# ---------------------------------------------------------------------------------------------


def multipart(parts: list[bytes], boundary: bytes = b"B0undary", close: bool = True) -> bytes:
    body = b"".join(b"--" + boundary + b"\r\n" + p + b"\r\n" for p in parts)
    return body + (b"--" + boundary + b"--\r\n" if close else b"")


def part(name: bytes, value: bytes, extra: bytes = b"") -> bytes:
    return b'Content-Disposition: form-data; name="' + name + b'"' + extra + b"\r\n\r\n" + value


def test_malformed_multipart(client, visitors):
    token = b""
    bad = [
        (b"multipart/form-data", multipart([part(b"a", b"1")])),                       # no boundary
        (b"multipart/form-data; boundary=", multipart([part(b"a", b"1")])),
        (b'multipart/form-data; boundary="', multipart([part(b"a", b"1")], b'"')),
        (b"multipart/form-data; boundary=" + b"x" * 71, multipart([part(b"a", b"1")], b"x" * 71)),
        (b"multipart/form-data; boundary=other", multipart([part(b"a", b"1")])),        # wrong boundary
        (b"multipart/form-data; boundary=B0undary", multipart([part(b"a", b"1")], close=False)),
        (b"multipart/form-data; boundary=B0undary", b"--B0undary"),
        (b"multipart/form-data; boundary=B0undary", b"--B0undary\r\n"),
        (b"multipart/form-data; boundary=B0undary", b"--B0undary\r\n\r\n\r\n--B0undary--"),
        (b"multipart/form-data; boundary=B0undary", multipart([b"no colon here\r\n\r\nx"])),
        (b"multipart/form-data; boundary=B0undary", multipart([b"X-Long: " + b"a" * 9000 + b"\r\n\r\nx"])),
        (b"multipart/form-data; boundary=B0undary", multipart([b"Content-Disposition: form-data\r\n\r\nx"])),
        (b"multipart/form-data; boundary=B0undary", multipart([part(b"a", b"1")] * 70)),
        (b"multipart/form-data; boundary=B0undary", multipart([part(b"a", b"\xff\xfe")])),
        (b"multipart/form-data; boundary=B0undary", multipart([part(b"a", b"x\x00y")])),
        (b"multipart/form-data; boundary=B0undary", multipart([part(b"\xff", b"1")])),
        (b"multipart/form-data; boundary=B0undary", multipart([part(b'a"; name="b', b"1")])),
        (b"multipart/form-data; boundary=B0undary",
         multipart([part(b"_csrf", b"forged"), part(b"file", b"%PDF-1.4 " + MARKER.encode(),
                                                      b'; filename="../../' + MARKER.encode() + b'.pdf"')])),
        (b"multipart/form-data; boundary=B0undary; boundary=other", multipart([part(b"a", b"1")])),
        (b"multipart/mixed; boundary=B0undary", multipart([part(b"a", b"1")])),
        (b"text/plain", MARKER.encode()),
        (b"application/json", b'{"_csrf": "x"}'),
        (b"application/x-www-form-urlencoded; charset=\xff", b"a=1"),
        (b"\xff\xfe", b"a=1"),
    ]
    for role in ("anonymous", "ofpra"):
        v = visitors[role]
        for i, (ctype, body) in enumerate(bad):
            # With the visitor's real token in front, so a part that parses reaches the handler.
            if v.csrf and b"boundary=B0undary" in ctype and body.startswith(b"--B0undary\r\n"):
                body = multipart([part(b"_csrf", v.csrf.encode())])[:-len(b"--B0undary--\r\n")] + body
            for _, pattern in POST_ROUTES[i % len(POST_ROUTES)::max(1, len(POST_ROUTES) // 3)]:
                if pattern in SESSION_ENDING:
                    continue
                target = fill(pattern, b"0")
                check(client.send(b"POST", target, v.headers([(b"Content-Type", ctype)]), body),
                      f"{role} multipart #{i} {target!r}")


# ---------------------------------------------------------------------------------------------
# Property-based: hostile values anywhere a request carries text
# ---------------------------------------------------------------------------------------------

values = st.one_of(
    st.sampled_from(HOSTILE_TEXT).map(encode),
    st.sampled_from(HOSTILE_BYTES),
    st.text(max_size=60).map(encode),
    st.binary(max_size=60),
    st.tuples(st.sampled_from(HOSTILE_TEXT), st.text(max_size=20)).map(lambda t: encode(t[0] + t[1] + MARKER)),
)
PLACES = ["query", "query-raw", "form", "form-raw", "multipart", "cookie", "accept-language", "header", "path"]
HYPOTHESIS = hsettings(max_examples=500, derandomize=True, deadline=None, database=None,
                       suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def not_an_id(value: bytes) -> bytes:
    """A drawn value that Int64() would read as a record id ("7", "+12") acts on that record
    (a retried message, a reissued key): it is made an odd one instead."""
    return b"x" + value if re.fullmatch(rb"\+?0*[1-9][0-9]*", value) else value


def hostile_request(v: Visitor, method: str, pattern: str, place: str, value: bytes):
    target = fill(pattern, pct(not_an_id(value)) if place == "path" else b"0")
    if method == "GET" and place != "path" and pattern in v.links:
        target = v.links[pattern]       # a real record: the handler goes past its lookup
    headers = []
    body = None
    if place.startswith("query"):
        v_enc = pct(value) if place == "query" else value.replace(b" ", b"+").replace(b"\r", b"").replace(b"\n", b"")
        target += b"?" + b"&".join(n.encode() + b"=" + v_enc for n in FIELDS[:: max(1, len(FIELDS) // 12)])
    elif place == "cookie":
        headers.append((b"Cookie", (v.cookie + b"; " if v.cookie else b"") + b"lang=" + pct(value) + b"; x=" + pct(value)))
    elif place == "accept-language":
        headers.append((b"Accept-Language", value.replace(b"\r", b"").replace(b"\n", b"")))
    elif place == "header":
        clean = value.replace(b"\r", b"").replace(b"\n", b"")
        headers += [(b"User-Agent", clean), (b"Referer", clean), (b"X-Forwarded-For", clean), (b"X-Request-Id", clean)]
    if method == "POST":
        with_token = may_post_with_token(v, pattern)
        if place == "multipart":
            parts = [part(b"_csrf", (v.csrf if with_token else "forged").encode())]
            parts += [part(n.encode(), value) for n in FIELDS[:: max(1, len(FIELDS) // 8)]]
            body = multipart(parts)
            headers.append((b"Content-Type", b"multipart/form-data; boundary=B0undary"))
        else:
            raw = value if place == "form-raw" else pct(value)
            body = form_body(v, raw, with_token)
            headers.append((b"Content-Type", b"application/x-www-form-urlencoded"))
    if not any(k == b"Cookie" for k, _ in headers) and v.cookie:
        headers.append((b"Cookie", v.cookie))
    if not any(k == b"Accept-Language" for k, _ in headers):
        headers.append((b"Accept-Language", b"fr"))
    return target, headers, body


@pytest.mark.parametrize("role", ROLES)
def test_hostile_values_anywhere(client, visitors, role):
    v = visitors[role]

    # Mostly the routes this visitor may call (so handlers read the values), some others.
    own = routes_open_to(role)
    routes = st.one_of(st.sampled_from(own), st.sampled_from(own), st.sampled_from(own), st.sampled_from(ROUTES))

    @HYPOTHESIS
    @given(route=routes, place=st.sampled_from(PLACES), value=values)
    def one(route, place, value):
        method, pattern = route
        target, headers, body = hostile_request(v, method, pattern, place, value)
        check(client.send(method.encode(), target, headers, body), f"{role} {method} {target[:100]!r} {place} {value[:40]!r}")

    one()


def test_login_forms_with_injection_strings(client, visitors, base_url):
    """A valid token, so the handlers really read these: few, with identifiers nobody has."""
    v = visitors["anonymous"]
    nonce = secrets.token_hex(4)
    cases = [("/connexion", {"email": f"x{nonce}@x.test' OR '1'='1", "password": MARKER}),
             ("/usager/connexion", {"identifier": f"9{nonce}' OR 1=1--{MARKER}", "password": "\x00" * 3}),
             ("/usager/activation", {"identifier": f"1{nonce}{MARKER}", "key": "{key}" * 100})]
    for path, data in cases:
        body = b"_csrf=" + pct(v.csrf) + b"".join(b"&" + k.encode() + b"=" + pct(val) for k, val in data.items())
        r = client.send(b"POST", path.encode(), v.headers([(b"Content-Type", b"application/x-www-form-urlencoded")]), body)
        check(r, f"POST {path}")
    # The sessions used above are still alive (nothing here logged anyone out).
    for role in ("admin", "applicant"):
        r = client.send(b"GET", b"/espace" if role == "admin" else b"/usager/espace", visitors[role].headers())
        assert r.status == 200, f"{role} session lost: {r.status}"


def test_the_suite_reads_the_matrix_and_finds_records(visitors):
    """Guards the suite itself: every role has routes of its own and real records to probe."""
    for role in ROLES:
        assert routes_open_to(role), f"no route open to {role}: ROLE_RULE_WORDS is out of date"
    assert visitors["ofpra"].links, "no record link found on the OFPRA agent's pages"
