"""After OFPRA closes a space (issue 14, item 5): the person still logs in, reads a clear banner,
downloads the decision they need for an appeal and its receipt, and can change nothing else.
One login per role: the OFPRA agent deposits the rejection and closes the space, the person reads.
"""
from __future__ import annotations

import re
import subprocess

from playwright.sync_api import Page, expect

import helpers
from helpers import OFPRA_EMAIL, browser_login, minimal_pdf, psql

DECISION_TEXT = "Decision de rejet OFPRA - test de fermeture"


def pdf_text(data: bytes, tmp_path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", " ", out)


def download(page: Page, link) -> bytes:
    with page.expect_download() as d:
        link.click()
    return open(d.value.path(), "rb").read()


def test_a_closed_space_still_serves_the_decision_and_its_receipt_and_nothing_else(
        new_context, base_url, database_url, catalogues, tmp_path):
    fr = catalogues["fr"]
    person = helpers.new_person(base_url)

    # --- OFPRA deposits a rejection, then closes the space ------------------------------------
    agent = new_context().new_page()
    browser_login(agent, OFPRA_EMAIL)
    agent.goto(f"/agents/ofpra/personnes/{person.id}")
    agent.locator("#f-kind").select_option("decision_rejection")
    agent.locator("#f-file").set_input_files(files=[{"name": "decision.pdf", "mimeType": "application/pdf",
                                                      "buffer": minimal_pdf(DECISION_TEXT)}])
    with agent.expect_navigation():
        agent.locator("main form[enctype='multipart/form-data'] button[type=submit]").click()
    assert "notice=deposited" in agent.url, agent.url
    document = helpers.latest_document(database_url, person.id)
    agent.locator("#closure-reason").select_option("final_decision")
    with agent.expect_navigation():
        agent.locator(f"form[action='/agents/ofpra/personnes/{person.id}/cloture'] button[type=submit]").click()
    assert agent.url.endswith("notice=space_closed"), agent.url
    assert psql(database_url, f"SELECT closed_at IS NOT NULL FROM applicants WHERE id = {person.id}") == [["t"]]

    # --- The person logs in: the space home, read-only, with the banner ----------------------
    page = new_context().new_page()
    helpers.browser_applicant_login(page, person.agdref, person.password)
    assert page.url.endswith("/usager/espace"), page.url
    banner = page.locator("main .read-only-banner")
    expect(banner).to_contain_text(fr["usager.read_only.banner_title"])
    expect(banner).to_contain_text(fr["usager.read_only.banner_can"])

    # --- The decision itself, downloaded: a PDF with the decision's text ---------------------
    page.locator(f'main a[href="/usager/documents/{document}"]').click()
    pdf = download(page, page.locator(f'main a[href="/usager/documents/{document}/pdf?telecharger=1"]'))
    assert pdf.startswith(b"%PDF"), pdf[:20]
    assert DECISION_TEXT in pdf_text(pdf, tmp_path, "decision.pdf")
    # The person's own download is their consultation: it notifies the decision.
    assert psql(database_url, f"SELECT first_consulted_at IS NOT NULL FROM documents WHERE public_id = '{document}'") \
        == [["t"]]

    # --- Its receipt, as a PDF ---------------------------------------------------------------
    page.locator(f'main a[href="/usager/documents/{document}/accuse"]').click()
    receipt = download(page, page.locator(f'main a[href="/usager/documents/{document}/accuse?format=pdf"]'))
    assert receipt.startswith(b"%PDF"), receipt[:20]
    assert person.agdref in pdf_text(receipt, tmp_path, "receipt.pdf")

    # --- A contact change is refused, with the read-only page; nothing changed ---------------
    codes = f"SELECT count(*) FROM contact_verifications WHERE applicant_id = {person.id}"
    before = psql(database_url, codes)
    status = page.goto("/usager/coordonnees").status
    assert status == 403
    expect(page.locator("main h1")).to_have_text(fr["usager.read_only.title"])
    token = page.locator("input[name=_csrf]").first.get_attribute("value")
    r = page.request.post("/usager/coordonnees/email", form={"_csrf": token, "email": "nouvelle@example.org"},
                          max_redirects=0)
    assert r.status == 403, r.status
    assert fr["usager.read_only.title"] in r.text()
    assert psql(database_url, codes) == before
