"""The inactivity warning, in Chromium: it appears before the session ends, "Stay
signed in" keeps the session, and doing nothing signs the user out. Typing counts as
activity, and what was typed when the session ends comes back after signing in again
(docs/adr/0015-text-typed-before-a-session-timeout.md)."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.factories import submit_contact
from tests.support.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RATIONALE = (
    "Amelia's account is consistent and the bruising was seen by school staff. "
    "Mum's partner is still living at the address, so a strategy discussion is needed."
)


def session_lasts(settings, seconds: int, warned: int) -> None:
    """From the next page on, the session ends after ``seconds`` without a request, and
    the page warns ``warned`` seconds before. The browser ends it a tenth sooner, so that
    it keeps what was typed while the session still exists (static/js/session-timeout.js).
    The test's own waits are these durations, so each test keeps them as short as what it
    does in between allows; it signs in under the usual ones, so that a slow sign-in on a
    busy machine is not what runs the session out."""
    settings.SESSION_INACTIVITY_TIMEOUT = timedelta(seconds=seconds)
    settings.SESSION_COOKIE_AGE = seconds
    settings.SESSION_TIMEOUT_WARNING = timedelta(seconds=warned)


def session_lasts_long(settings) -> None:
    """Long enough not to end during the rest of a test."""
    session_lasts(settings, 10 * 60, warned=60)


def test_warned_then_kept_signed_in_then_signed_out(
    page, screener, settings, assert_no_axe_violations
):
    sign_in(page, screener)
    # Warned 2 seconds after the page loads, with 7 seconds to read the warning, check it
    # with axe and stay signed in; then 2 seconds before the next warning.
    session_lasts(settings, 10, warned=7)
    page.reload()
    dialog = page.get_by_role("alertdialog", name="You are about to be signed out")
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog).to_be_focused()
    expect(dialog).to_contain_text("what you have typed on this page will be put back")
    assert_no_axe_violations(page)
    with page.expect_response(lambda r: "/session/keep-alive/" in r.url) as kept:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert kept.value.status == 204
    expect(dialog).to_be_hidden()
    # Still signed in: the next page is not the sign-in page. From it on, only doing
    # nothing is left to show, which a short session shows soonest.
    session_lasts(settings, 4, warned=2)
    page.goto("/screening/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign in")

    expect(page.get_by_role("heading", name="You have been signed out")).to_be_visible(
        timeout=20_000
    )
    page.goto("/screening/")
    assert "/sign-in/" in page.url


def test_typing_for_longer_than_the_timeout_keeps_the_session(page, screener, settings):
    sign_in(page, screener)
    session_lasts(settings, 5, warned=2)
    page.goto("/referrals/record/")
    concern = page.get_by_label("What are you worried about?")
    concern.click()
    keep_alives = []
    page.on("request", lambda r: "/session/keep-alive/" in r.url and keep_alives.append(r))

    # At least 8 seconds of steady typing (200 ms a key), longer than the 5-second session.
    page.keyboard.type("The child said she is scared to go home. ", delay=200)

    assert keep_alives, "typing sent no keep-alive"
    expect(page.get_by_role("alertdialog")).to_be_hidden()
    assert page.url.endswith("/referrals/record/")
    assert concern.input_value().startswith("The child said she is scared to go home.")
    # The server agrees: the session is still alive.
    page.reload()
    expect(page.get_by_role("heading", level=1)).not_to_have_text(re.compile("Sign in"))
    assert page.url.endswith("/referrals/record/")


def test_text_typed_before_the_timeout_is_back_after_signing_in_again(
    page, screener, referrer, password, settings, assert_no_axe_violations
):
    contact = submit_contact(referrer)
    sign_in(page, screener)
    page.goto(f"/screening/{contact.reference}/")
    page.get_by_role("button", name="Take this contact").click()
    expect(page.get_by_text(f"Being screened by {screener.full_name}")).to_be_visible()
    contact_path = f"/screening/{contact.reference}/"
    # Taking a contact lands on its heading (#contact-title), so focus follows.
    assert urlparse(page.url).path == contact_path

    # Long enough to type into the contact before the warning shows, 4 seconds on.
    session_lasts(settings, 8, warned=3)
    page.goto(contact_path)
    page.get_by_label("Rationale").fill(RATIONALE)
    page.get_by_label("What do you need to know?").fill("Any incidents at the address?")

    # Then the screener is called away: the warning, then the sign-out.
    dialog = page.get_by_role("alertdialog", name="You are about to be signed out")
    expect(dialog).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="You have been signed out")).to_be_visible(
        timeout=30_000
    )
    session_lasts_long(settings)
    # The typed text is not in the page's address, nor left readable in the tab.
    assert "Amelia" not in page.url
    held = page.evaluate("JSON.stringify(Object.assign({}, sessionStorage))")
    assert "held" in held
    assert "Amelia" not in held
    assert "incidents" not in held
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Sign in again").click()
    page.get_by_label("Email address").fill(screener.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    from tests.conftest import otp_code_for

    expect(page).to_have_url(re.compile("/account/two-factor/"))
    page.get_by_label("Code from your authenticator app").fill(otp_code_for(screener))
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(re.compile(re.escape(contact_path) + "(#[-a-z]+)?$"))
    banner = page.locator(".govuk-notification-banner", has_text="We kept what you typed")
    # The page asks the server for what was held after it loads: on a busy machine that
    # answer can take longer than expect's five seconds.
    expect(banner).to_be_visible(timeout=20_000)
    expect(page.get_by_label("Rationale")).to_have_value(RATIONALE)
    expect(page.get_by_label("What do you need to know?")).to_have_value(
        "Any incidents at the address?"
    )
    # Restored once, then gone from the browser's storage.
    assert "held" not in page.evaluate("JSON.stringify(Object.assign({}, sessionStorage))")
    assert_no_axe_violations(page)
    page.reload()
    expect(page.get_by_label("Rationale")).to_have_value("")


def test_text_held_for_one_account_is_not_restored_to_another(page, screener, manager, settings):
    sign_in(page, screener)
    session_lasts(settings, 5, warned=2)
    page.goto("/referrals/record/")
    page.get_by_label("What are you worried about?").fill(RATIONALE)
    expect(page.get_by_role("heading", name="You have been signed out")).to_be_visible(
        timeout=30_000
    )
    session_lasts_long(settings)

    sign_in(page, manager)
    page.goto("/referrals/record/")
    expect(page.get_by_label("What are you worried about?")).to_have_value("")
    expect(page.get_by_text("We kept what you typed")).to_be_hidden()
    # Another account's attempt to read it discards it.
    assert "held" not in page.evaluate("JSON.stringify(Object.assign({}, sessionStorage))")
