"""The inactivity warning, in Chromium: it appears before the session ends, "Stay
signed in" keeps the session, and doing nothing signs the user out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.test_intake_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def short_session(settings):
    settings.SESSION_INACTIVITY_TIMEOUT = timedelta(seconds=12)
    settings.SESSION_COOKIE_AGE = 12
    settings.SESSION_TIMEOUT_WARNING = timedelta(seconds=9)


def test_warned_then_kept_signed_in_then_signed_out(
    page, screener, password, short_session, assert_no_axe_violations
):
    sign_in(page, screener, password)
    dialog = page.get_by_role("alertdialog", name="You are about to be signed out")
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog).to_be_focused()
    assert_no_axe_violations(page)
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    # Still signed in: the next page is not the sign-in page.
    page.goto("/screening/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign in")

    expect(page.get_by_role("heading", name="You have been signed out")).to_be_visible(
        timeout=20_000
    )
    page.goto("/screening/")
    assert "/sign-in/" in page.url
