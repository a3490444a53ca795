"""A referrer sees the outcome of their referral after the decision, in Chromium."""

import pytest
from playwright.sync_api import expect

from screening import services as screening
from screening.models import Route
from tests.browser.navigation import navigate
from tests.factories import submit_contact
from tests.support.browser import sign_in
from tests.support.screening import decide

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_referrer_sees_the_outcome(page, screener, referrer, assert_no_axe_violations):
    from screening.models import ThresholdLevel

    contact = submit_contact(referrer)
    screening.screening_claim(actor=screener, contact=contact)
    decide(screener, contact, ThresholdLevel.objects.get(number=2), route=Route.EARLY_HELP)

    sign_in(page, referrer)
    navigate(page, "Referrals", "Your referrals")
    expect(page.locator("table")).to_contain_text("Early help (prevention)")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=contact.reference).click()
    expect(page.get_by_text("will contact the family to offer support")).to_be_visible()
    assert_no_axe_violations(page)
