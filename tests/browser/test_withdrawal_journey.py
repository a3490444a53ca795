"""Withdrawing a contact in real Chromium (docs/adr/0036): a screener opens a contact,
follows "Withdraw this contact", picks "a duplicate" (the reference field appears),
sends it without the reference (told, nothing typed lost), then with it; the contact
page shows the withdrawal and the queue no longer lists it. Axe finds nothing."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from referrals.models import Contact, ContactWithdrawal, WithdrawalRequest
from tests.factories import submit_contact
from tests.support.browser import reflows, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
JOURNEY = "withdrawal"
NOTE = "The school sent this twice <script>alert(1)</script> =SUM(A1)"


def test_a_screener_withdraws_a_contact_as_a_duplicate(
    page, screener, referrer, assert_no_axe_violations
):
    first = submit_contact(referrer)
    second = submit_contact(referrer)
    sign_in(page, screener)
    page.goto(reverse("screening:contact", args=[second.reference]))
    page.get_by_role("link", name="Withdraw this contact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw this contact")
    assert_no_axe_violations(page)

    reference = page.get_by_label("Reference of the contact this one duplicates")
    expect(reference).to_be_hidden()
    page.get_by_label("A duplicate of another contact").check()
    expect(reference).to_be_visible()
    page.get_by_label("Front door staff").check()
    page.get_by_label("Note").fill(NOTE)
    page.get_by_role("button", name=f"Withdraw {second.reference}").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the reference of the other contact"
    )
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_label("Note")).to_have_value(NOTE)
    expect(page.get_by_label("A duplicate of another contact")).to_be_checked()
    assert_no_axe_violations(page)
    reflows(page, "reference-missing", journey=JOURNEY)

    page.get_by_label("Reference of the contact this one duplicates").fill(first.reference)
    page.get_by_role("button", name=f"Withdraw {second.reference}").click()
    expect(page.get_by_role("heading", name="Withdrawn", level=2)).to_be_visible()
    section = page.locator("#withdrawal")
    expect(section).to_contain_text("A duplicate of another contact")
    expect(section.get_by_role("link", name=first.reference)).to_be_visible()
    expect(section).to_contain_text(NOTE)
    expect(section).to_contain_text(screener.full_name)
    assert_no_axe_violations(page)

    assert Contact.objects.get(pk=second.pk).status == Contact.Status.WITHDRAWN
    assert ContactWithdrawal.objects.get().duplicate_of == first
    page.goto(reverse("screening:queue"))
    expect(page.get_by_role("link", name=first.reference)).to_be_visible()
    expect(page.get_by_role("link", name=second.reference)).to_have_count(0)


def test_a_referrer_asks_for_their_referral_to_be_withdrawn(
    page, referrer, assert_no_axe_violations
):
    """From their own referral: sent empty, then with a NUL in the note (told each time,
    nothing typed lost), then sent; the referral says the front door has the request."""
    contact = submit_contact(referrer)
    sign_in(page, referrer)
    page.goto(reverse("outcomes:my-referral", args=[contact.reference]))
    page.get_by_role("link", name="Ask us to withdraw this referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask us to withdraw this referral")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Ask us to withdraw it").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select why the contact should be withdrawn")
    expect(summary).to_contain_text("Enter a note saying what happened")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)

    page.get_by_label("I sent it in error").check()
    note = page.get_by_label("Tell us what happened")
    # A NUL typed into the note (pasted from another system) is refused with a reason.
    note.evaluate("(box, text) => { box.value = text; }", "Wrong family\u0000 " + NOTE)
    page.get_by_role("button", name="Ask us to withdraw it").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("null character")
    expect(page.get_by_label("I sent it in error")).to_be_checked()
    reflows(page, "referrer-nul", journey=JOURNEY)

    page.get_by_label("Tell us what happened").fill(NOTE)
    page.get_by_role("button", name="Ask us to withdraw it").click()
    expect(page.locator("#withdrawal-request")).to_contain_text("The front door has your request")
    expect(page.get_by_role("link", name="Ask us to withdraw this referral")).to_have_count(0)
    assert_no_axe_violations(page)
    assert WithdrawalRequest.objects.filter(contact=contact).count() == 1
