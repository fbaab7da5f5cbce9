"""The ANEF request of a protected person, through nginx: OFPRA grants refugee status in the
OFPRA space → the person creates an ANEF account (codes read from the spooled e-mail and SMS)
→ files a request as a hosted person with a host attestation and a photo → downloads the
receipt and the attestation (API) → the API's QR code, read back from the PDF, opens /verifier
and says "valid"; a one-character change is refused.

Then, over HTTP: the sign-up's answers (a name mismatch, no protection found, a stateless
person), the uploads' checks (not an image, over 10 MB), a family member's request and its
wording, and nobody reaching another account's files or attestations.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect

import helpers
import twoddoc
from anef import PASSWORD, code_sent_to, file_request_over_http, granted_person, http_account, png, rundir, signup_fields, spooled_now
from helpers import HTTP_TIMEOUT, OFPRA_EMAIL, parse_html, post_form, psql

def pdf_text(pdf: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    return re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout)


def qr_payload(pdf: bytes, tmp_path: Path, name: str) -> str:
    """The URL the PDF's QR code holds, read by rendering the page and decoding it with zbar."""
    if not shutil.which("zbarimg") or not shutil.which("pdftoppm"):
        pytest.fail("zbarimg and pdftoppm are needed (scripts/deps.sh installs zbar-tools and poppler-utils)")
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(path), str(tmp_path / name)], check=True)
    pages = sorted(tmp_path.glob(f"{name}*.png"))
    out = subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(pages[-1])],
                         capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip(), f"no QR code read from {name}: {out.stderr}"
    return out.stdout.strip()


def datamatrix_payload(pdf: bytes, tmp_path: Path, name: str) -> str:
    """The raw 2D-Doc text of the PDF's DataMatrix (the symbol 2D-Doc readers scan), read by libdmtx."""
    if not shutil.which("dmtxread"):
        pytest.fail("dmtxread is needed (scripts/deps.sh installs dmtx-utils)")
    path = tmp_path / f"{name}-dm.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(path), str(tmp_path / f"{name}-dm")], check=True, capture_output=True)
    page = sorted(tmp_path.glob(f"{name}-dm*.png"))[-1]
    out = subprocess.run(["dmtxread", "-N1", str(page)], capture_output=True, timeout=120)
    assert out.returncode == 0 and out.stdout, f"no DataMatrix read from {name}: {out.stderr[:300]!r}"
    return out.stdout.decode("ascii")


def public_key(base_url: str, certificate: str) -> str:
    page = requests.get(base_url + "/verifier/cles", timeout=HTTP_TIMEOUT).text
    m = re.search(r'id="key-' + certificate + r'".*?<pre[^>]*>(.*?)</pre>', page, re.S)
    assert m, f"key {certificate} is not published on /verifier/cles"
    import html
    return html.unescape(m.group(1))


@pytest.fixture(scope="module")
def catalogue(catalogues) -> dict[str, str]:
    return catalogues["fr"]


# ---------------------------------------------------------------------------------------------
# The journey, in the browser
# ---------------------------------------------------------------------------------------------

def test_refugee_creates_an_account_files_as_a_hosted_person_and_the_attestation_verifies(
        page: Page, base_url, catalogue, tmp_path):
    database_url = helpers.require_database_url("the journey deposits OFPRA's decision")
    person = granted_person(base_url, database_url)

    # The OFPRA space says how to request the permit.
    helpers.browser_applicant_login(page, person.agdref, person.password)
    page.goto("/usager/espace")
    expect(page.locator("#permit-title")).to_have_text(catalogue["usager.permit.title"])
    page.locator("a[href='/anef/creer-un-compte']").click()
    expect(page.locator("h1")).to_have_text(catalogue["anef.signup.title"])

    # Sign-up: OFPRA's record is what the names are compared with (case and accents forgiven).
    email = helpers.unique_email("anef")
    typed_phone, e164 = helpers.unique_mobile()
    before = spooled_now()
    page.locator("#f-identifier").fill(person.agdref)
    page.locator("#f-surnames").fill(person.surname.lower())
    page.locator("#f-given_names").fill(person.given_names.upper())
    page.locator("#f-birth_date").fill("1992-05-17")
    page.locator("#f-email").fill(email)
    page.locator("#f-phone").fill(typed_phone)
    page.locator("#f-password").fill(PASSWORD)
    page.locator("#f-confirmation").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form[action='/anef/creer-un-compte'] button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(catalogue["anef.codes.title"])
    page.locator("#f-email_code").fill(code_sent_to(email, before))
    page.locator("#f-sms_code").fill(code_sent_to(e164, before))
    with page.expect_navigation():
        page.locator("main form[action='/anef/creer-un-compte/codes'] button[type=submit]").click()
    expect(page.locator("main .notice")).to_contain_text(catalogue["notices.anef_account_opened"])

    # The request, one topic per page.
    page.locator("a[href='/anef/demande']").click()
    expect(page.locator("h1")).to_have_text(catalogue["anef.tasks.title"])

    def submit(form_action: str):
        with page.expect_navigation():
            page.locator(f"main form[action='{form_action}'] button[type=submit]").first.click()

    page.goto("/anef/demande/etat-civil")
    expect(page.locator("main dl")).to_contain_text(person.surname)
    submit("/anef/demande/etat-civil")
    page.goto("/anef/demande/famille")
    page.locator("#f-marital_status").select_option("single")
    submit("/anef/demande/famille")
    page.goto("/anef/demande/adresse")
    page.locator("#kind-hosted").check()
    # Hosted without the host's name: the form says so, by the field and in the summary.
    page.locator("#f-address_line").fill("14 rue de Saint-Malo")
    page.locator("#f-postcode").fill("35000")
    page.locator("#f-city").fill("Rennes")
    submit("/anef/demande/adresse")
    expect(page.locator("#f-host_name-error")).to_contain_text(catalogue["form.required"])
    page.locator("#f-host_name").fill("Jeanne Le Bihan")
    submit("/anef/demande/adresse")
    expect(page.locator("h1")).to_have_text(catalogue["anef.steps.address_files"])
    page.locator("#file-host_attestation").set_input_files(
        files=[{"name": "hebergement.pdf", "mimeType": "application/pdf", "buffer": helpers.minimal_pdf("Attestation d'hebergement")}])
    with page.expect_navigation():
        page.locator("section:has(#file-host_attestation) button[type=submit]").click()
    page.locator("#file-host_id").set_input_files(
        files=[{"name": "identite.png", "mimeType": "image/png", "buffer": png(800, 520)}])
    with page.expect_navigation():
        page.locator("section:has(#file-host_id) button[type=submit]").click()
    expect(page.locator("main .success")).to_have_count(2)
    page.goto("/anef/demande/coordonnees")
    page.locator("#spoken-ti").check()
    submit("/anef/demande/coordonnees")
    page.goto("/anef/demande/photo")
    page.locator("#file-photo").set_input_files(files=[{"name": "photo.png", "mimeType": "image/png", "buffer": png(450, 580)}])
    with page.expect_navigation():
        page.locator("main form[enctype='multipart/form-data'] button[type=submit]").click()
    page.goto("/anef/demande/declarations")
    page.locator("#f-truthful").check()
    submit("/anef/demande/declarations")
    expect(page.locator("h1")).to_have_text(catalogue["anef.summary.title"])
    expect(page.locator("main")).to_contain_text("Jeanne Le Bihan")
    submit("/anef/demande/deposer")
    expect(page.locator("main .notice")).to_contain_text(catalogue["notices.anef_filed"])
    expect(page.locator("main .history")).to_contain_text(catalogue["anef.events.attestation_issued"])

    # The message says the attestation is ready, never what it says.
    ready = helpers.wait_for_spooled(rundir(), recipient=email, exclude=before,
                                     match=lambda m: "/anef" in m.text and not re.search(r"\b\d{6}\b", m.text))
    assert person.surname.upper() not in ready.text.upper()

    # Both documents download; the API says the right to work plainly and claims no free travel.
    links = page.locator("main ul.documents a")
    expect(links).to_have_count(2)
    pdfs = {}
    for i in range(2):
        href = links.nth(i).get_attribute("href")
        r = page.request.get(href)
        assert r.status == 200 and r.headers["content-type"] == "application/pdf"
        pdfs[links.nth(i).inner_text()] = r.body()
    api = pdfs[catalogue["anef.space.api"]]
    receipt = pdfs[catalogue["anef.space.receipt"]]
    api_text = pdf_text(api, tmp_path, "api.pdf")
    assert "Cette attestation autorise son titulaire à travailler en France, dans la profession de son choix" in api_text
    assert "schengen" not in api_text.lower()
    assert "n'est pas un document de voyage" in api_text
    assert "reconnu(e) réfugié(e)" in api_text
    receipt_text = pdf_text(receipt, tmp_path, "receipt.pdf")
    for needle in (person.agdref, "17/05/1992", "Rennes", "Jeanne Le Bihan"):
        assert needle in receipt_text, f"{needle} missing from the filing receipt"

    # The QR code: a link to /verifier carrying a 2D-Doc an independent parser reads and verifies.
    url = qr_payload(api, tmp_path, "api")
    assert url.startswith(base_url + "/verifier?d="), url
    text = urllib.parse.unquote(url.split("?d=", 1)[1])
    doc = twoddoc.parse(text)
    assert doc["header"]["version"] == "04" and doc["header"]["doc_type"] == "A1" and doc["header"]["country"] == "FR"
    assert doc["fields"]["ST"] == "R" and doc["fields"]["TR"] == "1"
    assert doc["fields"]["NM"] == person.surname.upper()
    assert set(doc["fields"]) <= {"AN", "NM", "PN", "DN", "DD", "DF", "ST", "TR"}, "personal data beyond what a checker needs"
    assert twoddoc.verify(text, public_key(base_url, doc["header"]["certificate"]))
    # The DataMatrix beside it holds the same signed text, separators included.
    assert datamatrix_payload(api, tmp_path, "api") == text

    page.goto(url)
    expect(page.locator(".verdict")).to_have_attribute("data-status", "valid")
    expect(page.locator(".verdict")).to_contain_text(catalogue["verifier.status.valid"])
    expect(page.locator("main dl")).to_contain_text(catalogue["verifier.work_yes"])

    # One character changed (the given names' first letter): refused, by the page and the parser.
    tampered = text.replace("PN" + doc["fields"]["PN"], "PN" + ("X" if doc["fields"]["PN"][0] != "X" else "Y") + doc["fields"]["PN"][1:], 1)
    assert tampered != text and not twoddoc.verify(tampered, public_key(base_url, doc["header"]["certificate"]))
    page.goto("/verifier")
    page.locator("#f-payload").fill(tampered)
    with page.expect_navigation() as nav:
        page.locator("main form[action='/verifier'] button[type=submit]").click()
    assert nav.value.status == 422
    expect(page.locator("main .error-summary")).to_contain_text(catalogue["verifier.problems.bad_signature"])

    # The receipt's code verifies too.
    receipt_url = qr_payload(receipt, tmp_path, "receipt")
    page.goto(receipt_url)
    expect(page.locator(".verdict")).to_have_attribute("data-status", "valid")


# ---------------------------------------------------------------------------------------------
# Sign-up answers, over HTTP
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def granted(base_url) -> helpers.Person:
    database_url = helpers.require_database_url("OFPRA's decision is deposited")
    return granted_person(base_url, database_url)


def test_a_name_that_differs_from_ofpras_says_which_field_without_revealing_the_spelling(base_url, catalogue, granted):
    helpers.clear_address_throttle(helpers.require_database_url("throttle"), "anef-signup")
    s = helpers.http_session()
    fields = signup_fields(granted, helpers.unique_email("anef"), helpers.unique_mobile()[0])
    fields["surnames"] = granted.surname + "x"
    r = post_form(s, base_url, "/anef/creer-un-compte", "/anef/creer-un-compte", fields)
    assert r.status_code == 422
    html = parse_html(r.text)
    assert catalogue["anef.signup.differs.surnames"] in html.text
    assert catalogue["anef.signup.differs.given_names"] not in html.text
    assert catalogue["anef.signup.mismatch_help"] in html.text
    # The typed value comes back; OFPRA's spelling does not appear anywhere on the page.
    assert (granted.surname + "x") in r.text
    assert re.search(r"\b" + re.escape(granted.surname) + r"\b(?!x)", r.text) is None


def test_no_protection_found_explains_why_and_where_to_get_help(base_url, catalogue):
    helpers.clear_address_throttle(helpers.require_database_url("throttle"), "anef-signup")
    s = helpers.http_session()
    fields = {"identifier": helpers.unique_agdref(), "surnames": "Nadir", "given_names": "Omar", "birth_date": "1990-01-01",
              "email": helpers.unique_email("anef"), "phone": helpers.unique_mobile()[0], "password": PASSWORD,
              "confirmation": PASSWORD}
    r = post_form(s, base_url, "/anef/creer-un-compte", "/anef/creer-un-compte", fields)
    assert r.status_code == 404
    text = parse_html(r.text).text
    for key in ("anef.not_found.not_notified", "anef.not_found.cnda", "anef.not_found.stateless", "anef.not_found.help"):
        assert catalogue[key] in text, key
    assert 'href="/anef/creer-un-compte"' in r.text, "never a dead end: the page leads back to the form"


def test_a_stateless_person_is_told_to_file_at_the_prefecture(base_url, catalogue):
    helpers.clear_address_throttle(helpers.require_database_url("throttle"), "anef-signup")
    s = helpers.http_session()
    # The demo's stateless person (asylum-admin seed-demo).
    fields = {"identifier": "1000000006", "surnames": "VASQUEZ", "given_names": "elena", "birth_date": "03/09/1985",
              "email": helpers.unique_email("anef"), "phone": helpers.unique_mobile()[0], "password": PASSWORD,
              "confirmation": PASSWORD}
    r = post_form(s, base_url, "/anef/creer-un-compte", "/anef/creer-un-compte", fields)
    assert r.status_code == 409, parse_html(r.text).text[:300]
    assert catalogue["anef.stateless.body"] in parse_html(r.text).text


# ---------------------------------------------------------------------------------------------
# Uploads, a family member, and scope
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def filed_account(base_url, granted) -> requests.Session:
    helpers.clear_address_throttle(helpers.require_database_url("throttle"), "anef-signup")
    s = http_account(base_url, signup_fields(granted, helpers.unique_email("anef"), helpers.unique_mobile()[0]))
    file_request_over_http(base_url, s)
    return s


def test_a_photo_that_is_not_an_image_and_a_file_over_10_mb_are_refused_with_a_clear_message(base_url, catalogue):
    database_url = helpers.require_database_url("a second person")
    person = granted_person(base_url, database_url, kind="decision_subsidiary_protection")
    helpers.clear_address_throttle(database_url, "anef-signup")
    s = http_account(base_url, signup_fields(person, helpers.unique_email("anef"), helpers.unique_mobile()[0]))
    assert s.get(base_url + "/anef/demande", timeout=HTTP_TIMEOUT).status_code == 200
    r = post_form(s, base_url, "/anef/demande/photo", "/anef/demande/photo", {"method": "file"},
                  files={"file": ("photo.jpg", b"This is a letter, not a photo.\n" * 40, "image/jpeg")})
    assert r.status_code == 422
    assert catalogue["anef.photo_problems.not_an_image"] in parse_html(r.text).text
    r = post_form(s, base_url, "/anef/demande/photo", "/anef/demande/photo", {"method": "file"},
                  files={"file": ("tiny.png", png(120, 160), "image/png")})
    assert r.status_code == 422 and catalogue["anef.photo_problems.too_small"] in parse_html(r.text).text
    # Over the 10 MB limit (but under nginx's body limit): the form says so, nothing is stored.
    r = post_form(s, base_url, "/anef/demande/adresse", "/anef/demande/adresse",
                  {"address_kind": "own", "address_line": "1 place de la Mairie", "postcode": "69001", "city": "Lyon"})
    assert r.status_code == 303
    big = helpers.minimal_pdf("Facture", pad_to=10 * 1024 * 1024 + 4096)
    assert len(big) > 10 * 1024 * 1024
    r = post_form(s, base_url, "/anef/demande/justificatifs", "/anef/demande/justificatifs", {"kind": "address_proof"},
                  files={"file": ("facture.pdf", big, "application/pdf")})
    assert r.status_code == 422 and catalogue["anef.files.too_large"] in parse_html(r.text).text
    rows = psql(database_url, "SELECT count(*) FROM anef_files f JOIN anef_requests q ON q.id = f.request_id "
                              "JOIN anef_accounts a ON a.id = q.account_id WHERE a.foreigner_number = '%s'" % int(person.agdref))
    assert rows == [["0"]]
    # The photo booth's code instead, in the wrong shape.
    r = post_form(s, base_url, "/anef/demande/photo", "/anef/demande/photo", {"method": "code", "photo_code": "ABC"})
    assert r.status_code == 422 and catalogue["anef.photo.code_invalid"] in parse_html(r.text).text
    # A mistake in OFPRA's civil status, reported from the request, reaches OFPRA's page of the person.
    report = "Mon prénom s'écrit avec deux n"
    r = post_form(s, base_url, "/anef/demande/etat-civil", "/anef/demande/etat-civil/erreur", {"report": report})
    assert r.status_code == 303
    ofpra_page = helpers.staff_session(base_url, OFPRA_EMAIL).get(
        base_url + f"/agents/ofpra/personnes/{person.id}", timeout=HTTP_TIMEOUT).text
    assert "Mon prénom s&#39;écrit avec deux n" in ofpra_page or report in parse_html(ofpra_page).text


def test_a_family_member_files_their_own_request_with_the_family_wording(base_url, catalogue, granted, tmp_path):
    database_url = helpers.require_database_url("the protection's OFPRA number")
    ofpra_number = psql(database_url, "SELECT p.ofpra_number FROM protections p WHERE p.foreigner_number = '%s'"
                        % int(granted.agdref))[0][0]
    helpers.clear_address_throttle(database_url, "anef-signup")
    email, phone = helpers.unique_email("famille"), helpers.unique_mobile()[0]
    fields = {"identifier": helpers.unique_agdref(), "surnames": granted.surname, "given_names": "Yonas",
              "birth_date": "2008-02-01", "ofpra_number": ofpra_number, "relationship": "child", "email": email,
              "phone": phone, "password": PASSWORD, "confirmation": PASSWORD}
    s = http_account(base_url, fields, path="/anef/creer-un-compte/famille")
    space = s.get(base_url + "/anef", timeout=HTTP_TIMEOUT).text
    assert ofpra_number in space and catalogue["anef.relationships.child"] in parse_html(space).text
    file_request_over_http(base_url, s, married=False)
    space = s.get(base_url + "/anef", timeout=HTTP_TIMEOUT).text
    href = re.findall(r'href="(/anef/attestations/[0-9a-f-]{36})"', space)
    assert len(href) == 2
    pdfs = [s.get(base_url + h, timeout=HTTP_TIMEOUT).content for h in href]
    texts = [pdf_text(p, tmp_path, f"family{i}.pdf") for i, p in enumerate(pdfs)]
    api_text = next(t for t in texts if "prolongation" in t.lower())
    assert "membre de famille d'un réfugié" in api_text
    text = urllib.parse.unquote(qr_payload(next(p for p, t in zip(pdfs, texts) if t is api_text), tmp_path, "family").split("?d=", 1)[1])
    assert twoddoc.parse(text)["fields"]["ST"] == "F"


def test_nobody_reaches_another_persons_request_or_files(base_url, filed_account, granted):
    database_url = helpers.require_database_url("another person's records")
    space = filed_account.get(base_url + "/anef", timeout=HTTP_TIMEOUT).text
    mine = re.findall(r'href="(/anef/(?:attestations|pieces)/[0-9a-f-]{36})"', space)
    assert len(mine) >= 3, "the attestations and the files sent are listed"
    # Another protected person's account.
    other = granted_person(base_url, database_url)
    helpers.clear_address_throttle(database_url, "anef-signup")
    intruder = http_account(base_url, signup_fields(other, helpers.unique_email("anef"), helpers.unique_mobile()[0]))
    for path in mine:
        assert filed_account.get(base_url + path, timeout=HTTP_TIMEOUT).status_code == 200
        r = intruder.get(base_url + path, timeout=HTTP_TIMEOUT, allow_redirects=False)
        assert r.status_code == 404, f"{path} reached by another account: {r.status_code}"
        assert r.headers.get("content-type", "").startswith("text/html")
        # Logged out: the login page, never the file.
        r = requests.get(base_url + path, timeout=HTTP_TIMEOUT, allow_redirects=False)
        assert r.status_code == 303 and r.headers["Location"].startswith("/anef/connexion?")
        # Staff: not an ANEF account either.
        r = helpers.staff_session(base_url, OFPRA_EMAIL).get(base_url + path, timeout=HTTP_TIMEOUT, allow_redirects=False)
        assert r.status_code == 303 and r.headers["Location"].startswith("/anef/connexion?")
    # The intruder's own space shows none of it.
    theirs = intruder.get(base_url + "/anef", timeout=HTTP_TIMEOUT).text
    assert not any(p in theirs for p in mine)
