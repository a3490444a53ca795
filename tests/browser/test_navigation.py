"""The service navigation in Chromium, for each role: one row at 1280 px, the "Menu" toggle
at 375 px, the area's sub-navigation without sideways scroll, and axe on each.

Screenshots are kept when asked for (tests/support/browser.py).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from frontdoor.navigation import navigation_for
from frontdoor.roles import Role
from tests.factories import UserFactory
from tests.support.browser import keep_screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Pictures for people to look at, not files anything reads back.
ROLES = [
    Role.MANAGER,
    Role.SCREENER,
    Role.REFERRER,
    Role.ADMINISTRATOR,
    Role.PARTNER_AGENCY_MEMBER,
    Role.PERFORMANCE_VIEWER,
]


def _tops(page) -> list[int]:
    return page.eval_on_selector_all(
        "#navigation > li", "items => items.map(item => item.getBoundingClientRect().top)"
    )


def _fits_across(page, selector: str) -> bool:
    return page.evaluate(
        """selector => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return document.documentElement.scrollWidth <= window.innerWidth
                && box.left >= 0 && box.right <= window.innerWidth;
        }""",
        selector,
    )


def _widest_area_page(user) -> str:
    """The last page of the area with the most pages (the longest sub-navigation, the area's
    link not the current page), or the home page where no area has more than one page."""
    areas = [area for area in navigation_for(user=user) if not area.url.startswith("/admin/")]
    widest = max(areas, key=lambda area: len(area.links), default=None)
    return widest.links[-1].url if widest and len(widest.links) > 1 else "/"


@pytest.mark.parametrize("role", ROLES, ids=[role.value for role in ROLES])
def test_navigation_is_one_row_wide_and_a_menu_narrow(page, role, assert_no_axe_violations):
    user = UserFactory(roles=[role])
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, user)
    page.goto(_widest_area_page(user))
    has_sub_navigation = page.locator(".moj-sub-navigation").count() == 1

    menu = page.get_by_role("navigation", name="Menu")
    toggle = page.get_by_role("button", name="Menu")
    expect(toggle).to_be_hidden()
    tops = _tops(page)
    assert len(set(tops)) == 1, f"the navigation wraps: item tops {tops}"
    if has_sub_navigation:
        expect(page.locator(".moj-sub-navigation [aria-current=page]")).to_have_count(1)
        expect(menu.locator("[aria-current=true]")).to_have_count(1)
    assert _fits_across(page, ".govuk-service-navigation")
    assert_no_axe_violations(page)
    keep_screenshot(page, role.value, journey="navigation", full_page=False)

    page.set_viewport_size({"width": 375, "height": 800})
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#navigation")).to_be_hidden()
    if has_sub_navigation:
        assert _fits_across(page, ".moj-sub-navigation")
    else:
        assert _fits_across(page, ".govuk-service-navigation")
    assert_no_axe_violations(page)
    keep_screenshot(page, role.value, journey="navigation", full_page=False)

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#navigation")).to_be_visible()
    for area in navigation_for(user=user):
        expect(menu.get_by_role("link", name=area.label, exact=True)).to_be_visible()
    expect(menu.get_by_role("button", name="Sign out")).to_be_visible()
    assert _fits_across(page, ".govuk-service-navigation")
    assert_no_axe_violations(page)
    keep_screenshot(page, f"{role.value}-menu-open", journey="navigation", full_page=False)
