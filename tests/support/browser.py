"""Steps every browser journey shares: starting signed in, filling in a person, checking
a page reflows."""

import os
from pathlib import Path
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


# Screenshots of the pages journeys check, for a person to look at, taken only when
# asked for (FRONTDOOR_SCREENSHOTS=<folder>, a folder in it a journey): a full-page
# screenshot costs a journey more than the checks it goes with.
SCREENSHOTS = os.environ.get("FRONTDOOR_SCREENSHOTS", "")


def keep_screenshot(page, name: str, *, journey: str, full_page: bool = True) -> None:
    if not SCREENSHOTS:
        return
    folder = Path(SCREENSHOTS) / journey
    folder.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=folder / f"{name}-{width}.png", full_page=full_page)


def reflows(page, name: str, *, journey: str) -> None:
    """The page as it is fits a desktop and a phone without scrolling sideways (WCAG
    1.4.10 asks for 320 px; 375 px is the commonest phone)."""
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        keep_screenshot(page, name, journey=journey)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    page.set_viewport_size({"width": 1280, "height": 900})
