"""Recording downstream outcomes in Chromium: the form and the import page pass axe."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outcomes.models import DownstreamOutcome
from screening import services as screening
from screening.models import Route
from tests.browser.axe import axe_violations
from tests.factories import submit_contact
from tests.support.browser import sign_in
from tests.support.screening import decide

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_screener_records_an_assessment_outcome(
    page, screener, manager, referrer, assert_no_axe_violations
):
    from screening.models import ThresholdLevel

    contact = submit_contact(referrer, received_at=timezone.now() - timedelta(days=3))
    screening.screening_claim(actor=screener, contact=contact)
    decision = decide(
        screener, contact, ThresholdLevel.objects.get(number=3), route=Route.SOCIAL_CARE_ASSESSMENT
    )
    screening.decision_approve(actor=manager, decision=decision)

    sign_in(page, screener)
    page.goto(f"/outcomes/contacts/{contact.reference}/outcomes/")
    assert axe_violations(page) == []
    today = timezone.localdate()
    page.get_by_label("Assessment completed").check()
    date = page.get_by_role("group", name="Date")
    date.get_by_label("Day").fill(str(today.day))
    date.get_by_label("Month").fill(str(today.month))
    date.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Record").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("needs its outcome")
    assert axe_violations(page) == []
    page.get_by_label("Outcome of the assessment").select_option("child_in_need")
    page.get_by_label("16A: Neglect").check()
    page.get_by_role("button", name="Record").click()
    recorded = page.locator("table", has_text="Recorded so far")
    expect(recorded).to_contain_text("Assessment completed: Child in need")
    expect(recorded).to_contain_text("Factors: 16A")
    expect(page.locator("#deadlines")).to_contain_text("Completed on time")
    assert DownstreamOutcome.objects.get().assessment_outcome == "child_in_need"

    # The reason for closure is revealed only when the case is closed.
    expect(page.get_by_label("Reason for closure")).to_be_hidden()
    page.get_by_label("Case closed").check()
    expect(page.get_by_label("Reason for closure")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Import many from a CSV file").click()
    assert_no_axe_violations(page)
