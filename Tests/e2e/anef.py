"""ANEF accounts and requests made through the app's own forms, for the journeys and the
accessibility audit: a person OFPRA grants protection to, their sign-up with the codes read
from the spool, and every step of a request."""
from __future__ import annotations

import os
import re
import struct
import zlib
from pathlib import Path

import requests

import helpers
from helpers import HTTP_TIMEOUT, parse_html, post_form

PASSWORD = "riviere-sous-les-tilleuls-7"


# ---------------------------------------------------------------------------------------------
# Files a person sends
# ---------------------------------------------------------------------------------------------

def png(width: int, height: int, rgb=(200, 180, 160)) -> bytes:
    """A plain PNG made with the standard library (a photo-sized image, or a scan)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height, 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def rundir() -> Path:
    return Path(os.environ["ASYLUM_TEST_RUNDIR"])


def code_sent_to(recipient: str, exclude: set[str]) -> str:
    """The 6-digit code spooled to `recipient` since `exclude` was taken."""
    sent = helpers.wait_for_spooled(rundir(), recipient=recipient, exclude=exclude,
                                    match=lambda m: re.search(r"\b\d{6}\b", m.text) is not None)
    return re.search(r"\b(\d{6})\b", sent.text).group(1)


def spooled_now() -> set[str]:
    return helpers.spool_names(rundir())


def granted_person(base_url: str, database_url: str, kind: str = "decision_refugee_status") -> helpers.Person:
    """A person through the OFPRA space whose decision granting protection OFPRA deposits."""
    person = helpers.new_person(base_url, email=helpers.unique_email(), activate=True)
    helpers.deposit_document(base_url, database_url, person.id, kind, helpers.minimal_pdf("Decision"))
    return person


def signup_fields(person: helpers.Person, email: str, phone: str) -> dict:
    return {"identifier": person.agdref, "surnames": person.surname, "given_names": person.given_names,
            "birth_date": "1992-05-17", "email": email, "phone": phone, "password": PASSWORD, "confirmation": PASSWORD}


def http_account(base_url: str, fields: dict, path: str = "/anef/creer-un-compte") -> requests.Session:
    """Signs up over HTTP and types back both codes; returns the logged-in session."""
    s = helpers.http_session()
    before = spooled_now()
    r = post_form(s, base_url, path, path, fields)
    assert r.status_code == 303 and r.headers["Location"] == "/anef/creer-un-compte/codes", \
        f"sign-up refused: {r.status_code} {parse_html(r.text).text[:600]}"
    phone_e164 = "+33" + re.sub(r"\D", "", fields["phone"])[1:]
    codes = {"email_code": code_sent_to(fields["email"], before), "sms_code": code_sent_to(phone_e164, before)}
    r = post_form(s, base_url, "/anef/creer-un-compte/codes", "/anef/creer-un-compte/codes", codes)
    assert r.status_code == 303 and r.headers["Location"].startswith("/anef?notice=anef_account_opened"), \
        f"codes refused: {r.status_code} {parse_html(r.text).text[:400]}"
    return s


def file_request_over_http(base_url: str, s: requests.Session, *, married: bool = False) -> None:
    """Every step of the request, as the forms post them, then filing."""
    def post(page, action, data, files=None, expect_to="/anef/demande"):
        r = post_form(s, base_url, page, action, data, files=files)
        assert r.status_code == 303 and r.headers["Location"].startswith(expect_to), \
            f"{action}: {r.status_code} {r.headers.get('Location')} {parse_html(r.text).text[:400]}"
    assert s.get(base_url + "/anef/demande", timeout=HTTP_TIMEOUT).status_code == 200
    post("/anef/demande/etat-civil", "/anef/demande/etat-civil", {})
    post("/anef/demande/famille", "/anef/demande/famille",
         {"marital_status": "married", "spouse_surnames": "Haile", "spouse_given_names": "Ruth"} if married
         else {"marital_status": "single"})
    post("/anef/demande/adresse", "/anef/demande/adresse",
         {"address_kind": "domiciliation", "domiciliation_org": "Secours Catholique", "address_line": "5 rue Hoche",
          "postcode": "35000", "city": "Rennes"}, expect_to="/anef/demande/justificatifs")
    post("/anef/demande/justificatifs", "/anef/demande/justificatifs", {"kind": "domiciliation_attestation"},
         files={"file": ("domiciliation.pdf", helpers.minimal_pdf("Attestation de domiciliation"), "application/pdf")},
         expect_to="/anef/demande/justificatifs")
    post("/anef/demande/coordonnees", "/anef/demande/coordonnees", {"spoken": ["ti", "en"], "message_language": "en"})
    post("/anef/demande/photo", "/anef/demande/photo", {"method": "file"},
         files={"file": ("photo.png", png(450, 580), "image/png")})
    post("/anef/demande/declarations", "/anef/demande/declarations",
         {"truthful": "1", **({"not_polygamous": "1"} if married else {})}, expect_to="/anef/demande/recapitulatif")
    post("/anef/demande/recapitulatif", "/anef/demande/deposer", {}, expect_to="/anef?notice=anef_filed")




def browser_anef_login(page, identifier: str) -> None:
    """Logs an ANEF account in through /anef/connexion (lands on /anef)."""
    page.goto("/anef/connexion")
    page.locator("#f-identifier").fill(identifier)
    page.locator("#f-password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/anef"), f"ANEF login landed on {page.url}"


_accounts: dict[str, str] = {}


def audited_account(base_url: str, state: str) -> str:
    """The foreigner number of an ANEF account made once per test session: 'draft' (the request
    started, nothing filed) or 'filed'. Made through the forms, like any person's."""
    if state not in _accounts:
        database_url = helpers.require_database_url("OFPRA's decision is deposited")
        person = granted_person(base_url, database_url)
        helpers.clear_address_throttle(database_url, "anef-signup")
        s = http_account(base_url, signup_fields(person, helpers.unique_email("audit"), helpers.unique_mobile()[0]))
        if state == "filed":
            file_request_over_http(base_url, s)
        else:
            assert s.get(base_url + "/anef/demande", timeout=HTTP_TIMEOUT).status_code == 200
        _accounts[state] = person.agdref
    return _accounts[state]
