"""Accounts, as the people of the procedure meet them: SPADA enrolment → GUDA registration and
printed notice → OFPRA opens the space → the person activates with the key, creates a password,
checks their contact details and logs in; then the ways back in (password reset with the key,
a new key by SMS), throttling and locking, and who may reach which staff page.

Every person is created through the app's own forms (unique names, AGDREF numbers and phone
numbers), so no test depends on another one or on demo data another test may have changed.
Messages are read where the asylum-worker delivers them: the spool folder (RUNDIR/spool).
Expected texts come from the message catalogues (Locales/*.json).
"""
from __future__ import annotations

import random
import re
import string

from playwright.sync_api import Page, expect

import helpers
from helpers import (ADMIN_EMAIL, GUDA_EMAIL, KEY_PATTERN, OFPRA_EMAIL, SPADA_EMAIL, browser_applicant_login, browser_login,
                     psql)


def fill(template: str, **values) -> str:
    """A catalogue message with its `{{placeholders}}` filled, as the app's Catalogue.text does."""
    for name, value in values.items():
        template = template.replace("{{" + name + "}}", str(value))
    return template


def new_password() -> str:
    return "lune-sur-la-vilaine-" + "".join(random.choices(string.ascii_lowercase, k=8))


def submit(page: Page, form: str = "main form") -> int:
    """Submits a form and returns the HTTP status of the answer page."""
    with page.expect_navigation() as nav:
        page.locator(f"{form} button[type=submit]").click()
    return nav.value.status


def logout(page: Page, catalogue: dict[str, str]) -> None:
    button = page.locator("header form.logout button[type=submit]")
    expect(button).to_be_visible()
    expect(button).to_have_text(catalogue["layout.logout"])
    with page.expect_navigation():
        button.click()
    assert page.url.endswith("/?notice=logged_out"), page.url
    expect(page.locator("main .notice")).to_contain_text(catalogue["notices.logged_out"])


def expect_field_error(page: Page, field: str, message: str) -> None:
    """The message next to the field, and the same one in the error summary, linking to it."""
    expect(page.locator(f"#f-{field}-error")).to_contain_text(message)
    expect(page.locator(f"#f-{field}")).to_have_attribute("aria-invalid", "true")
    summary_link = page.locator(f'.error-summary a[href="#f-{field}"]')
    expect(summary_link).to_have_text(message)


# ---------------------------------------------------------------------------------------------
# 1. The whole journey in a real browser
# ---------------------------------------------------------------------------------------------

def test_enrolment_registration_notice_activation_and_login_in_a_real_browser(new_context, settings, catalogues):
    fr, ar = catalogues["fr"], catalogues["ar"]
    surname, given = helpers.unique_name("Haddadi"), "Samir"
    full_name = f"{given} {surname.upper()}"
    typed_phone, phone = helpers.unique_mobile()
    agdref = helpers.unique_agdref()

    staff = new_context().new_page()

    # --- Step 1: the SPADA enrols the person at the kiosk -------------------------------------
    browser_login(staff, SPADA_EMAIL)
    staff.goto("/pro/inscriptions/nouvelle")
    expect(staff.locator("h1")).to_have_text(fr["pro.enrol.title"])
    staff.locator("#f-surname").fill(surname)
    staff.locator("#f-given_names").fill(given)
    staff.locator("#f-birth_date").fill("1993-07-21")
    staff.locator("#f-nationality").fill("soudanaise")
    staff.locator("#f-language").select_option("ar")
    staff.locator("#f-phone").fill(typed_phone)
    assert submit(staff) == 200
    # The typed number counts only once the person reads back the code it received.
    assert staff.url.endswith("/coordonnees"), staff.url
    staff.locator("#f-code").fill(helpers.kiosk_code(phone))
    assert submit(staff) == 200
    assert staff.url.endswith("/pro/inscriptions?notice=enrolled"), staff.url
    expect(staff.locator("main .notice")).to_contain_text(fr["notices.enrolled"])
    row = staff.locator("main tr", has_text=full_name)
    expect(row).to_contain_text(fr["pro.enrol.states.enrolled"])
    logout(staff, fr)

    # --- Step 2: the GUDA agent finds the person and registers the application ----------------
    browser_login(staff, GUDA_EMAIL)
    staff.goto("/agents/guda")
    staff.locator("#q").fill(surname)
    submit(staff, "main form[role=search]")
    staff.get_by_role("link", name=full_name).click()
    expect(staff.locator("h1")).to_have_text(fr["guda.register_title"])
    expect(staff.locator("main dl.summary")).to_contain_text(full_name)
    staff.locator("#f-agdref").fill(agdref)
    staff.locator("#f-registered_on").fill(helpers.paris_today().isoformat())
    staff.locator("#f-procedure").select_option("normal")
    assert submit(staff) == 200

    # The notice: identifiers and the one-time key, in French and in the person's language.
    french = staff.locator('article.notice-sheet[lang="fr"][dir="ltr"]')
    arabic = staff.locator('article.notice-sheet[lang="ar"][dir="rtl"]')
    for sheet, catalogue in ((french, fr), (arabic, ar)):
        for text in ("notice.title", "notice.intro", "notice.when", "notice.help_title"):
            expect(sheet).to_contain_text(catalogue[text])
    key = french.locator("dd.key").inner_text().strip()
    assert KEY_PATTERN.fullmatch(key), f"the notice's key {key!r} is not XXXX-XXXX-XXXX-XXXX"
    expect(arabic.locator("dd.key")).to_have_text(key)
    for sheet in (french, arabic):
        expect(sheet).to_contain_text(agdref)
        expect(sheet).to_contain_text(full_name)
    logout(staff, fr)

    # --- The person tries too early: the space is not open yet --------------------------------
    person = new_context().new_page()
    person.goto("/usager/activation")
    person.locator("#f-identifier").fill(agdref)
    person.locator("#f-key").fill(key)
    assert submit(person) == 409
    expect(person.locator("h1")).to_have_text(fr["usager.not_open.title"])
    expect(person.locator("main")).to_contain_text(fr["usager.not_open.body"])

    # --- Step 3: OFPRA opens the space -----------------------------------------------------------
    browser_login(staff, OFPRA_EMAIL)
    staff.goto("/agents/ofpra/espaces")
    item = staff.locator("li.queue-item", has_text=agdref)
    expect(item).to_contain_text(full_name)
    with staff.expect_navigation():
        item.locator("button[type=submit]").click()
    expect(staff.locator("main .notice")).to_contain_text(fr["notices.space_opened"])
    expect(staff.locator("li.queue-item", has_text=agdref)).to_have_count(0)
    logout(staff, fr)

    # --- Step 4: activation with the key as people type it: lower case, spaces ---------------
    typed_key = key.lower().replace("-", " ")
    person.goto("/usager/activation")
    person.locator("#f-identifier").fill(agdref)
    person.locator("#f-key").fill(typed_key)
    assert submit(person) == 200
    assert person.url.endswith("/usager/activation/mot-de-passe"), person.url
    expect(person.locator("h1")).to_have_text(fr["usager.new_password_title"])

    # Too short: said next to the field.
    person.locator("#f-password").fill("court")
    person.locator("#f-confirmation").fill("court")
    assert submit(person) == 422
    expect_field_error(person, "password", fr["password.too_short"])

    # The key itself can never become the password.
    person.locator("#f-password").fill(typed_key)
    person.locator("#f-confirmation").fill(typed_key)
    assert submit(person) == 422
    expect_field_error(person, "password", fr["password.is_connection_key"])

    password = new_password()
    person.locator("#f-password").fill(password)
    person.locator("#f-confirmation").fill(password)
    assert submit(person) == 200
    assert person.url.endswith("/usager/coordonnees?apres=activation"), person.url
    expect(person.locator("h1")).to_have_text(fr["usager.contacts.title"])
    expect(person.locator("main p.lead")).to_have_text(fr["usager.contacts.check_invite"])
    expect(person.locator("main dl.summary")).to_contain_text(phone)

    # --- A new e-mail address, confirmed by a code sent to it ----------------------------------
    address = helpers.unique_email("samir")
    person.locator("#f-email").fill(address)
    assert submit(person, 'main form[action="/usager/coordonnees/email"]') == 200
    assert re.search(r"/usager/coordonnees/verifier/\d+$", person.url), person.url
    expect(person.locator("main")).to_contain_text(address)
    mail = helpers.wait_for_spooled(settings.rundir, recipient=address, suffix=".eml")
    assert mail.headers.get("content-language") == "ar", "the code should come in the person's language"
    codes = re.findall(r"(?<!\d)\d{6}(?!\d)", mail.text)
    assert len(set(codes)) == 1, f"expected one 6-digit code in the e-mail: {mail.text!r}"
    person.locator("#f-code").fill(codes[0])
    assert submit(person) == 200
    assert person.url.endswith("/usager/coordonnees?notice=contact_updated"), person.url
    expect(person.locator("main .notice")).to_contain_text(fr["notices.contact_updated"])
    expect(person.locator("main dl.summary")).to_contain_text(address)

    # --- Logout is there and works ---------------------------------------------------------------
    expect(person.locator("header .who")).to_contain_text(full_name)
    logout(person, fr)
    person.goto("/usager/espace")
    assert "/usager/connexion" in person.url, f"a logged-out visitor reached {person.url}"

    # --- Logging in again: identifier + password, the contact check, then the space -----------
    browser_applicant_login(person, agdref, password)
    assert person.url.endswith("/usager/coordonnees?apres=connexion"), person.url
    expect(person.locator("main p.lead")).to_have_text(fr["usager.contacts.check_invite"])
    with person.expect_navigation():
        person.get_by_role("link", name=fr["usager.contacts.skip"]).click()
    assert person.url.endswith("/usager/espace"), person.url
    expect(person.locator("h1")).to_have_text(fr["usager.home.title"])
    expect(person.locator("main p.lead")).to_contain_text(full_name)
    expect(person.locator("main p.lead")).to_contain_text(agdref)


# ---------------------------------------------------------------------------------------------
# 2. Password reset with the key
# ---------------------------------------------------------------------------------------------

def ask_for_a_key(page: Page, catalogue: dict[str, str], identifier: str) -> tuple[int, str]:
    """The lost-key form, as anyone may fill it; returns the status and the page's text."""
    page.goto("/usager/cle-perdue")
    expect(page.locator("h1")).to_have_text(catalogue["usager.lost_key.title"])
    page.locator("#f-identifier").fill(identifier)
    status = submit(page)
    return status, page.locator("main").inner_text()


def key_sent_to(settings, phone: str, exclude: set[str] = frozenset()) -> str:
    sms = helpers.wait_for_spooled(settings.rundir, recipient=phone, suffix=".sms.txt", exclude=exclude,
                                   match=lambda m: bool(KEY_PATTERN.search(m.text)))
    return KEY_PATTERN.search(sms.text).group(0)


def test_password_reset_with_the_key_changes_the_password_and_logs_out_other_sessions(new_context, base_url, settings,
                                                                                       database_url, catalogues):
    fr = catalogues["fr"]
    someone = helpers.new_person(base_url)
    old_password = someone.password
    # Activation used the printed key up: the person asks for a new one.
    helpers.clear_address_throttle(database_url, "key-resend")
    ask_for_a_key(new_context().new_page(), fr, someone.agdref)
    key = key_sent_to(settings, someone.phone)

    # Logged in on another device.
    elsewhere = new_context().new_page()
    browser_applicant_login(elsewhere, someone.agdref, old_password)
    elsewhere.goto("/usager/espace")
    expect(elsewhere.locator("h1")).to_have_text(fr["usager.home.title"])

    page = new_context().new_page()
    page.goto("/usager/mot-de-passe-oublie")
    expect(page.locator("h1")).to_have_text(fr["usager.reset.title"])
    password = new_password()
    page.locator("#f-identifier").fill(someone.agdref)
    page.locator("#f-key").fill(key)
    page.locator("#f-password").fill(password)
    page.locator("#f-confirmation").fill(password)
    assert submit(page) == 200
    assert page.url.endswith("/usager/connexion?notice=password_changed"), page.url
    expect(page.locator("main .notice")).to_contain_text(fr["notices.password_changed"])

    # The other session is over.
    elsewhere.goto("/usager/espace")
    assert "/usager/connexion" in elsewhere.url, f"the other session survived the reset: {elsewhere.url}"

    # The old password no longer works, the new one does.
    browser_applicant_login(page, someone.agdref, old_password)
    expect(page.locator("#f-identifier-error")).to_contain_text(fr["usager.login.failed"])
    browser_applicant_login(page, someone.agdref, password)
    assert page.url.endswith("/usager/coordonnees?apres=connexion"), page.url

    # The key works once: a second reset with it is refused.
    logout(page, fr)
    page.goto("/usager/mot-de-passe-oublie")
    page.locator("#f-identifier").fill(someone.agdref)
    page.locator("#f-key").fill(key)
    other = new_password()
    page.locator("#f-password").fill(other)
    page.locator("#f-confirmation").fill(other)
    assert submit(page) == 422
    expect(page.locator("#f-identifier-error")).to_contain_text(fr["usager.activation.failed"])


def test_a_reset_with_the_key_before_the_space_is_open_neither_activates_nor_logs_in(page, base_url, database_url,
                                                                                      catalogues):
    """The notice's key must not open, through "forgotten password", a space OFPRA has not opened
    yet: the person gets the same "not open yet" answer as at activation."""
    fr = catalogues["fr"]
    someone = helpers.new_person(base_url, open=False)
    password = new_password()
    page.goto("/usager/mot-de-passe-oublie")
    page.locator("#f-identifier").fill(someone.agdref)
    page.locator("#f-key").fill(someone.key)
    page.locator("#f-password").fill(password)
    page.locator("#f-confirmation").fill(password)
    status = submit(page)
    assert psql(database_url, f"SELECT password_hash IS NULL, activated_at IS NULL FROM applicants "
                              f"WHERE id = {someone.id}") == [["t", "t"]], \
        "a reset before step 3 set a password and activated the space"
    assert status == 409, status
    expect(page.locator("h1")).to_have_text(fr["usager.not_open.title"])
    browser_applicant_login(page, someone.agdref, password)
    assert "/usager/coordonnees" not in page.url and "/usager/espace" not in page.url, page.url


# ---------------------------------------------------------------------------------------------
# 3. A lost key, sent again by SMS
# ---------------------------------------------------------------------------------------------

def test_lost_key_is_sent_by_sms_beside_the_printed_one_and_any_key_used_ends_both(page, base_url, settings,
                                                                                   database_url, catalogues):
    fr = catalogues["fr"]
    someone = helpers.new_person(base_url, activate=False)
    # Every request of this form counts against the address (it sends messages): start afresh.
    helpers.clear_address_throttle(database_url, "key-resend")

    known = ask_for_a_key(page, fr, someone.agdref)
    unknown = ask_for_a_key(page, fr, helpers.unique_agdref())
    assert known[0] == 200
    assert fr["usager.lost_key.sent"] in known[1]
    # Nothing tells whether the identifier exists.
    assert known == unknown, f"the confirmation differs for an unknown identifier:\n{known}\n---\n{unknown}"

    sms = helpers.wait_for_spooled(settings.rundir, recipient=someone.phone, suffix=".sms.txt",
                                   match=lambda m: bool(KEY_PATTERN.search(m.text)))
    new_key = KEY_PATTERN.search(sms.text).group(0)
    assert new_key != someone.key
    # Once sent, the key is no longer kept in the outbox.
    outbox_id = int(sms.headers["outbox-id"])
    helpers.wait_until(lambda: psql(database_url, f"SELECT state FROM outbox_messages WHERE id = {outbox_id}") == [["sent"]],
                       15, 0.2, what=f"outbox message {outbox_id} marked sent")
    (params,), = psql(database_url, f"SELECT params::text FROM outbox_messages WHERE id = {outbox_id}")
    assert new_key not in params and new_key.replace("-", "") not in params, f"the sent key stays in the outbox: {params}"

    password = new_password()

    def reset_with(key: str) -> int:
        page.goto("/usager/mot-de-passe-oublie")
        page.locator("#f-identifier").fill(someone.agdref)
        page.locator("#f-key").fill(key)
        page.locator("#f-password").fill(password)
        page.locator("#f-confirmation").fill(password)
        return submit(page)

    # Anyone may ask: the printed key must stay in the person's hands. It still opens activation.
    page.goto("/usager/activation")
    page.locator("#f-identifier").fill(someone.agdref)
    page.locator("#f-key").fill(someone.key)
    assert submit(page) == 200
    assert page.url.endswith("/usager/activation/mot-de-passe"), page.url

    # The sent key works too; using it ends both keys.
    assert reset_with(new_key) == 200
    assert page.url.endswith("/usager/connexion?notice=password_changed"), page.url
    assert reset_with(new_key) == 422
    expect(page.locator("#f-identifier-error")).to_contain_text(fr["usager.activation.failed"])
    assert reset_with(someone.key) == 422
    browser_applicant_login(page, someone.agdref, password)
    assert page.url.endswith("/usager/coordonnees?apres=connexion"), page.url


# ---------------------------------------------------------------------------------------------
# 4. and 5. Throttling and locking
# ---------------------------------------------------------------------------------------------

def pin_last_failure(database_url: str, scope: str) -> None:
    """Makes the last failures of a scope look like they happened just now (a little in the
    future, which the policy counts as no time elapsed): the next attempt surely falls inside the
    delay, however slow the machine. Counters are per identifier HMAC: the whole scope moves."""
    psql(database_url, f"UPDATE identifier_throttle SET last_failed_at = now() + interval '30 seconds' WHERE scope = '{scope}'")


def age_last_failure(database_url: str, scope: str) -> None:
    """Makes the delays of a scope run out (instead of waiting for them), counts kept."""
    psql(database_url, f"UPDATE identifier_throttle SET last_failed_at = now() - interval '10 minutes' WHERE scope = '{scope}'")


LOCK_AT = 20


def test_applicant_login_slows_down_after_5_failures_and_locks_after_20_until_the_key_sent(page, base_url, settings,
                                                                                          database_url, catalogues):
    fr = catalogues["fr"]
    someone = helpers.new_person(base_url)
    helpers.clear_address_throttle(database_url, "applicant-login")
    where = f"id = {someone.id}"

    def attempt(password: str, identifier: str = someone.agdref) -> tuple[int, str]:
        # Many failures come from this one machine: the address limit is another test's subject.
        helpers.clear_address_throttle(database_url, "applicant-login")
        page.goto("/usager/connexion")
        page.locator("#f-identifier").fill(identifier)
        page.locator("#f-password").fill(password)
        with page.expect_navigation() as nav:
            page.locator("main form button[type=submit]").click()
        error = page.locator("#f-identifier-error")
        return nav.value.status, error.inner_text() if error.count() else ""

    wrong = "pas-le-bon-mot-de-passe"
    for _ in range(5):
        status, error = attempt(wrong)
        assert status == 422 and fr["usager.login.failed"] in error, (status, error)
    failed_message = error

    # The 6th attempt comes too soon: wait, even with the right password.
    pin_last_failure(database_url, "applicant-password")
    with page.expect_response(lambda r: r.url.endswith("/usager/connexion") and r.request.method == "POST") as answer:
        status, error = attempt(someone.password)
    assert status == 429
    assert answer.value.headers.get("retry-after", "").isdigit()
    assert fr["usager.throttled"] in error
    expect(page.locator("main p.warning")).to_have_text(fill(fr["usager.wait_one"], count=1))
    assert "/usager/espace" not in page.url

    # Failures 6 to 20, each once the delay has passed.
    for _ in range(LOCK_AT - 5):
        age_last_failure(database_url, "applicant-password")
        status, error = attempt(wrong)
        assert (status, error) == (422, failed_message)
    assert psql(database_url, f"SELECT locked_at IS NOT NULL FROM applicants WHERE {where}") == [["t"]]

    # Locked: the right password gets exactly the answer a wrong one gets.
    age_last_failure(database_url, "applicant-password")
    assert attempt(someone.password) == (422, failed_message)
    expect(page.locator("main")).to_contain_text(fr["usager.login.lock_hint"])

    # The owner got a key with the lock notice; a reset with it unlocks.
    key = key_sent_to(settings, someone.phone)
    password = new_password()
    page.goto("/usager/mot-de-passe-oublie")
    page.locator("#f-identifier").fill(someone.agdref)
    page.locator("#f-key").fill(key)
    page.locator("#f-password").fill(password)
    page.locator("#f-confirmation").fill(password)
    assert submit(page) == 200
    assert page.url.endswith("/usager/connexion?notice=password_changed"), page.url
    browser_applicant_login(page, someone.agdref, password)
    assert page.url.endswith("/usager/coordonnees?apres=connexion"), page.url


def create_staff_account(page: Page, catalogue: dict[str, str], email: str, name: str, role: str, password: str,
                         structure_label: str | None = None) -> None:
    """The administrator fills the staff form of /admin/personnel (the page must be open)."""
    page.locator("#f-email").fill(email)
    page.locator("#f-display_name").fill(name)
    page.locator("#f-role").select_option(role)
    if structure_label:
        page.locator("#f-structure").select_option(label=structure_label)
    page.locator("#f-password").fill(password)
    assert submit(page, 'main form[action="/admin/personnel"]') == 200
    assert page.url.endswith("/admin/personnel?notice=staff_saved"), page.url
    expect(page.locator("main .notice")).to_contain_text(catalogue["notices.staff_saved"])


def test_staff_login_slows_down_after_5_failures_and_locks_after_20_until_the_code_sent(new_context, settings,
                                                                                        database_url, catalogues):
    fr = catalogues["fr"]
    email = helpers.unique_email("agent.verrou")
    password = new_password()
    admin = new_context().new_page()
    browser_login(admin, ADMIN_EMAIL)
    admin.goto("/admin/personnel")
    create_staff_account(admin, fr, email, "Agent Verrou", "ofpra", password)
    where = f"lower(email) = lower('{email}')"

    page = new_context().new_page()

    def attempt(secret: str) -> tuple[int, str]:
        helpers.clear_address_throttle(database_url, "staff-login")
        page.goto("/connexion")
        page.locator("#f-email").fill(email)
        page.locator("#f-password").fill(secret)
        with page.expect_navigation() as nav:
            page.locator("main form button[type=submit]").click()
        error = page.locator("#f-email-error")
        return nav.value.status, error.inner_text() if error.count() else ""

    wrong = "pas-le-bon-mot-de-passe"
    for _ in range(5):
        status, error = attempt(wrong)
        assert status == 422 and fr["staff.login.failed"] in error, (status, error)
    failed_message = error

    pin_last_failure(database_url, "staff-password")
    assert attempt(password)[0] == 429
    expect(page.locator("#f-email-error")).to_contain_text(fr["usager.throttled"])
    expect(page.locator("main p.warning")).to_have_text(fill(fr["usager.wait_one"], count=1))
    assert not page.url.endswith("/espace")

    for _ in range(LOCK_AT - 5):
        age_last_failure(database_url, "staff-password")
        assert attempt(wrong) == (422, failed_message)
    assert psql(database_url, f"SELECT locked_at IS NOT NULL FROM staff_accounts WHERE {where}") == [["t"]]

    # Locked: the right password is refused with the usual message.
    age_last_failure(database_url, "staff-password")
    assert attempt(password) == (422, failed_message)

    # The code e-mailed with the lock lifts it.
    mail = helpers.wait_for_spooled(settings.rundir, recipient=email, suffix=".eml",
                                    match=lambda m: bool(KEY_PATTERN.search(m.text)))
    code = KEY_PATTERN.search(mail.text).group(0)
    page.goto("/connexion")
    with page.expect_navigation():
        page.get_by_role("link", name=fr["staff.unlock.link"]).click()
    expect(page.locator("h1")).to_have_text(fr["staff.unlock.title"])
    page.locator("#f-email").fill(email)
    page.locator("#f-code").fill(code)
    assert submit(page) == 200
    assert page.url.endswith("/connexion?notice=unlocked"), page.url
    expect(page.locator("main .notice")).to_contain_text(fr["notices.unlocked"])
    browser_login(page, email, password)
    assert page.url.endswith("/espace"), page.url

    # An administrator's new password also ends the sessions opened with the old one.
    new = new_password()
    admin.goto("/admin/personnel")
    create_staff_account(admin, fr, email, "Agent Verrou", "ofpra", new)
    page.goto("/espace")
    assert "/connexion" in page.url, f"the session survived the new password: {page.url}"
    assert attempt(password) == (422, failed_message)
    browser_login(page, email, new)
    assert page.url.endswith("/espace"), page.url


# ---------------------------------------------------------------------------------------------
# 6. Administration, and what each role may reach
# ---------------------------------------------------------------------------------------------

def test_admin_creates_a_structure_and_a_staff_account_and_roles_are_enforced(new_context, catalogues):
    fr = catalogues["fr"]
    admin = new_context().new_page()
    browser_login(admin, ADMIN_EMAIL)
    admin.goto("/admin/personnel")
    expect(admin.locator("h1")).to_have_text(fr["admin.personnel.title"])

    # A new SPADA.
    structure = "SPADA " + helpers.unique_name("Brest")
    admin.locator("#f-kind").select_option("spada")
    admin.locator("#f-name").fill(structure)
    admin.locator("#f-city").fill("Brest")
    admin.locator("#f-address").fill("3 rue de Siam")
    admin.locator("#f-phone").fill("02 98 00 00 00")
    admin.locator("#f-guda_site").select_option("rennes")
    assert submit(admin, 'main form[action="/admin/structures"]') == 200
    assert admin.url.endswith("/admin/personnel?notice=structure_saved"), admin.url
    expect(admin.locator("main .notice")).to_contain_text(fr["notices.structure_saved"])
    expect(admin.locator("main tr", has_text=structure)).to_contain_text("Brest")

    # A SPADA role needs a structure.
    email = helpers.unique_email("spada.brest")
    password = new_password()
    admin.locator("#f-email").fill(email)
    admin.locator("#f-display_name").fill("Nina Kerbrat")
    admin.locator("#f-role").select_option("spada")
    admin.locator("#f-password").fill(password)
    assert submit(admin, 'main form[action="/admin/personnel"]') == 422
    expect_field_error(admin, "structure", fr["admin.personnel.structure_required"])

    # A SPADA staff account attached to it.
    admin.goto("/admin/personnel")
    create_staff_account(admin, fr, email, "Nina Kerbrat", "spada", password,
                         structure_label=f"{fr['structures.spada']} · {structure}")
    row = admin.locator("main tr", has_text=email)
    expect(row).to_contain_text("Nina Kerbrat")
    expect(row).to_contain_text(fr["roles.spada"])
    expect(row).to_contain_text(structure)

    # The new account works, and shows its role.
    page = new_context().new_page()
    browser_login(page, email, password)
    assert page.url.endswith("/espace"), page.url
    expect(page.locator("header .who")).to_contain_text(f"Nina Kerbrat · {fr['roles.spada']}")
    # Its workspace offers the SPADA's tools (enrolment among them), none of the agents' or the
    # administrator's.
    menu = page.locator("main ul.staff-menu a")
    expect(menu.filter(has_text=fr["pro.enrol.title"])).to_have_attribute("href", "/pro/inscriptions/nouvelle")
    expect(menu.filter(has_text=fr["pro.enrol.list_title"])).to_have_attribute("href", "/pro/inscriptions")
    hrefs = [menu.nth(i).get_attribute("href") for i in range(menu.count())]
    assert all(h.startswith("/pro/") for h in hrefs), f"a SPADA member is offered {hrefs}"

    # A SPADA member may not use the GUDA's or the administrator's pages.
    for path in ("/agents/guda", "/admin/personnel"):
        response = page.goto(path)
        assert response.status == 403, f"{path}: {response.status}"
        expect(page.locator("h1")).to_have_text(fr["errors.403.title"])
        expect(page.locator("main")).to_contain_text(fr["errors.403.body"])
        expect(page.locator("main form")).to_have_count(0)
