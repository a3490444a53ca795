"""The security pages in Chromium, each checked with axe: restricting a record (with
an error fixed), the refusal another screener sees, the restricted-records review,
who has looked at a record, retention, and a head of service lifting a restriction
that does not name them (with the reason first left out)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from frontdoor.roles import Role
from tests.browser.navigation import navigate
from tests.factories import UserFactory, submit_contact
from tests.support.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_restricts_a_record_and_reviews_it(
    page, chromium, live_server, manager, screener, referrer, assert_no_axe_violations
):
    contact = submit_contact(referrer)
    sign_in(page, manager)
    page.goto(f"/referrals/contacts/{contact.reference}/")
    page.get_by_role("link", name="Restrict this contact").click()
    assert_no_axe_violations(page)
    page.get_by_label(screener.full_name).check()
    page.get_by_role("button", name="Restrict the record").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why the record is restricted")
    expect(page.get_by_label(screener.full_name)).to_be_checked()
    assert_no_axe_violations(page)
    page.get_by_label("Why is this record restricted?").fill("The family of a member of staff.")
    page.get_by_role("button", name="Restrict the record").click()
    expect(page.locator(".govuk-warning-text")).to_contain_text("restricted to named people")

    navigate(page, "People", "Restricted records")
    expect(page.locator("table")).to_contain_text(contact.reference)
    assert_no_axe_violations(page)

    person_id = contact.subjects.get(role="child").person_id
    page.goto(f"/referrals/people/{person_id}/access/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Who has looked at")
    assert_no_axe_violations(page)

    page.goto("/outcomes/retention/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Retention")
    assert_no_axe_violations(page)

    other = UserFactory(roles=[Role.SCREENER], full_name="Olly Otherscreener")
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    other_page = context.new_page()
    sign_in(other_page, other)
    other_page.goto(f"/referrals/contacts/{contact.reference}/")
    expect(other_page.get_by_role("heading", level=1)).to_have_text("This record is restricted")
    expect(other_page.locator("main")).to_contain_text(manager.full_name)
    assert_no_axe_violations(other_page)
    context.close()


def test_head_of_service_lifts_a_restriction_that_does_not_name_them(
    page, live_server, manager, screener, referrer, assert_no_axe_violations
):
    from datetime import timedelta

    from django.utils import timezone

    from referrals import services

    contact = submit_contact(referrer)
    services.restriction_add(
        actor=manager,
        contact=contact,
        reason="The family of a member of staff.",
        ask=manager,
        allowed=[screener],
        review_due=timezone.localdate() + timedelta(days=30),
    )
    head = UserFactory(roles=[Role.MANAGER, Role.HEAD_OF_SERVICE], full_name="Hana Head")
    sign_in(page, head)
    navigate(page, "People", "Restricted records")
    expect(page.locator("table")).to_contain_text(contact.reference)
    expect(page.locator("table")).not_to_contain_text("member of staff")
    page.get_by_role("button", name=f"Lift the restriction on {contact.reference}").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why you are lifting")
    assert_no_axe_violations(page)
    page.get_by_label("Why are you lifting it?").fill("Everyone named on it has left the council.")
    page.get_by_role("button", name=f"Lift the restriction on {contact.reference}").click()
    expect(page.locator("main")).to_contain_text("The restriction is lifted.")
    expect(page.locator("main")).to_contain_text("No records are restricted")
