"""A manager merges two records of one child in Chromium: compares them side by side,
is told what a reason must be, merges, is sent from the old record to the kept one,
and undoes the merge."""

import re

import pytest
from playwright.sync_api import expect

from referrals.models import PersonMerge
from tests.support.browser import sign_in
from tests.support.merges import duplicates

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_compares_merges_follows_the_old_record_and_undoes_it(
    page, referrer, screener, manager, assert_no_axe_violations
):
    dup = duplicates(referrer=referrer, screener=screener, manager=manager)
    a, b = dup.a, dup.b
    sign_in(page, manager)
    page.goto(f"/referrals/people/{a.pk}/")
    page.get_by_role("link", name="Merge with another record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("^Merge Amelia Harrison.s record with another$")
    )
    assert_no_axe_violations(page)
    page.get_by_role("link", name=f"Compare with record {b.pk}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Compare person records {a.pk} and {b.pk}"
    )
    table = page.get_by_role("table", name="The two records side by side")
    expect(table.get_by_role("row", name=re.compile("^Last name"))).to_contain_text("Different")
    expect(table.get_by_role("row", name=re.compile("^Date of birth"))).to_contain_text("Same")
    assert_no_axe_violations(page)

    # No choice and no reason: both asked for; a hostile reason is kept as typed.
    page.get_by_role("button", name="Merge the records").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select which record to keep")
    expect(summary).to_contain_text("Enter why these records are the same person")
    assert_no_axe_violations(page)
    page.get_by_label(f"Keep record {a.pk}: Amelia Harrison").check()
    page.get_by_label("Why are these the same person?").fill("<script>")
    page.get_by_role("button", name="Merge the records").click()
    expect(summary).to_contain_text("must be at least 10 characters")
    expect(page.get_by_label("Why are these the same person?")).to_have_value("<script>")
    page.get_by_label("Why are these the same person?").fill(
        "The school confirmed both spellings are the same child."
    )
    page.get_by_role("button", name="Merge the records").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Record {b.pk} merged into this record"
    )
    assert PersonMerge.objects.filter(kept=a, merged=b).exists()

    # The old record's address lands on the kept record, saying so.
    page.goto(f"/referrals/people/{b.pk}/")
    expect(page).to_have_url(f"{page.url.split('/referrals/')[0]}/referrals/people/{a.pk}/")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Person record {b.pk} was merged into this record"
    )
    assert_no_axe_violations(page)

    page.get_by_role("link", name=f"Record {b.pk} merged into this record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Merge of person records {b.pk} into {a.pk}"
    )
    assert_no_axe_violations(page)
    page.get_by_label("Why are these two different people?").fill(
        "Cousins with the same name: the health visitor knows both."
    )
    page.get_by_role("button", name="Undo the merge").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Merge undone")
    expect(page.get_by_text("Undone", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(f"/referrals/people/{b.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amelia Harrisson")


def test_manager_finds_both_records_in_search_and_compares_them(
    page, referrer, screener, manager, assert_no_axe_violations
):
    dup = duplicates(referrer=referrer, screener=screener, manager=manager)
    a, b = dup.a, dup.b
    sign_in(page, manager)
    page.goto("/referrals/people/search/")
    page.get_by_label("Name").fill("Amelia Harrison")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name="2 people found")).to_be_visible()
    assert_no_axe_violations(page)

    # One ticked is not a pair: said so, with the results and the tick kept.
    page.get_by_label(f"Select Amelia Harrison, record {a.pk}, to compare").check()
    page.get_by_role("button", name="Compare the 2 selected records").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select 2 people to compare")
    expect(page).to_have_title(re.compile("^Error: Search people and contacts"))
    expect(page.get_by_label(f"Select Amelia Harrison, record {a.pk}, to compare")).to_be_checked()
    expect(page.get_by_label("Name")).to_have_value("Amelia Harrison")
    assert_no_axe_violations(page)
    summary.get_by_role("link").click()
    expect(page.get_by_label(f"Select Amelia Harrison, record {a.pk}, to compare")).to_be_focused()

    page.get_by_label(f"Select Amelia Harrisson, record {b.pk}, to compare").check()
    page.get_by_role("button", name="Compare the 2 selected records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Compare person records {a.pk} and {b.pk}"
    )
    # Record numbers only in the address: nothing typed into the search.
    assert page.url.endswith(f"/referrals/people/{a.pk}/merge/{b.pk}/")
    assert_no_axe_violations(page)
