"""The service navigation, as every role sees it over HTTP.

What each role is offered is not listed here a second time: a page is expected in a
role's navigation exactly when the URL-by-role table (tests/support/url_table.py)
says that role opens it (200). The grouping into areas is frontdoor.navigation.AREAS.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from frontdoor.navigation import AREAS, navigation_for
from frontdoor.roles import Role
from tests.support.url_table import EXPECTED, url_for, url_world
from tests.support.worlds import built_once

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The URL walk's records (a contact being screened, a check, a meeting) to open;
    the tests only read them."""
    yield from built_once(django_db_blocker, url_world)


# Referrers reach their contacts from "Your referrals"; the staff contact list answers
# them too (with their own contacts) but is not offered to them a second time.
NOT_OFFERED = {(Role.REFERRER.value, "referrals:contact-list")}
# Pages about the account or the whole service, not one area's work.
ACCOUNT_PAGES = {
    "home",
    "signed-out",
    "two-factor-setup",
    "two-factor-verify",
    "account-phone",
    "alerts:preferences",
    "api-docs",
}
# Data rather than pages, and the changes a live page polls for (parts of that page).
NOT_PAGES = {"api-schema", "screening:queue-updates", "outcomes:today-figures"}
# Pages for people outside the service, reached from a link sent to them (a school's
# Key Adult acknowledging an Operation Encompass notice), in no area of the service.
OUTSIDE_PAGES = {"outcomes:encompass-acknowledge"}


def _opens(who: str, url_name: str) -> bool:
    return EXPECTED[url_name][0][who] == 200 and (who, url_name) not in NOT_OFFERED


def _expected(who: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(area, [(page, url)]) this role should be offered, from the URL-by-role table."""
    offered = []
    for area in AREAS:
        pages = [(p.label, reverse(p.url_name)) for p in area.pages if _opens(who, p.url_name)]
        if pages:
            offered.append((area.label, pages))
    return offered


class _Navigation(HTMLParser):
    """The service navigation's area links and the sub-navigation's page links, each as
    (text, href, aria-current)."""

    def __init__(self, html: str):
        super().__init__()
        self.areas: list[tuple[str, str, str | None]] = []
        self.pages: list[tuple[str, str, str | None]] = []
        self._list: list | None = None
        self._link: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ul" and attrs.get("id") == "navigation":
            self._list = self.areas
        elif tag == "ul" and "moj-sub-navigation__list" in (attrs.get("class") or ""):
            self._list = self.pages
        elif tag == "a" and self._list is not None:
            self._link = {"text": "", "href": attrs["href"], "current": attrs.get("aria-current")}

    def handle_data(self, data):
        if self._link is not None:
            self._link["text"] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            link = self._link
            self._list.append((link["text"].strip(), link["href"], link["current"]))
            self._link = None
        elif tag == "ul":
            self._list = None


def _navigation(client, url: str) -> _Navigation:
    response = client.get(url)
    assert response.status_code == 200, url
    return _Navigation(response.text)


ROLES = [role for role in Role]


@pytest.mark.parametrize("persona", ROLES, indirect=True)
def test_each_role_is_offered_the_areas_it_may_use_and_nothing_is_marked_at_home(client, persona):
    client.force_login(persona)
    nav = _navigation(client, reverse("home"))
    expected = _expected(persona.groups.get().name)
    assert nav.areas == [(area, pages[0][1], None) for area, pages in expected]
    assert nav.pages == []


@pytest.mark.parametrize("persona", ROLES, indirect=True)
def test_on_each_page_its_area_and_the_page_are_marked_and_the_area_lists_its_pages(
    client, persona
):
    client.force_login(persona)
    for area, pages in _expected(persona.groups.get().name):
        for _label, url in pages:
            if url.startswith(reverse("admin:index")):
                continue  # Django's admin site draws its own header, without ours
            nav = _navigation(client, url)
            marked = [(text, current) for text, _, current in nav.areas if current]
            assert marked == [(area, "page" if url == pages[0][1] else "true")], url
            if len(pages) == 1:
                # One page: the area's own link is enough.
                assert nav.pages == [], url
            else:
                assert nav.pages == [
                    (text, href, "page" if href == url else None) for text, href in pages
                ], url


def test_a_manager_is_offered_four_areas_instead_of_twelve_links(client, manager):
    client.force_login(manager)
    nav = _navigation(client, reverse("home"))
    assert [text for text, _, _ in nav.areas] == [
        "Screening",
        "Meetings",
        "People",
        "Performance",
    ]


@pytest.mark.parametrize(
    ("who", "name", "area"),
    [
        ("screener", "screening:contact", "Screening"),
        ("screener", "referrals:person-detail", "People"),
        ("partner_agency_member", "screening:meeting", "Meetings"),
        ("partner_agency_member", "screening:member-check", "Screening"),
        ("referrer", "outcomes:my-referral", "Referrals"),
        ("referrer", "referrals:contact-detail", "Referrals"),
        ("manager", "referrals:contact-detail", "Screening"),
        ("manager", "outcomes:scorecard-inspection", "Performance"),
    ],
)
def test_pages_reached_from_an_area_keep_it_marked(client, world, who, name, area):
    users, ids = world
    client.force_login(users[who])
    nav = _navigation(client, url_for(name, ids))
    assert [(text, current) for text, _, current in nav.areas if current] == [(area, "true")]


def test_every_page_a_role_opens_belongs_to_one_of_its_areas(db):
    """So a new page cannot leave its user with nothing marked in the navigation."""
    from tests.factories import UserFactory

    lost = []
    for role in Role:
        if role == Role.CASE_SYSTEM:
            continue  # a service account: it has no navigation
        user = UserFactory(roles=[role])
        for name, (get_answers, _) in EXPECTED.items():
            if name in ACCOUNT_PAGES | NOT_PAGES | OUTSIDE_PAGES or get_answers[role.value] != 200:
                continue
            if not any(area.active for area in navigation_for(user=user, view_name=name)):
                lost.append(f"{name} as {role.value}")
    assert not lost, f"Put these views in an area of frontdoor.navigation.AREAS: {lost}"
