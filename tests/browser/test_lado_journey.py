"""A LADO allegation in real Chromium (docs/adr/0046): the designated officer opens
the specialist pathways from the navigation (the only page it offers them), records
an allegation (sent empty first: told what is missing, nothing typed lost), sees the
adult and employer recorded as such with the initial consideration's due time, and
records the consideration. A screener is told the record does not exist. Axe finds
nothing on any page."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from frontdoor.roles import Role
from screening.models import PathwayRecord
from tests.factories import UserFactory
from tests.support.browser import reflows, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
JOURNEY = "lado"
CONCERNS = "A pupil says the PE teacher grabbed her arm <script>alert(1)</script> =SUM(A1)"


def test_the_lado_records_an_allegation_and_its_initial_consideration(
    page, screener, assert_no_axe_violations
):
    lado = UserFactory(roles=[Role.LADO], full_name="Lee Designated")
    sign_in(page, lado)
    page.get_by_role("link", name="Screening").first.click()  # the area: its one page
    expect(page.get_by_role("heading", level=1)).to_have_text("Specialist pathways")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile("LADO")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("LADO")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Record a new one").click()
    assert_no_axe_violations(page)

    page.get_by_label("What were we told?").fill(CONCERNS)
    page.get_by_role("button", name="Record").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the adult the allegation is about")
    expect(summary).to_contain_text("Enter who told us")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_label("What were we told?")).to_have_value(CONCERNS)
    assert_no_axe_violations(page)
    reflows(page, "form-errors", journey=JOURNEY)

    page.get_by_label("The adult the allegation is about").fill("Mark Teacher")
    page.get_by_label("Their job or role with children").fill("PE teacher")
    page.get_by_label("Their employer or the organisation they volunteer for").fill("Oak Primary")
    page.get_by_label("Employer's contact (name, phone or email)").fill("Jo Head, 01632 960555")
    page.get_by_label("Child's first name").fill("Amelia")
    page.get_by_label("Child's last name").fill("Harrison")
    page.get_by_label("Who told us").fill("Jo Head")
    page.get_by_role("button", name="Record").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("LADO")
    expect(page.locator("main")).to_contain_text("Mark Teacher")
    expect(page.locator("main")).to_contain_text("Initial consideration due")
    expect(page.locator("main")).to_contain_text(CONCERNS)
    assert_no_axe_violations(page)
    reflows(page, "record", journey=JOURNEY)

    page.get_by_label("Initial consideration: no further action by the LADO").check()
    page.get_by_label("What was done, or what was shared").fill("Spoke to the head: no harm.")
    page.get_by_role("button", name="Record outcome").click()
    expect(page.locator("main")).to_contain_text("Spoke to the head: no harm.")
    assert_no_axe_violations(page)

    reference = PathwayRecord.objects.get().contact.reference
    sign_in(page, screener)
    response = page.goto(reverse("screening:pathway", args=[reference]))
    assert response.status == 404
