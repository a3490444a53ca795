"""A manager opens the slot's queue and records a meeting outcome, in Chromium."""

from datetime import date, time

import pytest
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

    page.get_by_label("More information needed (comes back to the next meeting)").check()
    page.get_by_label("Actions").fill("Police to share the missing-episode history")
    page.get_by_label("Who will do them").fill("Police MAST officer")
    page.get_by_role("button", name=f"Record outcome for {contact.reference}").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text("Outcome recorded")
    assert run.entries.get().outcome == ComplexCaseEntry.Outcome.MORE_INFORMATION
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Printable meeting record").click()
    expect(page.get_by_text("Police to share the missing-episode history")).to_be_visible()
    assert_no_axe_violations(page)
