"""A manager opens the slot's queue and records a meeting outcome, in Chromium."""

from datetime import date, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from screening.meetings import services
from screening.models import ComplexCaseEntry
from tests.browser.navigation import navigate
from tests.factories import submit_contact
from tests.support.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_records_a_meeting_outcome(page, manager, referrer, assert_no_axe_violations):
    contact = submit_contact(referrer, concern_categories=["missing_from_home"])
    run, _ = services.complex_case_run(meeting_date=date(2026, 11, 23), slot=time(9, 30))

    sign_in(page, manager)
    navigate(page, "Meetings", "Meetings")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Mon 23 Nov 2026, 09:30").click()
    expect(page.get_by_text("Concern: missing from home")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("button", name=f"Record the outcome for {contact.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Outcome for {contact.reference}")
    assert_no_axe_violations(page)
    page.get_by_label("More information needed (comes back to the next meeting)").check()
    page.get_by_role("button", name="Record the outcome").click()
    # Nothing given for the action: told what is missing, the choice kept.
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Say what more information is needed and who will get it"
    )
    assert_no_axe_violations(page)
    page.get_by_label("What needs doing").fill("Police to share the missing-episode history")
    page.get_by_label("Who will do it").select_option(
        label=f"{manager.full_name}, {manager.agency.name}"
    )
    due = timezone.localdate() + timedelta(days=2)
    page.get_by_label("Day").fill(str(due.day))
    page.get_by_label("Month").fill(str(due.month))
    page.get_by_label("Year").fill(str(due.year))
    page.get_by_role("button", name="Record the outcome").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text("Outcome recorded")
    assert run.entries.get().outcome == ComplexCaseEntry.Outcome.MORE_INFORMATION
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Printable meeting record").click()
    expect(page.get_by_text("Police to share the missing-episode history")).to_be_visible()
    assert_no_axe_violations(page)

    # The action is on its owner's home page, until they mark it done.
    page.goto("/")
    actions = page.locator("#meeting-actions + ul")
    expect(actions).to_contain_text("Police to share the missing-episode history")
    assert_no_axe_violations(page)
    actions.get_by_role("button", name=f"Mark as done the action on {contact.reference}").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("marked as done")
    expect(page.locator("#meeting-actions")).to_have_count(0)
