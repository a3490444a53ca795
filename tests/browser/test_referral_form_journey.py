"""The referral form in Chromium, at a desktop and a phone width, checked with axe:
a blank submit names Child 1's missing fields, a "Change" link lands in its field,
and deleting a draft is asked first."""

import re

import pytest
from playwright.sync_api import expect

from referrals.models import ReferralDraft
from tests.browser.navigation import navigate
from tests.support.browser import fill_person, keep_screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 375)


@pytest.fixture
def look(page, assert_no_axe_violations):
    """Check the page with axe at each width (and keep a screenshot when asked)."""

    def check(name: str) -> None:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            keep_screenshot(page, name, journey="referral-form")
            assert_no_axe_violations(page)
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})

    return check


def test_referral_form_errors_change_links_and_deleting(page, referrer, look):
    sign_in(page, referrer)
    navigate(page, "Referrals", "Refer a concern")
    page.get_by_role("button", name="Continue", exact=True).click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Child 1: Enter a first name")
    expect(summary).to_contain_text("Child 1: Enter a last name")
    expect(summary).not_to_contain_text("Add at least one child")
    child = page.locator("#children-0")
    expect(child.locator("#id_children-0-first_name-error")).to_be_visible()
    look("empty-submit")
    summary.get_by_role("link", name=re.compile("Child 1: Enter a last name")).click()
    expect(page.locator("#id_children-0-last_name")).to_be_focused()

    fill_person(child, "Amelia", "Harrison", ("12", "4", "2016"))
    child.get_by_label("Female").check()
    page.get_by_label("What are you worried about?").fill(
        "Amelia told her teacher that mum's partner hit her. Bruising seen on her arm."
    )
    page.get_by_label("Physical abuse").check()
    page.get_by_label("Within one working day").check()
    page.get_by_label("Yes, and they agreed to it").check()
    page.get_by_role("button", name="Continue", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    sex = page.locator(".govuk-summary-list__row", has_text="Sex")
    expect(sex.locator(".govuk-summary-list__value")).to_have_text("Female")
    look("check-answers")

    page.get_by_role("link", name="Change Child 1's sex").click()
    expect(page).to_have_url(re.compile(r"/referrals/new/#id_children-0-sex$"))
    expect(page.locator("#id_children-0-sex")).to_be_checked()
    expect(page.locator("#id_children-0-sex")).to_be_focused()
    # The question is shown too, not scrolled away above the field.
    expect(page.locator("#id_children-0-sex-group legend")).to_be_in_viewport()
    page.go_back()
    page.get_by_role("link", name="Change Child 1's date of birth").click()
    expect(page.locator("#id_children-0-date_of_birth_0")).to_be_focused()
    expect(page.locator("#id_children-0-date_of_birth-group legend")).to_be_in_viewport()

    page.get_by_role("link", name="Delete this draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to delete this referral draft?"
    )
    look("delete-confirm")
    page.get_by_role("link", name="No, go back").click()
    expect(page.locator("#id_children-0-first_name")).to_have_value("Amelia")
    assert ReferralDraft.objects.filter(owner=referrer).exists()

    page.get_by_role("link", name="Delete this draft").click()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your unfinished answers have been deleted"
    )
    assert not ReferralDraft.objects.filter(owner=referrer).exists()
    navigate(page, "Referrals", "Refer a concern")
    expect(page.locator("#id_children-0-first_name")).to_have_value("")
    look("form-after-delete")
