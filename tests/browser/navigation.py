"""Moving around the service in the browser tests as a user does: through the navigation."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def navigate(page, area: str, name: str) -> None:
    """Open a page by its area in the service navigation, then the page in the area's
    sub-navigation (an area of one page opens at that page)."""
    area_link = page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name=area, exact=True
    )
    area_link.click()
    expect(area_link).to_have_attribute("aria-current", re.compile("page|true"))
    pages = page.get_by_role("navigation", name=area, exact=True)
    if pages.count():
        link = pages.get_by_role("link", name=name, exact=True)
        if link.get_attribute("aria-current") != "page":
            link.click()
            expect(link).to_have_attribute("aria-current", "page")
