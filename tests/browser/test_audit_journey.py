"""A manager grades a sampled decision against the rubric, and the screener who made
it reads the feedback, in Chromium, with axe on every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from frontdoor.roles import Role
from screening.audits import services
from screening.audits.weeks import last_complete_week
from screening.models import AuditCriterion, DecisionAudit
from tests.browser.navigation import navigate
from tests.factories import UserFactory
from tests.support.audits import decided_in_week
from tests.support.browser import reflows, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_grades_a_decision_and_the_screener_reads_it(
    page, manager, screener, referrer, assert_no_axe_violations
):
    decision = decided_in_week(screener=screener, referrer=referrer)
    services.audit_sample_draw(week_start=last_complete_week())
    reference = decision.contact.reference

    sign_in(page, manager)
    navigate(page, "Performance", "Decision audits")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=f"Grade the decision on {reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Audit of the decision on {reference}"
    )
    assert_no_axe_violations(page)
    reflows(page, "audit-grading", journey="audits")

    # Nothing chosen: told what is missing, what was typed kept.
    page.get_by_label("Feedback for the screener").fill("=SUM(A1) <script>x</script>")
    page.get_by_role("button", name="Record the grades").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a grade for Rationale")
    expect(page.get_by_label("Feedback for the screener")).to_have_value(
        "=SUM(A1) <script>x</script>"
    )
    assert_no_axe_violations(page)

    for criterion in AuditCriterion.objects.filter(is_active=True):
        page.get_by_role("group", name=criterion.title).get_by_label("Good", exact=True).check()
    page.get_by_role("group", name="The decision overall").get_by_label(
        "Requires improvement"
    ).check()
    page.get_by_label("Feedback for the screener").fill(
        "Good use of the police history; say what the danger is for this child."
    )
    page.get_by_role("button", name="Record the grades").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("graded")
    assert DecisionAudit.objects.get().grade == "requires_improvement"
    assert_no_axe_violations(page)

    sign_in(page, screener)
    feedback = page.locator("#audit-feedback + ul")
    expect(feedback).to_contain_text("graded requires improvement")
    assert_no_axe_violations(page)
    feedback.get_by_role("link", name=f"Your decision on {reference}").click()
    expect(page.get_by_text("say what the danger is for this child")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="I have read this feedback").click()
    expect(page.get_by_text("the feedback is marked as read")).to_be_visible()
    assert DecisionAudit.objects.get().read_at is not None


def test_the_rubric_and_the_joint_review_pages(page, referrer, assert_no_axe_violations):
    manager = UserFactory(roles=[Role.MANAGER])
    screener = UserFactory(roles=[Role.SCREENER])
    decided_in_week(screener=screener, referrer=referrer)

    sign_in(page, manager)
    navigate(page, "Meetings", "Joint review")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Decisions of the week of")
    assert_no_axe_violations(page)
    reflows(page, "joint-review", journey="audits")

    navigate(page, "Performance", "Decision audits")
    page.get_by_role("link", name="audit rubric").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Change Family told").click()
    assert_no_axe_violations(page)
    page.get_by_label("Order").fill("first")
    page.get_by_role("button", name="Save the change").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the order as a whole number"
    )
    assert_no_axe_violations(page)
