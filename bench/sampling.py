"""Taking samples: a timed action, its query count, and the users and sessions that act."""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import cycle

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.report import Result
from bench.split import time_split
from frontdoor.models import User
from frontdoor.roles import Role

WARM_UP = 3


def timed(action: Callable[[], object], repeats: int) -> list[float]:
    for _ in range(WARM_UP):
        action()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def query_count(action: Callable[[], object]) -> int:
    # Counted on a separate run: capturing queries slows them a little.
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def member_of(role: Role) -> User:
    user = User.objects.filter(groups__name=role.value, is_active=True).order_by("pk").first()
    if user is None:
        raise SystemExit(f"The bench database has no {role.label}: load the demo data first.")
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_timed(key: str, label: str, client: Client, urls: list[str], repeats: int) -> Result:
    """Pages fetched in turn, ``repeats`` times in all; queries: the most any took."""
    next_url = cycle(urls).__next__

    def fetch():
        response = client.get(next_url())
        if response.status_code != 200:
            raise SystemExit(f"{label}: {response.status_code} from the page")

    samples = timed(fetch, repeats)
    # The most any of the pages took: a page's shape (children, checks, decisions)
    # sets its count, so the largest is what must not grow with the data.
    result = Result(key, label, samples, queries=max(query_count(fetch) for _ in urls))
    result.notes.append(time_split(fetch, runs=max(len(urls), min(repeats, 20))).note())
    return result
