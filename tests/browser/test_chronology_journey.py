"""A screener reads a child's chronology in Chromium: from the person record, filtered,
and printed (the print stylesheet leaves out the navigation and the filters)."""

import pytest
from playwright.sync_api import expect

from tests.support.browser import sign_in
from tests.support.chronology import child_with_history

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_screener_opens_filters_and_prints_a_chronology(
    page, referrer, screener, manager, police_member, assert_no_axe_violations
):
    history = child_with_history(
        referrer=referrer, screener=screener, manager=manager, member=police_member, full=1
    )
    sign_in(page, screener)
    page.goto(f"/referrals/people/{history.person.pk}/")
    page.get_by_role("link", name="Chronology").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chronology of Amelia Harrison")
    timeline = page.locator(".moj-timeline")
    expect(timeline).to_contain_text("Decision: Social care assessment (s17)")
    expect(timeline).to_contain_text("Check answered by Demo Police")
    assert_no_axe_violations(page)

    # Only the checks, oldest first.
    page.get_by_label("Multi-agency checks").check()
    page.get_by_label("Oldest first").check()
    page.get_by_role("button", name="Show entries").click()
    titles = page.locator(".moj-timeline__title")
    expect(titles).to_have_text(["Check asked of Demo Police", "Check answered by Demo Police"])
    expect(page.get_by_label("Multi-agency checks")).to_be_checked()

    # A date that is not one: explained, what was typed kept.
    date_to = page.get_by_role("group", name="Date to")
    date_to.get_by_label("Day").fill("31")
    date_to.get_by_label("Month").fill("2")
    date_to.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Show entries").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Date to must be a real date")
    expect(date_to.get_by_label("Day")).to_have_value("31")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Clear the filters").click()
    expect(titles.first).to_be_visible()

    # Printed: the record and its entries, no navigation, filters or paging.
    page.emulate_media(media="print")
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.locator(".govuk-back-link")).to_be_hidden()
    expect(page.locator("form[method=get]")).to_be_hidden()
    expect(page.locator(".govuk-footer")).to_be_hidden()
    expect(page.locator(".app-print-only")).to_be_visible()
    expect(titles).to_have_count(14)  # with a contact log entry and its correction
    expect(titles.first).to_be_visible()
    expect(titles.last).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.locator(".govuk-service-navigation")).to_be_visible()
