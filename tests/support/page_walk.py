"""The pages each role may open, as the browser walks them: the URL table's pages that
answer the role with 200, less the downloads, plus the pages it reaches only through
query strings or the admin's own URLs."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from outcomes.scorecard.definitions import HEADLINE_MEASURES
from outcomes.scorecard.periods import Granularity, Period
from screening.models import ThresholdLevel
from tests.support.url_table import ADM, EXPECTED, HEALTH, M, url_for, url_names

# Answers for programs, not pages (the downloads' URLs end in a file name).
# An attached file is downloaded, not looked at (its URL names no file type). The
# changes a live page polls for are parts of that page (docs/adr/0041).
NOT_PAGES = {
    "api-schema",
    "referrals:document-download",
    "screening:member-check-document",
    "screening:queue-updates",
    "outcomes:today-figures",
}


def _extra_pages(users: dict) -> dict[str, list[tuple[str, str]]]:
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


def pages_for(who: str, users: dict, ids: dict) -> list[tuple[str, str]]:
    """(name, url) of each page ``who`` may open in the world ``url_world`` built."""
    pages = [
        (name, url_for(name, ids))
        for name in url_names()
        if name != HEALTH and EXPECTED[name][0][who] == 200
    ]
    pages += _extra_pages(users).get(who, [])
    return [(name, url) for name, url in pages if not _is_download(name, url)]
