"""Steps every browser journey shares: starting signed in, filling in a person."""

from urllib.parse import urlsplit

from django.conf import settings
from playwright.sync_api import expect

from tests.conftest import VerifiedClient


def sign_in(page, user) -> None:
    """Open the service as ``user`` just after signing in, with the authenticator code
    given: the session a sign-in gives (``VerifiedClient.force_login``), as the browser's
    cookie. Typing the password and the code is tests/browser/test_sign_in_journey.py's
    and test_session_timeout.py's; in a journey it was seconds a sign-in, about what
    comes before the journey."""
    if not page.url.startswith("http"):
        # A new tab: the sign-in page, where a person starts, gives the cookie its address.
        page.goto("/sign-in/")
    client = VerifiedClient()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    origin = urlsplit(page.url)._replace(path="/", query="", fragment="").geturl()
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": origin}])
    page.goto("/")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def fill_person(section, first, last, dob=None):
    section.get_by_label("First name").fill(first)
    section.get_by_label("Last name").fill(last)
    if dob:
        day, month, year = dob
        date = section.get_by_role("group", name="Date of birth", exact=True)
        date.get_by_label("Day").fill(day)
        date.get_by_label("Month").fill(month)
        date.get_by_label("Year").fill(year)
