"""Steps every browser journey shares: signing in as a person does, filling in a person."""

import re

from playwright.sync_api import expect

from tests.conftest import otp_code_for


def sign_in(page, user, password):
    """Sign in with the password and, for staff, the authenticator code (set up first
    if this is their first sign-in)."""
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    if "/account/two-factor/" in page.url:
        page.get_by_label("Code from your authenticator app").fill(otp_code_for(user))
        page.get_by_role("button", name="Continue").click()
        expect(page).not_to_have_url(re.compile("/account/two-factor/"))


def fill_person(section, first, last, dob=None):
    section.get_by_label("First name").fill(first)
    section.get_by_label("Last name").fill(last)
    if dob:
        day, month, year = dob
        date = section.get_by_role("group", name="Date of birth", exact=True)
        date.get_by_label("Day").fill(day)
        date.get_by_label("Month").fill(month)
        date.get_by_label("Year").fill(year)
