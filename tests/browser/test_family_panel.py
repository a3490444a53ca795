"""The family panel in real Chromium (issue 19, parts 1 and 2): a screener opens a
contact about a child whose father was named on an earlier contact, sees him in the
panel with his earlier contact counted, shows it in the panel (htmx, focus moved to
it) and as a page of its own (as without JavaScript), confirms the suggested
relationship from its "Change" page, is refused an end without a reason (nothing typed
lost), ends another with one; axe finds nothing at each step. Screenshots at 1280 and
375 px go to /tmp/family-panel/."""

import datetime
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from frontdoor.nhs_numbers import nhs_number_from
from referrals.models import Relationship
from tests.factories import adult_input, child_input, submit_contact
from tests.support.browser import reflows, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
JOURNEY = "family-panel"
AMELIA = nhs_number_from("943476591")


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
    when = timezone.localtime(earlier.received_at).strftime("%-d %b %Y")  # as the page: London
    expect(gary).to_contain_text(f"1 earlier contact, the latest received {when}")
    expect(gary.get_by_role("link", name=earlier.reference)).to_have_count(0)
    dawn = page.locator(".govuk-summary-card", has_text="Dawn Harrison")
    expect(dawn).to_contain_text("Parent: Mother")
    reflows(page, "panel", journey=JOURNEY)
    assert_no_axe_violations(page)

    # His earlier contact, into the panel; focus goes to what came in.
    gary.get_by_role("link", name="Show earlier contacts about or naming Gary Harrison").click()
    expect(gary.get_by_role("link", name=earlier.reference)).to_be_visible()
    expect(gary.locator("table")).to_contain_text("Parent")
    region = gary.locator("[id^=family-history-]")
    expect(region).to_be_focused()
    reflows(page, "history-shown", journey=JOURNEY)
    assert_no_axe_violations(page)
    # Without JavaScript the same link is a page of its own.
    history_url = reverse("screening:family-member-history", args=[today.reference, gary_id()])
    page.goto(history_url)
    expect(page).to_have_title(re.compile("^Earlier contacts about or naming Gary Harrison"))
    expect(page.get_by_role("link", name=earlier.reference)).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=f"Back to {today.reference}").click()

    # Confirm the father's relationship from its own page.
    link = Relationship.objects.get(person__first_name="Gary")
    page.locator(f"#relationship-{link.pk}").get_by_role(
        "link", name="Confirm or change the relationship between Gary Harrison and Amelia Harrison"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Relationship between Gary Harrison and Amelia Harrison"
    )
    reflows(page, "relationship", journey=JOURNEY)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirm the relationship").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Relationship between Gary Harrison and Amelia Harrison confirmed."
    )
    expect(page.locator(f"#relationship-{link.pk}")).to_contain_text("Confirmed")

    # Ending Dawn's without a reason: refused, the error linked, what was chosen kept.
    mother = Relationship.objects.get(person__first_name="Dawn")
    page.locator(f"#relationship-{mother.pk}").get_by_role(
        "link", name=re.compile("^Confirm or change")
    ).click()
    page.get_by_label("Change the kind to").select_option("step_parent")
    page.get_by_role("button", name="End the relationship").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter why the relationship has ended or was wrong")
    expect(page.get_by_label("Change the kind to")).to_have_value("step_parent")  # kept
    reflows(page, "end-refused", journey=JOURNEY)
    assert_no_axe_violations(page)
    summary.get_by_role("link", name="Enter why the relationship has ended or was wrong").click()
    expect(page.get_by_label("Why it has ended, or was wrong")).to_be_focused()

    page.get_by_label("Why it has ended, or was wrong").fill("Not her mother: her aunt.")
    page.get_by_role("button", name="End the relationship").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("ended")
    page.get_by_text("Ended relationships (1)").click()
    expect(page.get_by_text("Not her mother: her aunt.")).to_be_visible()
    assert_no_axe_violations(page)


def gary_id() -> int:
    return Relationship.objects.get(person__first_name="Gary").person_id
