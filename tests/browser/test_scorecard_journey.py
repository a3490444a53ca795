"""A manager takes the scorecard to the steering group, in Chromium, with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.navigation import navigate
from tests.outcomes.scorecard_world import build_world
from tests.support.browser import keep_screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _look(page, name: str, check) -> None:
    """The period chooser at a desktop and a phone width, clear of axe violations
    at both (tests/support/browser.py keeps screenshots when asked)."""
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        check(page)
        keep_screenshot(page, name, journey="scorecard", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_manager_reads_the_scorecard_follows_a_figure_and_downloads_each_export(
    page, screener, manager, assert_no_axe_violations
):
    world = build_world(screener, manager)
    sign_in(page, manager)
    navigate(page, "Performance", "Scorecard")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("textbox", name="Period").fill("2026-Q5")
    page.get_by_role("button", name="Show this period").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a quarter from Q1 to Q4")
    expect(page.get_by_role("textbox", name="Period")).to_have_value("2026-Q5")
    assert_no_axe_violations(page)

    # A recent period in one click, or typed the way people write it.
    page.get_by_role("link", name="Last financial year").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Financial year")
    _look(page, "chooser", assert_no_axe_violations)
    page.get_by_role("textbox", name="Period").fill("Q3 2026")
    page.get_by_role("button", name="Show this period").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("July to September 2026")
    expect(page.get_by_role("textbox", name="Period")).to_have_value("2026-Q3")
    page.get_by_text("Figures behind this chart").first.click()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="25.0% Re-referrals", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Re-referrals")
    expect(page.locator("table")).to_contain_text(world.contacts["c1"].reference)
    expect(page.locator("table tbody tr")).to_have_count(1)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Back to the scorecard").click()

    for name, suffix in (
        ("Every figure (CSV)", ".csv"),
        ("Every figure (Excel)", ".xlsx"),
        ("Steering-group pack (PDF)", ".pdf"),
    ):
        with page.expect_download() as download:
            page.get_by_role("link", name=name).click()
        assert download.value.suggested_filename == f"scorecard-2026-Q3{suffix}"
        assert download.value.path().stat().st_size > 0

    page.get_by_role("link", name="Ofsted Annex A: lists of contacts and referrals").click()
    assert_no_axe_violations(page)
    page.locator("#id_end_1").fill("13")  # no such month
    page.get_by_role("button", name="Download List 1 (CSV)").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("End date must be a real date")
    expect(page.locator("#id_end_1")).to_have_value("13")
    assert_no_axe_violations(page)

    for part, value in zip(("0", "1", "2"), ("15", "10", "2026"), strict=True):
        page.locator(f"#id_inspection_date_{part}").fill(value)
    page.get_by_role("button", name="Use the six months before it").click()
    expect(page.locator("#chosen-window")).to_contain_text("15 April 2026 to 14 October 2026")
    window = "2026-04-15-to-2026-10-14"
    for button, name in (
        ("Download List 1 (CSV)", f"annex-a-list-1-contacts-{window}.csv"),
        ("Download List 3 (CSV)", f"annex-a-list-3-referrals-{window}.csv"),
        ("Download Excel (both lists)", f"annex-a-{window}.xlsx"),
    ):
        with page.expect_download() as download:
            page.get_by_role("button", name=button).click()
        assert download.value.suggested_filename == name
