"""Every page, as every role that may open it, in Chromium: axe finds nothing (but the
one accepted finding, tests/browser/axe.py), nothing scrolls sideways at 320 px or
1280 px wide, and no two pages share a title.

The pages and the records behind them are those of tests/support/url_table.py, so
a new URL is walked here as soon as its row says who may open it. One browser, one
context per role, signed in once by a session cookie; two tabs take turns, so one
loads its next page while axe runs in the other.
"""

from __future__ import annotations

from collections import defaultdict, deque

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from outcomes.scorecard.measures import HEADLINE_MEASURES
from outcomes.scorecard.periods import Granularity, Period
from screening.models import ThresholdLevel
from tests.browser.axe import axe_findings, axe_in_every_page, axe_start
from tests.conftest import VerifiedClient
from tests.support.url_table import (
    ADM,
    ANON,
    EXPECTED,
    HEALTH,
    WHO,
    M,
    url_for,
    url_names,
    url_world,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW, WIDE = 320, 1280
# Answers for programs, not pages (the downloads' URLs end in a file name).
NOT_PAGES = {"api-schema"}
TABS = 2  # the machine has two cores


@pytest.fixture
def world(transactional_db):
    return url_world()


# Pages the URL table reaches only through query strings or the admin's own URLs.
def _extra_pages(users: dict, ids: dict) -> dict[str, list[tuple[str, str]]]:
    today = timezone.localdate()
    month = Period.containing(today, Granularity.MONTH).key
    quarter = Period.containing(today, Granularity.QUARTER).key
    figure = (
        f"{reverse('outcomes:scorecard-figure')}?period={month}&figure={HEADLINE_MEASURES[0].key}"
    )
    someone = users["screener"].pk
    admin_pages = [
        ("admin:frontdoor_user_changelist", reverse("admin:frontdoor_user_changelist")),
        ("admin:frontdoor_user_change", reverse("admin:frontdoor_user_change", args=[someone])),
        ("admin:frontdoor_user_add", reverse("admin:frontdoor_user_add")),
        ("admin:frontdoor_user_roles", reverse("admin:frontdoor_user_roles", args=[someone])),
        ("admin:frontdoor_agency_changelist", reverse("admin:frontdoor_agency_changelist")),
        ("admin:frontdoor_agency_add", reverse("admin:frontdoor_agency_add")),
        (
            "admin:frontdoor_referralsource_changelist",
            reverse("admin:frontdoor_referralsource_changelist"),
        ),
        (
            "admin:screening_thresholdlevel_changelist",
            reverse("admin:screening_thresholdlevel_changelist"),
        ),
        (
            "admin:screening_thresholdlevel_change",
            reverse(
                "admin:screening_thresholdlevel_change", args=[ThresholdLevel.objects.first().pk]
            ),
        ),
    ]
    admin_pages += [
        ("admin:auth_group_changelist", reverse("admin:auth_group_changelist")),
        (
            "admin:auth_group_change",
            reverse("admin:auth_group_change", args=[users[ADM].groups.get().pk]),
        ),
    ]
    return {
        M: [
            (
                "outcomes:scorecard (this quarter)",
                f"{reverse('outcomes:scorecard')}?period={quarter}",
            ),
            ("outcomes:scorecard-figure (a figure)", figure),
        ],
        ADM: admin_pages,
    }


def _is_download(name: str, url: str) -> bool:
    """A file to download, not a page to look at."""
    return "." in url.split("?")[0].rsplit("/", 1)[-1] or name in NOT_PAGES


def _pages_for(who: str, users: dict, ids: dict) -> list[tuple[str, str]]:
    pages = [
        (name, url_for(name, ids))
        for name in url_names()
        if name != HEALTH and EXPECTED[name][0][who] == 200
    ]
    pages += _extra_pages(users, ids).get(who, [])
    return [(name, url) for name, url in pages if not _is_download(name, url)]


def _sign_in(context, user, base_url: str) -> None:
    client = VerifiedClient()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def _scroll_width(page, width: int) -> int:
    page.set_viewport_size({"width": width, "height": 800})
    return page.evaluate("document.documentElement.scrollWidth")


def _tab_lane(roles: deque[str], open_tab, pages: dict[str, list[tuple[str, str]]]):
    """(page, where, name, url) for each visit of each role this lane takes from ``roles``; a
    role's pages are all seen in one browser context, signed in as that role."""
    while roles:
        who = roles.popleft()
        context = open_tab(who)
        try:
            page = context.new_page()
            for name, url in pages[who]:
                yield page, f"{name} as {who}", name, url
        finally:
            context.close()


def test_every_page_as_every_role_passes_axe_and_reflows(chromium, live_server, world):
    users, ids = world
    pages = {who: _pages_for(who, users, ids) for who in WHO}

    def open_tab(who: str):
        context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
        axe_in_every_page(context)
        if who != ANON:
            _sign_in(context, users[who], live_server.url)
        return context

    problems: list[str] = []
    titles: dict[str, set[str]] = defaultdict(set)
    visits = 0
    # Two tabs take turns, so one loads its next page while axe runs in the other's
    # renderer; the roles with the most pages go first, to keep the tabs even.
    roles = deque(sorted(WHO, key=lambda who: -len(pages[who])))
    lanes = [_tab_lane(roles, open_tab, pages) for _ in range(TABS)]
    while lanes:
        checking = []
        for lane in list(lanes):
            visit = next(lane, None)
            if visit is None:
                lanes.remove(lane)
                continue
            page, where, name, url = visit
            page.set_viewport_size({"width": WIDE, "height": 800})
            response = page.goto(url)
            visits += 1
            if response.status != 200:
                problems.append(f"{where}: answered {response.status}")
                continue
            axe_start(page)
            checking.append((page, where, name))
        for page, where, name in checking:
            problems += [f"{where}: {finding}" for finding in axe_findings(page)]
            for width in (WIDE, NARROW):
                scrolled = _scroll_width(page, width)
                if scrolled > width:
                    problems.append(f"{where}: {scrolled} px wide in a {width} px window")
            titles[page.title()].add(name.split(" (")[0])
    shared = {title: sorted(names) for title, names in titles.items() if len(names) > 1}
    problems += [f"Title {title!r} on {', '.join(names)}" for title, names in shared.items()]
    print(f"{visits} page-role visits")
    assert not problems, f"{len(problems)} problems in {visits} visits:\n" + "\n".join(problems)
