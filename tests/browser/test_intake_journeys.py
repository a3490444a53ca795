"""Intake in real Chromium: a referral with a validation error fixed, and a phone
consultation, each page checked with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from referrals.models import Contact
from tests.browser.navigation import navigate
from tests.support.browser import fill_person, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_referrer_sends_a_referral_about_two_children_and_an_adult(
    page, referrer, assert_no_axe_violations
):
    sign_in(page, referrer)
    navigate(page, "Referrals", "Refer a concern")
    assert_no_axe_violations(page)

    fill_person(page.locator("#children-0"), "Amelia", "Harrison", ("12", "4", "2016"))
    page.get_by_role("button", name="Add another child").click()
    fill_person(page.locator("#children-1"), "Noah", "Harrison", ("31", "2", "2019"))  # no such day
    page.get_by_role("button", name="Add an adult").click()
    adult = page.locator("#adults-0")
    adult.get_by_label("Parent", exact=True).check()
    adult.get_by_label("Relationship to the children (optional)").fill("Mother of both")
    fill_person(adult, "Dawn", "Harrison")
    page.get_by_label("What are you worried about?").fill(
        "Amelia told her teacher that mum's partner hit her. Bruising seen on her arm."
    )
    page.get_by_label("Physical abuse").check()
    page.get_by_label("Within one working day").check()
    page.get_by_label("Yes, and they agreed to it").check()
    page.get_by_role("button", name="Continue").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Child 2: Date of birth must be a real date")
    assert_no_axe_violations(page)
    # Nothing typed was lost.
    assert page.locator("#children-0").get_by_label("First name").input_value() == "Amelia"
    assert page.get_by_label("What are you worried about?").input_value().startswith("Amelia told")
    assert page.locator("#adults-0").get_by_label("First name").input_value() == "Dawn"

    summary.get_by_role("link", name=re.compile("Child 2")).click()
    page.locator("#children-1").get_by_role("group", name="Date of birth", exact=True).get_by_label(
        "Day"
    ).fill("28")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send referral").click()

    panel = page.locator(".govuk-panel")
    expect(panel).to_contain_text("Your reference is")
    contact = Contact.objects.get()
    assert contact.reference in panel.inner_text()
    assert [s.first_name for s in contact.subjects.all()] == ["Amelia", "Noah", "Dawn"]
    assert_no_axe_violations(page)


def test_screener_records_a_phone_consultation(page, screener, assert_no_axe_violations):
    sign_in(page, screener)
    navigate(page, "Screening", "Phone consultation")
    assert_no_axe_violations(page)

    page.get_by_label("Their name").fill("Dr Asha Patel")
    page.get_by_label("Their job, or relationship to the child").fill("GP")
    page.get_by_label("Their telephone number").fill("01632 960 002")
    page.get_by_label("Referral source (for the Children in Need census)").select_option(
        label="3A: Health services: GP"
    )
    fill_person(page.locator("#children-0"), "Leo", "Carter", ("5", "11", "2021"))
    page.get_by_label("What are you worried about?").fill(
        "Mum has told the GP she is struggling with low mood; Leo's attendance is poor."
    )
    page.get_by_label("Parental mental health").check()
    page.get_by_label("Routine").check()
    page.get_by_label("Yes, and they agreed to it").check()
    page.get_by_label("Advice you gave").fill("Offer an early help assessment; family consents.")
    page.get_by_label("Advice only: the caller will act on it, no screening needed").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Record consultation").click()

    expect(page.locator(".govuk-panel")).to_contain_text("Consultation recorded")
    contact = Contact.objects.get()
    assert contact.advice_only
    assert contact.channel == Contact.Channel.PHONE_CONSULTATION

    page.get_by_role("link", name=f"View {contact.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(contact.reference)
    assert_no_axe_violations(page)
