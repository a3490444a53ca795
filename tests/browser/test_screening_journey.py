"""Screening in real Chromium: claim, Signs of Safety, a police check answered by the
police member, a strategy-discussion decision, a manager's approval; axe on each page."""

import pytest
from playwright.sync_api import expect

from referrals.models import Contact
from tests.browser.navigation import navigate
from tests.factories import submit_contact
from tests.support.browser import sign_in
from tests.support.screening import RATIONALE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")


def test_screen_check_decide_and_approve(
    page, screener, manager, referrer, police_member, assert_no_axe_violations
):
    contact = submit_contact(referrer)

    sign_in(page, screener)
    navigate(page, "Screening", "Queue")
    assert contact.reference in page.locator("table").inner_text()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Take the next contact").click()
    expect(page.get_by_text(f"Being screened by {screener.full_name}")).to_be_visible()

    page.get_by_label("Danger statement").fill(
        "School and police are worried that Amelia will be hurt again by mum's partner."
    )
    page.get_by_label("Existing strengths").fill("Mum took Amelia to school and told staff.")
    page.get_by_label("Scaling: how safe is the child?").select_option("2")
    page.wait_for_function("document.querySelector('#sos-status').textContent.includes('Saved at')")
    assert_no_axe_violations(page)

    page.get_by_label("Agency to ask").select_option(label="Demo Police")
    page.get_by_label("What do you need to know?").fill("Any incidents at the family's address?")
    page.get_by_label("Without consent: a child is at risk of significant harm").check()
    page.get_by_role("button", name="Send check").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Check sent to Demo Police")
    sign_out(page)

    sign_in(page, police_member)
    navigate(page, "Screening", "Checks")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=contact.reference).click()
    page.get_by_label("What your agency knows").fill(
        "Two domestic incidents at the address in 2026."
    )
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send answer").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been sent")
    sign_out(page)

    sign_in(page, screener)
    page.goto(f"/screening/{contact.reference}/")
    expect(page.get_by_text("Two domestic incidents at the address in 2026.")).to_be_visible()
    page.get_by_label("Strategy discussion (s47)").check()
    page.get_by_label("Primary need (CIN census)").select_option("N1")
    page.get_by_label("4: Specialist: child protection").check()
    page.get_by_label("Rationale").fill(RATIONALE)
    page.get_by_label("Tell the family a referral was made").check()
    page.get_by_role("button", name="Record decision").click()
    banners = page.locator(".govuk-notification-banner")
    expect(banners.filter(has_text="waiting for a manager")).to_have_count(1)
    # The family is to be told and the referral gave no address for them: said at once.
    expect(banners.filter(has_text="No postal address is known for the family")).to_have_count(1)
    assert_no_axe_violations(page)
    sign_out(page)

    sign_in(page, manager)
    navigate(page, "Screening", "Approvals")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=contact.reference).click()
    assert_no_axe_violations(page)
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("approved")

    contact.refresh_from_db()
    assert contact.status == Contact.Status.DECIDED
