"""No two pages share a title: a screen-reader user, or anyone with several tabs open,
tells pages apart by it. Every page each role may open (the pages the browser's axe walk
visits, tests/support/page_walk.py), read through Django's test client."""

from __future__ import annotations

import re
from collections import defaultdict
from html import unescape

import pytest

from tests.conftest import VerifiedClient
from tests.support.page_walk import pages_for
from tests.support.url_table import ANON, WHO, url_world

pytestmark = pytest.mark.django_db

TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)


def test_no_two_pages_share_a_title():
    users, ids = url_world()
    titles: dict[str, set[str]] = defaultdict(set)
    problems = []
    for who in WHO:
        client = VerifiedClient()
        if who != ANON:
            client.force_login(users[who])
        for name, url in pages_for(who, users, ids):
            response = client.get(url)
            if response.status_code != 200:
                problems.append(f"{name} as {who}: answered {response.status_code}")
                continue
            found = TITLE.search(response.content.decode())
            if found is None:
                problems.append(f"{name} as {who}: no title")
                continue
            title = " ".join(unescape(found.group(1)).split())
            titles[title].add(name.split(" (")[0])
    shared = {title: sorted(names) for title, names in titles.items() if len(names) > 1}
    problems += [f"Title {title!r} on {', '.join(names)}" for title, names in shared.items()]
    assert titles, "the walk read no page"
    assert not problems, "\n".join(problems)
