"""The family panel in real Chromium (issue 19, parts 1 and 2): a screener opens a
contact about a child whose father was named on an earlier contact, sees him with that
contact in the panel, confirms the suggested relationship, is refused an end without a
reason (nothing typed lost), ends another with one; axe finds nothing at each step.
Screenshots at 1280 and 375 px go to /tmp/family-panel/."""

import datetime
import re
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from frontdoor.nhs_numbers import nhs_number_from
from referrals.models import Relationship
from tests.factories import adult_input, child_input, submit_contact
from tests.support.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(tempfile.gettempdir()) / "family-panel"
AMELIA = nhs_number_from("943476591")


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_screener_sees_the_fathers_earlier_contact_in_the_family_panel(
    page, screener, referrer, assert_no_axe_violations
):
    father = adult_input(
        first_name="Gary",
        last_name="Harrison",
        relationship_to_children="Father",
        date_of_birth=datetime.date(1985, 2, 3),
    )
    earlier = submit_contact(
        referrer,
        subjects=[child_input(nhs_number=AMELIA), father],
        received_at=timezone.now() - timedelta(days=120),
    )
    today = submit_contact(referrer, subjects=[child_input(nhs_number=AMELIA), adult_input()])

    sign_in(page, screener)
    page.goto(reverse("screening:contact", args=[today.reference]))
    expect(page.get_by_role("heading", name="The family", exact=True)).to_be_visible()
    gary = page.locator(".govuk-summary-card", has_text="Gary Harrison")
    expect(gary).to_contain_text("Parent of Amelia Harrison (suggested)")
    expect(gary.get_by_role("link", name=earlier.reference)).to_be_visible()
    expect(gary).to_contain_text(earlier.received_at.strftime("%-d %b %Y"))
    dawn = page.locator(".govuk-summary-card", has_text="Dawn Harrison")
    expect(dawn).to_contain_text("Parent: Mother")
    shoot(page, "panel")
    assert_no_axe_violations(page)

    # Confirm the father's relationship from the form beside it.
    link = Relationship.objects.get(person__first_name="Gary")
    row = page.locator(f"#relationship-{link.pk}")
    row.get_by_text("Confirm, correct or end").click()
    row.get_by_role("button", name=re.compile("^Confirm Gary Harrison")).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Relationship between Gary Harrison and Amelia Harrison confirmed."
    )
    expect(page.locator(f"#relationship-{link.pk}")).to_contain_text("Confirmed")

    # Ending Dawn's without a reason: refused, the form open, the error linked.
    mother = Relationship.objects.get(person__first_name="Dawn")
    row = page.locator(f"#relationship-{mother.pk}")
    row.get_by_text("Confirm, correct or end").click()
    row.get_by_label("Change the kind to").select_option("step_parent")
    row.get_by_role("button", name="End the relationship").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter why the relationship has ended or was wrong")
    row = page.locator(f"#relationship-{mother.pk}")
    expect(row.get_by_label("Change the kind to")).to_have_value("step_parent")  # kept
    shoot(page, "end-refused")
    assert_no_axe_violations(page)

    row.get_by_label("Why it has ended, or was wrong").fill("Not her mother: her aunt.")
    row.get_by_role("button", name="End the relationship").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("ended")
    page.get_by_text("Ended relationships (1)").click()
    expect(page.get_by_text("Not her mother: her aunt.")).to_be_visible()
    assert_no_axe_violations(page)
