"""Where focus lands on the screening page and the referral form, in real Chromium:
on what the person acted on or the new content, never the page body. Screenshots of
the contact and decision pages at 1280 and 375 px go to /tmp/screening-page/."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import submit_contact
from tests.support.browser import reflows, sign_in
from tests.support.screening import RATIONALE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
JOURNEY = "screening-page"


def test_focus_follows_the_screeners_actions(page, screener, referrer, assert_no_axe_violations):
    contact = submit_contact(referrer)
    sign_in(page, screener)
    page.goto(reverse("screening:queue"))

    page.get_by_role("button", name="Take the next contact").click()
    expect(page).to_have_url(f"{page.url.split('#')[0].rstrip('/')}/#contact-title")
    expect(page.locator("#contact-title")).to_be_focused()

    page.get_by_role("link", name="Go to the decision").click()
    expect(page.locator("#decision")).to_be_focused()

    danger = page.get_by_label("Danger statement")
    danger.fill("School are worried Amelia will be hurt again.")
    page.wait_for_function("document.querySelector('#sos-status').textContent.includes('Saved')")
    expect(danger).to_be_focused()
    reflows(page, "contact", journey=JOURNEY)
    assert_no_axe_violations(page)

    page.get_by_role("radio", name="Information and advice").check()
    page.get_by_label("2: ", exact=False).first.check()
    page.get_by_label("Rationale").fill(RATIONALE)
    page.get_by_label("Tell the family a referral was made").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page).to_have_title(re.compile(rf"^Error: Screening {contact.reference} "))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the advice that was given")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    reflows(page, "decision-errors", journey=JOURNEY)
    assert_no_axe_violations(page)

    page.get_by_label("What advice was given?", exact=False).fill(
        "Keep in touch with the school nurse; call us if Amelia is hurt."
    )
    page.get_by_label("The person who made the referral").check()
    page.get_by_role("button", name="Record decision").click()
    decided = page.locator(".govuk-notification-banner").filter(has_text="Decision recorded")
    expect(decided).to_have_count(1)
    expect(page.get_by_text("Decided on time")).to_be_visible()
    reflows(page, "decided", journey=JOURNEY)
    assert_no_axe_violations(page)


def test_focus_lands_on_the_new_child_and_on_the_field_to_change(page, referrer):
    sign_in(page, referrer)
    form = reverse("referrals:referral-form")
    page.goto(form)

    page.get_by_role("button", name="Add another child").click()
    expect(page.locator("#id_children-1-first_name")).to_be_focused()

    # A "Change" link on check your answers leads to the field itself.
    page.goto(f"{form}#id_concern-concerns")
    expect(page.locator("#id_concern-concerns")).to_be_focused()
