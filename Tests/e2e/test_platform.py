"""The platform as a visitor meets it: languages, error pages, CSRF, malformed requests,
security headers, caching, and the staff login/logout flow in a real browser.

HTTP-level checks use `requests`; flows use Playwright (Chromium). Expected texts come from the
message catalogues (Locales/*.json), so a wording change does not break the suite, but a page
showing the wrong language, a key name or nothing does.
"""
from __future__ import annotations

import gzip
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from playwright.sync_api import expect

import helpers
from helpers import (ADMIN_EMAIL, assert_translated_error_page, DEMO_PASSWORD, HTTP_TIMEOUT, LANGUAGES, RTL_LANGUAGES, SPACES,
                     cookie_attributes, parse_html, page_title, set_cookie_headers)


def get(session: requests.Session, url: str, **kw) -> requests.Response:
    kw.setdefault("allow_redirects", False)
    return session.get(url, timeout=HTTP_TIMEOUT, **kw)


def lang_session(base_url: str, lang: str) -> requests.Session:
    """A visitor who chose `lang` with the switcher earlier (the cookie is set)."""
    s = helpers.http_session()
    r = get(s, f"{base_url}/?lang={lang}")
    assert r.status_code == 200 and s.cookies.get("lang") == lang
    return s


# ---------------------------------------------------------------------------------------------
# Home page, landing pages, languages
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_page_is_translated_and_links_to_the_four_spaces(http, base_url, catalogues, lang):
    cat = catalogues[lang]
    r = get(http, f"{base_url}/?lang={lang}")
    assert r.status_code == 200
    page = parse_html(r.text)
    assert (page.lang, page.dir) == (lang, "rtl" if lang in RTL_LANGUAGES else "ltr")
    assert r.headers["Content-Language"] == lang
    assert page.title == page_title(cat, "home.title")
    assert page.h1 == [cat["home.heading"]]
    for space in SPACES:
        assert f"/{space}" in page.link_hrefs(), f"no link to /{space}"
        assert cat[f"spaces.{space}.title"] in page.text
    # The switcher offers every language, each under its own name.
    for code in LANGUAGES:
        assert f"/?lang={code}" in page.link_hrefs()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("space", SPACES)
def test_space_landing_page_is_translated(http, base_url, catalogues, space, lang):
    cat = catalogues[lang]
    r = get(http, f"{base_url}/{space}?lang={lang}")
    assert r.status_code == 200
    page = parse_html(r.text)
    assert page.lang == lang
    assert page.title == page_title(cat, f"spaces.{space}.title")
    assert page.h1 == [cat[f"spaces.{space}.title"]]
    assert cat[f"spaces.{space}.intro"] in page.text
    # Staff spaces lead to the staff login; the applicants' ones do not.
    assert ("/connexion" in page.link_hrefs()) == (space in ("pro", "agents"))


def test_language_switcher_changes_language_and_the_choice_sticks(page, base_url, catalogues):
    fr, ar, en = catalogues["fr"], catalogues["ar"], catalogues["en"]
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    switcher = page.get_by_role("navigation", name=fr["layout.languages"])

    with page.expect_navigation():
        switcher.locator('a[hreflang="ar"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_text(ar["home.heading"])
    switcher = page.get_by_role("navigation", name=ar["layout.languages"])
    expect(switcher.locator('a[hreflang="ar"]')).to_have_attribute("aria-current", "true")

    # Next page, reached by a plain link (no ?lang=): still Arabic.
    with page.expect_navigation():
        page.get_by_role("link", name=ar["spaces.usager.title"]).click()
    assert urlsplit(page.url).query == "" and urlsplit(page.url).path == "/usager"
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("h1")).to_have_text(ar["spaces.usager.title"])

    # Switching again from there, then going elsewhere: English sticks.
    with page.expect_navigation():
        switcher.locator('a[hreflang="en"]').click()
    expect(page.locator("h1")).to_have_text(en["spaces.usager.title"])
    page.goto("/connexion")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(en["staff.login.title"])


@pytest.mark.parametrize("lang,script", [("prs", (0x600, 0x6FF)), ("ps", (0x600, 0x6FF)), ("ti", (0x1200, 0x137F))])
def test_dari_and_pashto_read_right_to_left_and_tigrinya_in_ethiopic(http, base_url, catalogues, lang, script):
    r = get(http, f"{base_url}/?lang={lang}")
    page = parse_html(r.text)
    assert (page.lang, page.dir) == (lang, "rtl" if lang in RTL_LANGUAGES else "ltr")
    heading = page.h1[0]
    assert heading == catalogues[lang]["home.heading"]
    assert any(script[0] <= ord(c) <= script[1] for c in heading), f"{lang}: the heading is not in its script: {heading}"


def test_the_switcher_lists_every_language_in_its_own_script_and_beta_ones_say_french_prevails(http, base_url):
    r = get(http, f"{base_url}/?lang=fr")
    links = re.findall(r'<a href="[^"]*lang=([a-z]+)" lang="([a-z]+)" hreflang="[a-z]+"[^>]*>([^<]+)</a>', r.text)
    assert [(code, name) for code, _, name in links] == [(e["code"], e["name"]) for e in helpers.REGISTRY]
    assert len(links) == 10 and all(code == lang for code, lang, _ in links), links
    assert "beta-notice" not in r.text, "French is the reference: no notice"
    for lang in sorted(helpers.BETA_LANGUAGES):
        beta = get(http, f"{base_url}/?lang={lang}")
        assert 'class="beta-notice"' in beta.text and 'hreflang="fr"' in beta.text, f"{lang}: no notice that French prevails"


def test_the_language_cookie_lasts_for_the_session_only(base_url):
    # On a shared kiosk, the next person must not inherit the last reader's language.
    r = requests.get(f"{base_url}/?lang=ti", timeout=HTTP_TIMEOUT)
    cookie = next(c for c in r.raw.headers.getlist("Set-Cookie") if "lang=ti;" in c)
    assert "max-age" not in cookie.lower() and "expires" not in cookie.lower(), cookie


@pytest.mark.parametrize("header,expected", [
    ("en-GB,en;q=0.9", "en"),
    ("ar-SY", "ar"),
    ("fr;q=0.3, en;q=0.8", "en"),     # q-values are honoured
    ("de-DE,de;q=0.9", "fr"),         # nothing offered: French, the language of the procedure
    ("fa-AF,fa;q=0.9", "prs"),        # a Persian browser reads Dari
])
def test_accept_language_chooses_the_language_without_a_cookie(base_url, catalogues, header, expected):
    r = requests.get(base_url + "/", headers={"Accept-Language": header}, timeout=HTTP_TIMEOUT)
    page = parse_html(r.text)
    assert r.status_code == 200
    assert page.lang == expected
    assert page.h1 == [catalogues[expected]["home.heading"]]


def test_language_cookie_wins_over_accept_language(base_url, catalogues):
    s = lang_session(base_url, "ar")
    r = get(s, base_url + "/connexion", headers={"Accept-Language": "en"})
    assert parse_html(r.text).h1 == [catalogues["ar"]["staff.login.title"]]


# ---------------------------------------------------------------------------------------------
# Error pages
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_unknown_path_shows_the_translated_404_page(http, base_url, catalogues, lang):
    r = get(http, f"{base_url}/cette-page-n-existe-pas?lang={lang}")
    assert_translated_error_page(r, 404, catalogues[lang], lang)


def test_404_page_follows_the_language_chosen_earlier(base_url, catalogues):
    s = lang_session(base_url, "ar")
    r = get(s, base_url + "/dossiers/inexistant")
    assert_translated_error_page(r, 404, catalogues["ar"], "ar")


# Routing comes before the CSRF check, so even a form-less POST gets the 405 it deserves.
# HEAD is served wherever GET is, so Allow lists it too.
@pytest.mark.parametrize("method,path,allowed", [
    ("POST", "/", {"GET", "HEAD"}),
    ("GET", "/deconnexion", {"POST"}),
    ("PUT", "/connexion", {"GET", "HEAD", "POST"}),
    ("DELETE", "/espace", {"GET", "HEAD"}),
])
def test_wrong_method_shows_the_405_page_with_an_allow_header(http, base_url, catalogues, method, path, allowed):
    r = http.request(method, f"{base_url}{path}?lang=en", allow_redirects=False, timeout=HTTP_TIMEOUT)
    assert_translated_error_page(r, 405, catalogues["en"], "en")
    assert {m.strip() for m in r.headers.get("Allow", "").split(",")} == allowed


def test_head_request_gets_headers_without_a_body(http, base_url):
    r = http.head(base_url + "/", timeout=HTTP_TIMEOUT)
    assert r.status_code == 200
    assert r.content == b""


# ---------------------------------------------------------------------------------------------
# CSRF on the login form
# ---------------------------------------------------------------------------------------------

def test_login_without_csrf_token_is_refused_with_the_translated_403_page(base_url, catalogues):
    s = lang_session(base_url, "en")
    r = s.post(base_url + "/connexion", data={"email": ADMIN_EMAIL, "password": DEMO_PASSWORD},
               allow_redirects=False, timeout=HTTP_TIMEOUT)
    assert_translated_error_page(r, 403, catalogues["en"], "en")
    assert "session" not in s.cookies
    assert get(s, base_url + "/espace").status_code == 303


def test_login_with_a_forged_csrf_token_is_refused(base_url, catalogues):
    s = lang_session(base_url, "fr")
    helpers.fetch_csrf(s, base_url)
    # A token from another browser is as useless as a made-up one.
    other = helpers.fetch_csrf(helpers.http_session(), base_url)
    for token in ("forged-token", other):
        r = s.post(base_url + "/connexion",
                   data={"_csrf": token, "email": ADMIN_EMAIL, "password": DEMO_PASSWORD},
                   allow_redirects=False, timeout=HTTP_TIMEOUT)
        assert_translated_error_page(r, 403, catalogues["fr"], "fr")
    assert "session" not in s.cookies


def test_csrf_token_without_its_cookie_is_refused(base_url, catalogues):
    s = helpers.http_session()
    token = helpers.fetch_csrf(s, base_url)
    bare = helpers.http_session()
    r = bare.post(base_url + "/connexion", data={"_csrf": token, "email": ADMIN_EMAIL, "password": DEMO_PASSWORD},
                  allow_redirects=False, timeout=HTTP_TIMEOUT)
    assert_translated_error_page(r, 403, catalogues["fr"], "fr")


def test_login_with_the_form_token_and_cookie_works(http, base_url, admin_name):
    r = helpers.http_login(http, base_url)
    assert r.status_code == 303 and r.headers["Location"] == "/espace"
    home = get(http, base_url + "/espace")
    assert home.status_code == 200
    assert admin_name in parse_html(home.text).text


def test_login_follows_a_local_next_but_never_an_outside_one(base_url):
    for nxt, expected in (("/usager", "/usager"), ("//evil.example/x", "/espace"),
                          ("https://evil.example/", "/espace")):
        s = helpers.http_session()
        token = helpers.fetch_csrf(s, base_url)
        r = s.post(base_url + "/connexion",
                   data={"_csrf": token, "email": ADMIN_EMAIL, "password": DEMO_PASSWORD, "next": nxt},
                   allow_redirects=False, timeout=HTTP_TIMEOUT)
        assert r.status_code == 303
        assert r.headers["Location"] == expected, f"next={nxt!r} led to {r.headers['Location']!r}"


# ---------------------------------------------------------------------------------------------
# Malformed requests: a translated 4xx page, never a 500
# ---------------------------------------------------------------------------------------------

BOUNDARY = "----e2eBoundary7MA4YWxkTrZu0gW"


def multipart(*parts: tuple[str, bytes], boundary: str = BOUNDARY, closing: str | None = None) -> bytes:
    out = b""
    for name, value in parts:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n").encode() + value + b"\r\n"
    out += f"--{closing or boundary}--\r\n".encode()
    return out


MALFORMED_BODIES = {
    "broken percent-encoding": ("application/x-www-form-urlencoded", b"email=a%ZZb&password=x"),
    "percent-encoded invalid UTF-8": ("application/x-www-form-urlencoded", b"email=%FF%FE&password=x"),
    "raw invalid UTF-8": ("application/x-www-form-urlencoded", b"email=\xff\xfe\xfd&password=x"),
    "multipart with a wrong closing boundary": (
        f"multipart/form-data; boundary={BOUNDARY}",
        multipart(("email", b"a@b.test"), closing="----SomethingElse")),
    "multipart not starting with its boundary": (
        f"multipart/form-data; boundary={BOUNDARY}", b"garbage\r\n" + multipart(("email", b"a@b.test"))),
    "multipart without a boundary parameter": ("multipart/form-data", multipart(("email", b"a@b.test"))),
    "multipart field in invalid UTF-8": (
        f"multipart/form-data; boundary={BOUNDARY}", multipart(("email", b"\xff\xfe"))),
}


@pytest.mark.parametrize("case", list(MALFORMED_BODIES))
def test_malformed_form_body_gives_the_translated_400_page(base_url, catalogues, case):
    content_type, body = MALFORMED_BODIES[case]
    s = lang_session(base_url, "ar")
    helpers.fetch_csrf(s, base_url)
    r = s.post(base_url + "/connexion", data=body, headers={"Content-Type": content_type},
               allow_redirects=False, timeout=HTTP_TIMEOUT)
    assert r.status_code != 500, f"{case}: server error"
    assert_translated_error_page(r, 400, catalogues["ar"], "ar")


def test_malformed_query_string_gives_a_400_page_in_the_visitors_language(base_url, catalogues):
    s = lang_session(base_url, "ar")
    r = helpers.raw_request(base_url, "GET", "/?q=%ZZ", headers={"Cookie": helpers.cookie_header(s)})
    assert r.status_code != 500
    assert_translated_error_page(r, 400, catalogues["ar"], "ar")


def test_non_form_body_is_refused_without_a_server_error(base_url, catalogues):
    s = helpers.http_session()
    helpers.fetch_csrf(s, base_url)
    r = s.post(base_url + "/connexion", data=b'{"email": "x"}', headers={"Content-Type": "application/json"},
               allow_redirects=False, timeout=HTTP_TIMEOUT)
    assert r.status_code in (400, 415), r.status_code
    page = parse_html(r.text)
    assert page.lang == "fr"
    assert page.h1 and page.h1[0] in {v for k, v in catalogues["fr"].items() if re.fullmatch(r"errors\.\d+\.title", k)}


def test_oversized_body_gives_the_translated_413_page(base_url, catalogues):
    s = lang_session(base_url, "en")
    token = helpers.fetch_csrf(s, base_url)
    body = f"_csrf={token}&email=a%40b.test&password=".encode() + b"x" * (13 * 1000 * 1000)
    r = s.post(base_url + "/connexion", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"},
               allow_redirects=False, timeout=60)
    assert r.status_code == 413
    # nginx refuses the body before the app sees it. Either the app's page in the visitor's
    # language, or a static page in all three (like Public/errors/502.html) is fine; nginx's
    # own English-only page is not.
    if parse_html(r.text).lang == "en":
        assert_translated_error_page(r, 413, catalogues["en"], "en")
    else:
        sections = set(re.findall(r'<(?:section|div)[^>]*\blang="(\w+)"', r.text))
        assert sections >= {"fr", "en", "ar"} and 'dir="rtl"' in r.text, \
            f"the 413 page is neither translated nor trilingual:\n{r.text[:400]}"
        assert "no-store" in r.headers.get("Cache-Control", "")


# ---------------------------------------------------------------------------------------------
# Security headers, cookies, caching
# ---------------------------------------------------------------------------------------------

def csp_directives(header: str) -> dict[str, list[str]]:
    out = {}
    for d in header.split(";"):
        words = d.split()
        if words:
            out[words[0].lower()] = words[1:]
    return out


@pytest.mark.parametrize("path", ["/", "/connexion", "/cette-page-n-existe-pas"])
def test_pages_send_the_security_headers(http, base_url, path):
    r = get(http, base_url + path)
    csp = csp_directives(r.headers.get("Content-Security-Policy", ""))
    assert csp.get("default-src") == ["'self'"], r.headers.get("Content-Security-Policy")
    assert csp.get("frame-ancestors") == ["'none'"]
    assert not any(v in ("'unsafe-inline'", "'unsafe-eval'", "*") for vs in csp.values() for v in vs)
    assert r.headers.get("X-Content-Type-Options") == "nosniff"
    assert r.headers.get("Referrer-Policy") in ("no-referrer", "same-origin", "strict-origin",
                                                "strict-origin-when-cross-origin")
    assert "no-store" in r.headers.get("Cache-Control", "")


def assert_safe_cookie(header: str):
    name, _, attrs = cookie_attributes(header)
    assert "httponly" in attrs, f"{name} cookie readable by scripts: {header}"
    assert attrs.get("samesite", "").lower() in ("lax", "strict"), f"{name} cookie without SameSite: {header}"
    # Over plain http a Secure cookie would be dropped by the browser (and log everyone out).
    assert "secure" not in attrs, f"{name} cookie marked Secure over http: {header}"
    assert attrs.get("path") == "/", header


def test_cookies_are_httponly_samesite_and_not_secure_over_http(base_url):
    s = helpers.http_session()
    r = get(s, base_url + "/?lang=en")
    cookies = set_cookie_headers(r)
    assert {cookie_attributes(c)[0] for c in cookies} >= {"csrf", "lang"}
    for c in cookies:
        assert_safe_cookie(c)
    login = helpers.http_login(s, base_url)
    session_cookies = [c for c in set_cookie_headers(login) if cookie_attributes(c)[0] == "session"]
    assert session_cookies, "login set no session cookie"
    for c in session_cookies:
        assert_safe_cookie(c)


@pytest.mark.parametrize("path", ["/", "/usager", "/connexion", "/espace", "/cette-page-n-existe-pas"])
def test_dynamic_pages_are_never_cached(staff_http, base_url, path):
    r = get(staff_http, base_url + path)
    assert r.status_code in (200, 303, 404)
    assert "no-store" in r.headers.get("Cache-Control", ""), f"{path}: {r.headers.get('Cache-Control')}"


def test_static_stylesheet_is_cacheable_and_compressed(base_url, settings):
    url = base_url + "/static/css/app.css"
    on_disk = (settings.root / "Public" / "css" / "app.css").read_bytes()
    r = requests.get(url, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=HTTP_TIMEOUT)
    raw = r.raw.read(decode_content=False)
    assert r.status_code == 200
    assert r.headers.get("Content-Type", "").startswith("text/css")
    assert r.headers.get("Content-Encoding") == "gzip"
    assert gzip.decompress(raw) == on_disk
    cache = r.headers.get("Cache-Control", "")
    m = re.search(r"max-age=(\d+)", cache)
    assert m and int(m.group(1)) > 0, cache
    assert "no-store" not in cache
    assert r.headers.get("X-Content-Type-Options") == "nosniff"
    plain = requests.get(url, headers={"Accept-Encoding": "identity"}, timeout=HTTP_TIMEOUT)
    assert "Content-Encoding" not in plain.headers and plain.content == on_disk


# ---------------------------------------------------------------------------------------------
# Staff login in the browser
# ---------------------------------------------------------------------------------------------

def fill_login(page, email: str, password: str):
    page.locator("#f-email").fill(email)
    page.locator("#f-password").fill(password)
    helpers.submit_form(page)


def test_staff_login_and_logout_in_the_browser(page, base_url, catalogues, admin_name):
    fr = catalogues["fr"]

    # A logged-out visit to the staff space leads to the login form.
    page.goto("/espace")
    assert urlsplit(page.url).path == "/connexion"
    expect(page.locator("h1")).to_have_text(fr["staff.login.title"])

    # Wrong password: the error summary comes first, links to the field, the e-mail is kept.
    fill_login(page, ADMIN_EMAIL, "not-the-password")
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    assert summary.bounding_box()["y"] < page.locator("h1").bounding_box()["y"], "error summary is not at the top"
    link = summary.get_by_role("link", name=fr["staff.login.failed"])
    expect(link).to_have_attribute("href", "#f-email")
    email = page.get_by_label(fr["staff.login.email"])
    expect(email).to_have_value(ADMIN_EMAIL)
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label(fr["staff.login.password"])).to_have_value("")
    link.click()
    assert urlsplit(page.url).fragment == "f-email"
    wrong_password = (summary.inner_text(), page.locator("#f-email-error").inner_text())

    # Unknown e-mail: exactly the same message (no account enumeration).
    fill_login(page, "personne.inconnue@demo.asile.test", DEMO_PASSWORD)
    expect(page.get_by_label(fr["staff.login.email"])).to_have_value("personne.inconnue@demo.asile.test")
    assert (summary.inner_text(), page.locator("#f-email-error").inner_text()) == wrong_password

    # Right password: the staff space, with the name, and the logout button in the header.
    fill_login(page, ADMIN_EMAIL, DEMO_PASSWORD)
    assert page.url == base_url + "/espace"
    expect(page.locator("h1")).to_have_text(fr["staff.home.title"])
    expect(page.locator("main")).to_contain_text(admin_name)
    logout = page.locator("header").get_by_role("button", name=fr["layout.logout"])
    expect(logout).to_be_visible()
    expect(page.locator("header")).to_contain_text(admin_name)

    # Logout: back home with the notice; the staff space asks to log in again.
    with page.expect_navigation():
        logout.click()
    assert urlsplit(page.url).path == "/"
    expect(page.get_by_role("status")).to_contain_text(fr["notices.logged_out"])
    expect(page.locator("header").get_by_role("button", name=fr["layout.logout"])).to_have_count(0)
    page.goto("/espace")
    assert urlsplit(page.url).path == "/connexion"
    assert parse_qs(urlsplit(page.url).query).get("next") == ["/espace"]


def test_session_cookie_planted_before_login_is_replaced_at_login(context, base_url):
    planted = "AttackerChosenSessionToken0123456789abcdefgh"
    context.add_cookies([{"name": "session", "value": planted, "url": base_url}])
    page = context.new_page()
    helpers.browser_login(page)
    assert page.url == base_url + "/espace"
    after = {c["name"]: c["value"] for c in context.cookies()}
    assert after.get("session") and after["session"] != planted


def test_session_token_changes_at_each_login_and_the_old_one_stops_working(staff_http, base_url):
    first = staff_http.cookies["session"]
    # Logging in again from a logged-in browser (token from the logout form of /espace).
    token = helpers.csrf_from_html(get(staff_http, base_url + "/espace").text)
    r = staff_http.post(base_url + "/connexion",
                        data={"_csrf": token, "email": ADMIN_EMAIL, "password": DEMO_PASSWORD},
                        allow_redirects=False, timeout=HTTP_TIMEOUT)
    assert r.status_code == 303
    second = staff_http.cookies["session"]
    assert second != first
    assert get(requests.Session(), base_url + "/espace", cookies={"session": first}).status_code == 303
    assert get(requests.Session(), base_url + "/espace", cookies={"session": second}).status_code == 200


def test_logout_ends_the_session_on_the_server(staff_http, base_url):
    old = staff_http.cookies["session"]
    token = helpers.csrf_from_html(get(staff_http, base_url + "/espace").text)
    r = staff_http.post(base_url + "/deconnexion", data={"_csrf": token}, allow_redirects=False, timeout=HTTP_TIMEOUT)
    assert r.status_code == 303 and r.headers["Location"] == "/?notice=logged_out"
    replay = get(requests.Session(), base_url + "/espace", cookies={"session": old})
    assert replay.status_code == 303 and replay.headers["Location"].startswith("/connexion")


def test_logged_in_staff_visiting_the_login_page_goes_to_their_space(staff_page, base_url):
    staff_page.goto("/connexion")
    assert staff_page.url == base_url + "/espace"


def test_staff_can_log_in_and_out_without_javascript(new_context, base_url, catalogues, admin_name):
    en = catalogues["en"]
    context = new_context(java_script_enabled=False)
    helpers.set_language(context, base_url, "en")
    page = context.new_page()
    page.goto("/connexion")
    fill_login(page, ADMIN_EMAIL, "wrong")
    expect(page.locator(".error-summary")).to_contain_text(en["staff.login.failed"])
    fill_login(page, ADMIN_EMAIL, DEMO_PASSWORD)
    assert page.url == base_url + "/espace"
    expect(page.locator("main")).to_contain_text(admin_name)
    helpers.submit_form(page, "header form.logout")
    expect(page.get_by_role("status")).to_contain_text(en["notices.logged_out"])
    page.goto("/espace")
    assert urlsplit(page.url).path == "/connexion"


# ---------------------------------------------------------------------------------------------
# Keys and codes never on a public page; the demo message viewer (issue 9, defect 4)
# ---------------------------------------------------------------------------------------------

def public_get_paths(root) -> list[str]:
    """Every GET path AccessMatrix opens to a logged-out visitor (documents: refused, but asked)."""
    matrix = (root / "Sources/Web/AccessMatrix.swift").read_text(encoding="utf-8")
    paths = re.findall(r'"GET (/[^"]*)": \.(?:anyone|documentOwner)\b', matrix)
    assert "/" in paths and "/usager/cle-perdue" in paths, "AccessMatrix.swift changed shape"
    return paths


def test_no_public_page_shows_a_key_a_code_or_contact_details(settings, base_url, database_url):
    person = helpers.new_person(base_url, email=helpers.unique_email())
    document = helpers.deposit_document(base_url, database_url, person.id, "convocation_cancellation", helpers.minimal_pdf())
    seen = helpers.spool_names(settings.rundir)
    # An attacker asks for a new key for the person; the person changes their phone and e-mail.
    attacker = helpers.http_session()
    r = helpers.post_form(attacker, base_url, "/usager/cle-perdue", "/usager/cle-perdue", {"identifier": person.agdref})
    assert r.status_code == 200
    mine = helpers.applicant_session(base_url, person.agdref, person.password)
    typed, new_phone = helpers.unique_mobile()
    new_email = helpers.unique_email("nouvelle")
    for action, field, value in (("telephone", "phone", typed), ("email", "email", new_email)):
        r = helpers.post_form(mine, base_url, "/usager/coordonnees", f"/usager/coordonnees/{action}", {field: value})
        assert r.status_code == 303, f"{action}: {r.status_code}"
    key_message = helpers.wait_for_spooled(settings.rundir, recipient=person.phone, exclude=seen,
                                           match=lambda m: helpers.KEY_PATTERN.search(m.text) is not None)
    key = helpers.KEY_PATTERN.search(key_message.text).group(0)
    codes = [re.search(r"\b\d{6}\b", helpers.wait_for_spooled(settings.rundir, recipient=to, exclude=seen).text).group(0)
             for to in (new_phone, new_email)]
    secrets = [key, key.replace("-", ""), *codes, person.phone, person.phone[3:], person.email, new_phone, new_phone[3:],
               new_email]

    visitor = helpers.http_session()
    for path in public_get_paths(settings.root):
        url = base_url + path.replace(":id", document)
        for query in ("", "?lang=en"):
            r = get(visitor, url + query)
            assert r.status_code < 500, f"{path}: {r.status_code}"
            for secret in secrets:
                assert secret not in r.text, f"{path}{query} shows {secret!r} to a logged-out visitor"


def demo_viewer_on(rundir) -> bool:
    return helpers.capture_app_launch(rundir, helpers.app_pid(rundir)).env.get("ASYLUM_DEMO_MESSAGES") == "1"


def test_demo_message_viewer_is_for_a_logged_in_administrator(settings, base_url, staff_http):
    r = get(helpers.http_session(), base_url + "/demo/messages")
    assert r.status_code == 303 and r.headers["Location"].startswith("/connexion?")
    ofpra = helpers.staff_session(base_url, helpers.OFPRA_EMAIL)
    assert get(ofpra, base_url + "/demo/messages").status_code == 403
    # Opt-in: the administrator sees it only when the stack turned it on (`make run` does).
    assert get(staff_http, base_url + "/demo/messages").status_code == (200 if demo_viewer_on(settings.rundir) else 404)


def test_the_app_refuses_to_start_with_demo_messages_on_a_public_address(settings, tmp_path):
    import subprocess
    import time
    launch = helpers.capture_app_launch(settings.rundir, helpers.app_pid(settings.rundir))
    sock = tmp_path / "app.sock"
    env = {**launch.env, "ASYLUM_SOCKET": str(sock), "ASYLUM_THREADS": "1", "ASYLUM_DEMO_MESSAGES": "1"}
    refused = subprocess.run([launch.exe], env={**env, "ASYLUM_PUBLIC_URL": "https://asile.example.fr"},
                             capture_output=True, text=True, timeout=30, cwd=launch.env.get("ASYLUM_ROOT"))
    assert refused.returncode != 0 and not sock.exists()
    assert "refusing to start" in refused.stderr and "ASYLUM_PUBLIC_URL" in refused.stderr, refused.stderr
    # The same settings on a loopback address start (so the refusal above is the address's doing).
    app = subprocess.Popen([launch.exe], env={**env, "ASYLUM_PUBLIC_URL": "http://localhost:9"}, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True, cwd=launch.env.get("ASYLUM_ROOT"))
    try:
        deadline = time.monotonic() + 30
        while not sock.exists() and app.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert sock.exists(), f"the app did not start on a loopback address: {app.poll()}"
    finally:
        app.terminate()
        app.communicate(timeout=15)


# ---------------------------------------------------------------------------------------------
# Smaller defects of issue 9 (7): planted CSRF cookie, language switch after a form error
# ---------------------------------------------------------------------------------------------

def test_a_planted_csrf_cookie_is_replaced_and_the_token_served_with_it_refused(base_url, catalogues):
    forged = "attacker-chosen-value-0123456789abcdefghijklmnop"
    s = helpers.http_session()
    s.cookies.set("csrf", forged)
    r = get(s, base_url + "/connexion")
    issued = [cookie_attributes(h) for h in set_cookie_headers(r)]
    assert any(name == "csrf" and value != forged for name, value, _ in issued), "no fresh CSRF cookie"
    token = helpers.csrf_from_html(r.text)
    # The attacker keeps their value in the victim's browser: the page's token does not match it.
    s.cookies.clear()
    s.cookies.set("csrf", forged)
    r = s.post(base_url + "/connexion", data={"_csrf": token, "email": ADMIN_EMAIL, "password": DEMO_PASSWORD},
               allow_redirects=False, timeout=HTTP_TIMEOUT)
    assert_translated_error_page(r, 403, catalogues["fr"], "fr")
    assert "session" not in s.cookies


def test_language_switch_works_after_a_form_error_on_a_post_only_path(page, base_url, catalogues):
    person = helpers.new_person(base_url)
    helpers.browser_applicant_login(page, person.agdref, person.password)
    page.goto("/usager/coordonnees")
    page.locator('form[action="/usager/coordonnees/email"] input[name="email"]').fill("pas-une-adresse")
    with page.expect_navigation():
        page.locator('form[action="/usager/coordonnees/email"] button[type="submit"]').click()
    assert urlsplit(page.url).path == "/usager/coordonnees/email"
    expect(page.locator(".error-summary, [role=alert]").first).to_contain_text(catalogues["fr"]["form.invalid_email"])
    switcher = page.get_by_role("navigation", name=catalogues["fr"]["layout.languages"])
    with page.expect_navigation() as nav:
        switcher.locator('a[hreflang="en"]').click()
    assert nav.value.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert urlsplit(page.url).path == "/usager/coordonnees"
