"""Issue 23's figures (docs/adr/0041): the today page, a manager's and a screener's,
and one update cycle of a page that keeps itself current (a poll, as htmx sends it
every few seconds while the page is open): the screening queue's, and the today
page's. A poll is timed as the server serves it when nothing has changed, which is
what almost every poll finds; its cost is per person with the page open. What every
open page polls for alike is worked out once every LIVE_SHARED_SECONDS and shared
(frontdoor.shared_figures): the polls here find it shared, as most do."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

from django.conf import settings
from django.test import Client
from django.urls import reverse

from bench.report import Result
from bench.sampling import member_of, page_timed, query_count, signed_in, timed
from frontdoor.roles import Role
from frontdoor.sessions import POLL_HEADER
from referrals.models import Contact
from screening.models import Screening
from screening.selectors import in_queue

POLL = {"HTTP_" + POLL_HEADER.upper().replace("-", "_"): "1", "HTTP_HX_REQUEST": "true"}


def _field(client: Client, url: str, field_id: str) -> str:
    page = client.get(url)
    found = re.search(rf'id="{field_id}" name="[a-z]+" value="([^"]*)"', page.text)
    if page.status_code != 200 or found is None:
        raise SystemExit(f"{url}: {page.status_code}, or no {field_id} on the page")
    return html.unescape(found.group(1))


def today_pages(repeats: int) -> list[Result]:
    url = reverse("outcomes:today")
    manager = page_timed(
        "today_page", "Today page, a manager's", signed_in(member_of(Role.MANAGER)), [url], repeats
    )
    screener = page_timed(
        "today_page_screener",
        "Today page, a screener's",
        signed_in(member_of(Role.SCREENER)),
        [url],
        repeats,
    )
    open_count = Contact.objects.filter(in_queue()).count()
    held = Screening.objects.filter(assigned_to__isnull=False).count()
    manager.notes.append(
        f"{open_count:,} contacts waiting, {held:,} held by screeners; every figure one "
        "aggregate query"
    )
    return [manager, screener]


def _poll(key: str, label: str, client: Client, url: str, repeats: int) -> Result:
    def fetch():
        response = client.get(url, **POLL)
        if response.status_code not in (200, 204):
            raise SystemExit(f"{label}: {response.status_code} from the poll")

    return Result(key, label, timed(fetch, repeats * 2), queries=query_count(fetch))


def polls(repeats: int) -> list[Result]:
    screener = signed_in(member_of(Role.SCREENER))
    shown = _field(screener, reverse("screening:queue"), "queue-shown")
    updates = reverse("screening:queue-updates") + "?"
    label = "Queue page's poll, a screener's"
    queue_poll = _poll(
        "queue_poll", label, screener, updates + urlencode({"page": 1, "shown": shown}), repeats
    )
    queue_poll.notes.append(
        "the first page of the whole queue, nothing changed since it was drawn, within the "
        "minute its clocks show (three polls in four at 15 s); the count and the banner as "
        f"shared between screeners for {settings.LIVE_SHARED_SECONDS:g} s"
    )
    a_minute_on = shown[:-12] + "200001010000"  # the minute its clocks showed has passed
    clocks = _poll(
        "queue_poll_clocks",
        "Queue page's poll, a new minute",
        screener,
        updates + urlencode({"page": 1, "shown": a_minute_on}),
        repeats,
    )
    clocks.notes.append("as above, with every row's clock drawn again (one poll in four)")
    manager = signed_in(member_of(Role.MANAGER))
    seen = _field(manager, reverse("outcomes:today"), "today-seen")
    today_url = reverse("outcomes:today-figures") + "?" + urlencode({"seen": seen})
    today_poll = _poll("today_poll", "Today page's poll, a manager's", manager, today_url, repeats)
    today_poll.notes.append(
        f"nothing changed: the front door's figures as shared for {settings.LIVE_SHARED_SECONDS:g}"
        " s (counted afresh as the today page is), 204 sent"
    )
    return [queue_poll, clocks, today_poll]
