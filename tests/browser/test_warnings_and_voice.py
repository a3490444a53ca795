"""Warnings and the child's voice in real Chromium, checked with axe: a screener sets a
warning on a person and sees it on the contact page; a referrer gives a child's words."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.navigation import navigate
from tests.factories import adult_input, child_input, submit_contact
from tests.support.browser import fill_person, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_screener_sets_a_warning_and_sees_it_on_the_contact(
    page, screener, referrer, assert_no_axe_violations
):
    contact = submit_contact(
        referrer, subjects=[child_input(), adult_input(first_name="Kyle", last_name="Mercer")]
    )
    father = contact.subjects.get(first_name="Kyle").person

    sign_in(page, screener)
    page.goto(f"/referrals/people/{father.pk}/")
    expect(page.get_by_text("No active warnings")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Add a warning").click()
    page.get_by_role("button", name="Add the warning").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select what kind of warning it is")
    expect(summary).to_contain_text("Enter what the warning is based on")
    assert_no_axe_violations(page)

    page.get_by_label("Risk to staff").check()
    page.get_by_label("What is the warning based on?").fill(
        "Threatened a social worker at the door; police log 12 March 2026."
    )
    review = timezone.localdate() + timedelta(days=60)
    date = page.get_by_role("group", name="Review date")
    date.get_by_label("Day").fill(str(review.day))
    date.get_by_label("Month").fill(str(review.month))
    date.get_by_label("Year").fill(str(review.year))
    page.get_by_role("button", name="Add the warning").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Warning added")
    expect(page.locator("#warnings")).to_contain_text("Risk to staff")
    assert_no_axe_violations(page)

    page.goto(f"/screening/{contact.reference}/")
    warnings = page.locator("#warnings")
    expect(warnings).to_contain_text("Kyle Mercer: Risk to staff")
    expect(warnings).to_contain_text("Threatened a social worker at the door")
    assert_no_axe_violations(page)
    navigate(page, "Screening", "Queue")
    expect(page.locator("table")).to_contain_text("Warning: Risk to staff")
    assert_no_axe_violations(page)


def test_a_referrer_gives_the_childs_voice(page, referrer, assert_no_axe_violations):
    sign_in(page, referrer)
    navigate(page, "Referrals", "Refer a concern")
    child = page.locator("#children-0")
    fill_person(child, "Amelia", "Harrison", ("12", "4", "2016"))
    seen = child.get_by_role("group", name="Has the child been seen or spoken to")
    seen.get_by_label("Yes").check()
    child.get_by_label("What did the child say?").fill("Mum's boyfriend hits me when she is out.")
    page.get_by_label("What are you worried about?").fill(
        "Amelia told her teacher that mum's partner hit her. Bruising seen on her arm."
    )
    page.get_by_label("Physical abuse").check()
    page.get_by_label("Within one working day").check()
    page.get_by_label("Yes, and they agreed to it").check()
    page.get_by_role("button", name="Continue", exact=True).click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Child 1: Enter who saw or spoke to the child")
    expect(summary).to_contain_text("Child 1: Enter the date they were seen or spoken to")
    expect(child.get_by_label("What did the child say?")).to_have_value(
        "Mum's boyfriend hits me when she is out."
    )
    assert_no_axe_violations(page)

    child.get_by_label("Who saw or spoke to them").fill("Sam Jones, class teacher")
    when = child.get_by_role("group", name="Date they were seen or spoken to")
    when.get_by_label("Day").fill("20")
    when.get_by_label("Month").fill("11")
    when.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    expect(page.locator("main")).to_contain_text("Mum's boyfriend hits me when she is out.")
    expect(page.locator("main")).to_contain_text("Sam Jones, class teacher")
    assert_no_axe_violations(page)
