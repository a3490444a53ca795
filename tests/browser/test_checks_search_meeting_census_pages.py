"""The pages issue 17 changed for checks, person search, the meeting and the census
report, in Chromium at desktop and phone widths, with axe: no violations, and the
page does not scroll sideways."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from outcomes.models import CensusExport
from screening import services as screening_services
from screening import services_checks
from screening.meetings import services as meeting_services
from tests.factories import PersonFactory, child_input, submit_contact
from tests.support.browser import keep_screenshot, sign_in
from tests.support.checks import consented

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 375)


def _look(page, name: str, assert_no_axe_violations) -> None:
    """At each width: axe, and no sideways scrolling (and a screenshot when asked)."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        keep_screenshot(page, name, journey="checks-search-meeting-census")
        assert_no_axe_violations(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"


def test_manager_pages(page, manager, screener, referrer, assert_no_axe_violations):
    contact = submit_contact(
        referrer,
        subjects=[child_input(first_name="Amelia", last_name="Harrison")],
        concern_categories=["child_exploitation"],
    )
    PersonFactory.create_batch(21, first_name="Amelia", last_name="Harrison")
    run, _ = meeting_services.complex_case_run(meeting_date=date(2026, 11, 23), slot=time(9, 30))
    entry = run.entries.get()
    meeting_services.meeting_outcome_record(
        actor=manager,
        entry=entry,
        outcome=entry.Outcome.DECISION,
        actions="Check school attendance.",
        agreed_route="early_help",
        agreed_reasoning="Needs are additional, not complex: early help with the school.",
    )
    child = contact.subjects.get()
    export = CensusExport.objects.create(
        year=2026,
        xml=b"<Message/>",
        children=1,
        episodes=1,
        status=CensusExport.Status.CHECKED,
        ruleset="cin2025_26",
        errors=0,
        queries=1,
        report={
            "issues": [
                {
                    "kind": "query",
                    "rule": "8925Q",
                    "message": "Please check: UPN is missing",
                    "child": f"P{child.person_id}",
                    "table": "ChildIdentifiers",
                    "field": "UPN",
                    "value": "",
                }
            ],
            "return_level": [],
            "rules_run": 1,
            "rules_that_crashed": [],
        },
        checked_at=timezone.now(),
    )
    sign_in(page, manager)

    page.goto(reverse("referrals:people-search"))
    page.get_by_label("Name").fill("Amelia Harrison")
    page.get_by_role("button", name="Search").click()
    # The 21 made here and the child on the contact.
    expect(page.get_by_role("heading", name="22 people found")).to_be_visible()
    _look(page, "people-search", assert_no_axe_violations)

    page.goto(reverse("screening:meeting", args=[run.pk]))
    expect(page.locator(f"#case-{entry.pk}")).to_contain_text("Decision to be recorded")
    _look(page, "meeting", assert_no_axe_violations)
    page.goto(reverse("screening:meeting-print", args=[run.pk]))
    expect(page.locator("main")).to_contain_text("Decision to be recorded")
    _look(page, "meeting-print", assert_no_axe_violations)

    page.goto(reverse("outcomes:census-export", args=[export.pk]))
    page.get_by_role("link", name=f"P{child.person_id}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amelia Harrison")
    _look(page, "person", assert_no_axe_violations)
    page.get_by_text("Add the Unique Pupil Number").click()
    page.get_by_label("Unique Pupil Number").fill("A801200001001")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a valid Unique Pupil")
    _look(page, "person-upn-error", assert_no_axe_violations)
    page.get_by_label("Unique Pupil Number").fill("H801200001001")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#upn")).to_contain_text("H801200001001")

    page.goto(reverse("outcomes:census-export", args=[export.pk]))
    _look(page, "census-export", assert_no_axe_violations)


def test_partner_member_checks_list(
    page, screener, referrer, police, police_member, assert_no_axe_violations
):
    checks = []
    for _ in range(3):
        contact = submit_contact(referrer)
        screening_services.screening_claim(actor=screener, contact=contact)
        checks.append(
            services_checks.check_request(
                actor=screener,
                contact=contact,
                agency=police,
                question="Anything known?",
                sharing=consented(),
            )
        )
    services_checks.check_answer(actor=police_member, check=checks[0], response="Nothing.")
    sign_in(page, police_member)
    page.goto(reverse("screening:member-checks"))
    rows = page.locator("tbody tr")
    expect(rows.last).to_contain_text("Answered")
    _look(page, "member-checks", assert_no_axe_violations)
