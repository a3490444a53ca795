"""The emergency duty team's handover in real Chromium (docs/adr/0044): an EDT member
lands on their home page, opens their out-of-hours work, writes the handover of the
contact they recorded on Saturday night (sent empty first: told, nothing lost), and it
is at the top of the day team's queue, marked from EDT with what was done. Axe finds
nothing on any of the pages."""

import re
from datetime import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from frontdoor.london import LONDON
from frontdoor.roles import Role
from referrals.models import Contact, OutOfHoursHandover
from referrals.services import contact_submit
from tests.factories import UserFactory, contact_input, submit_contact
from tests.support.browser import reflows, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
JOURNEY = "edt-handover"
SATURDAY_23 = datetime(2026, 11, 21, 23, 0, tzinfo=LONDON)
DONE = "Police attended; Amelia stays with her aunt tonight <script>alert(1)</script>"
NEXT = "=SUM(A1) Call the school at 9am."


def test_the_edt_hands_over_and_the_day_team_sees_it_first(
    page, screener, referrer, assert_no_axe_violations
):
    edt = UserFactory(roles=[Role.EDT], full_name="Eddie Duty")
    earlier = submit_contact(referrer, received_at=datetime(2026, 11, 20, 10, tzinfo=LONDON))
    contact, _ = contact_submit(
        actor=edt,
        data=contact_input(received_at=SATURDAY_23, out_of_hours=True),
        channel=Contact.Channel.CONTACT_CENTRE,
    )
    sign_in(page, edt)
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency duty team")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Your out-of-hours work").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your out-of-hours work")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=f"Write the handover of {contact.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hand over to the day team")
    assert_no_axe_violations(page)

    page.get_by_label("What should the day team do first? (optional)").fill(NEXT)
    page.get_by_role("button", name=f"Hand over {contact.reference}").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter what the emergency duty team did"
    )
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_label("What should the day team do first? (optional)")).to_have_value(NEXT)
    assert_no_axe_violations(page)
    reflows(page, "handover-missing", journey=JOURNEY)

    page.get_by_label("What did the emergency duty team do?").fill(DONE)
    page.get_by_role("button", name=f"Hand over {contact.reference}").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("handed over")
    expect(
        page.get_by_role("link", name=f"read the handover of {contact.reference}")
    ).to_be_visible()
    assert OutOfHoursHandover.objects.get(contact=contact).what_was_done == DONE

    sign_in(page, screener)
    page.goto(reverse("screening:queue"))
    first_row = page.locator("table tbody tr").first
    expect(first_row).to_contain_text(contact.reference)
    expect(first_row).to_contain_text("From EDT")
    expect(first_row).to_contain_text(DONE)
    expect(page.locator("table tbody tr").nth(1)).to_contain_text(earlier.reference)
    assert_no_axe_violations(page)

    first_row.get_by_role("link", name=contact.reference).click()
    handover = page.locator("#edt-handover")
    expect(handover).to_contain_text(DONE)
    expect(handover).to_contain_text(NEXT)
    expect(page.locator("body")).to_contain_text("Emergency duty team (handover)")
    assert_no_axe_violations(page)
