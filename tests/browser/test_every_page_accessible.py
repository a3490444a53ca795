"""Every page, as every role that may open it, in Chromium: axe finds nothing (but the
one accepted finding, tests/browser/axe.py) and nothing scrolls sideways at 320 px or
1280 px wide. (That no two pages share a title is tests/test_page_titles.py.)

The pages and the records behind them are those of tests/support/url_table.py, so
a new URL is walked here as soon as its row says who may open it. One test per role,
so the test processes share the roles out; one browser context per role, signed in
once by a session cookie; two tabs take turns, so one loads its next page while axe
runs in the other.
"""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.browser.axe import axe_findings, axe_in_every_page, axe_start
from tests.conftest import VerifiedClient
from tests.support.page_walk import pages_for
from tests.support.url_table import ANON, WHO, url_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW, WIDE = 320, 1280
TABS = 2  # the machine has two cores

# Pages are read in DejaVu Sans, wider than Arial and its metric twin Liberation Sans: a
# page that fits in it fits whichever of them a machine has (CI's has no Arial twin,
# and a table that fitted here by 0 px did not fit there).
WIDE_FONT = """
document.addEventListener("DOMContentLoaded", () => {
  const style = document.createElement("style");
  style.textContent = "* { font-family: 'DejaVu Sans', sans-serif !important; }";
  document.head.append(style);
});
"""


@pytest.fixture
def world(transactional_db):
    return url_world()


def _sign_in(context, user, base_url: str) -> None:
    client = VerifiedClient()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def _scroll_width(page, width: int) -> int:
    page.set_viewport_size({"width": width, "height": 800})
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("who", WHO)
def test_every_page_passes_axe_and_reflows(who, chromium, live_server, world):
    users, ids = world
    pages = pages_for(who, users, ids)
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    axe_in_every_page(context)
    context.add_init_script(WIDE_FONT)
    if who != ANON:
        _sign_in(context, users[who], live_server.url)
    tabs = [context.new_page() for _ in range(TABS)]
    problems: list[str] = []
    try:
        # The tabs take turns: each loads its page and starts axe, then each is read.
        for start in range(0, len(pages), TABS):
            checking = []
            for tab, (name, url) in zip(tabs, pages[start : start + TABS], strict=False):
                tab.set_viewport_size({"width": WIDE, "height": 800})
                response = tab.goto(url)
                if response.status != 200:
                    problems.append(f"{name}: answered {response.status}")
                    continue
                axe_start(tab)
                checking.append((tab, name))
            for tab, name in checking:
                problems += [f"{name}: {finding}" for finding in axe_findings(tab)]
                for width in (WIDE, NARROW):
                    scrolled = _scroll_width(tab, width)
                    if scrolled > width:
                        problems.append(f"{name}: {scrolled} px wide in a {width} px window")
    finally:
        context.close()
    assert pages, f"{who} may open no page: the walk would check nothing"
    assert not problems, f"{len(problems)} problems in {len(pages)} pages as {who}:\n" + "\n".join(
        problems
    )
