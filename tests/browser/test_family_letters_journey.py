"""Family letters in real Chromium (issue 20, part 5), in an install without GOV.UK
Notify: a screener finds a decided contact has no postal address for the family, tries
to add one with hostile input (told what to fix, nothing typed lost), then adds it; a
manager sends the failed letter again (the page says it goes in the print batch),
downloads the day's print batch from "Letters to post", reads the letter in it, marks
the batch printed and then posted, and sees it posted on the contact. Axe finds nothing
at each step. Screenshots at 1280 and 375 px go to /tmp/family-letters/."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from outcomes import letters, services
from outcomes.models import Notice
from tests.factories import child_input
from tests.support.browser import reflows, sign_in
from tests.support.letters import family_notice, pdf_text, told_family

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
JOURNEY = "family-letters"


def test_a_family_letter_is_addressed_printed_and_posted(
    page, screener, manager, referrer, level, settings, assert_no_axe_violations
):
    settings.NOTIFY_API_KEY = ""
    contact, _ = told_family(referrer, screener, level, subjects=[child_input()])
    assert family_notice(contact).status == Notice.Status.PERMANENT_FAILURE

    sign_in(page, screener)
    page.goto(reverse("screening:contact", args=[contact.reference]))
    section = page.locator("#family-letters")
    expect(section).to_contain_text("No address")
    assert_no_axe_violations(page)
    section.get_by_role("link", name="Add an address for the family").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The family's postal address")
    page.get_by_role("button", name="Save the address").click()
    summary = page.locator(".govuk-error-summary")
    for message in (
        "Enter the name to put on the letter",
        "Enter the first line of the address",
        "Enter the town or city",
        "Enter the postcode",
    ):
        expect(summary).to_contain_text(message)
    expect(page).to_have_title(re.compile(r"^Error: "))
    page.get_by_label("Name on the letter").fill("Ms Dawn Harrison")
    page.get_by_label("Address line 1").fill("<script>alert(1)</script>")
    page.get_by_label("Town or city").fill("Selby")
    page.get_by_label("Postcode").fill("NOT A CODE")
    page.get_by_role("button", name="Save the address").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The address cannot contain < or >")
    expect(page.get_by_label("Address line 1")).to_have_value("<script>alert(1)</script>")
    expect(page.get_by_label("Name on the letter")).to_have_value("Ms Dawn Harrison")
    assert_no_axe_violations(page)
    reflows(page, "address-errors", journey=JOURNEY)
    page.get_by_label("Address line 1").fill("22 Acacia Avenue")
    page.get_by_role("button", name="Save the address").click()
    expect(summary).to_contain_text("Enter a real postcode, like YO1 7HH")
    page.get_by_label("Postcode").fill("yo8 4aa")
    page.get_by_role("button", name="Save the address").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("address is saved")
    expect(page.locator("#family-letters")).to_contain_text("22 Acacia Avenue")
    expect(page.locator("#family-letters")).to_contain_text("YO8 4AA")

    # A manager sends the failed letter again: it goes in the print batch.
    page.context.clear_cookies()
    sign_in(page, manager)
    page.goto(reverse("outcomes:contact-notices", args=[contact.reference]))
    expect(page.locator("main")).to_contain_text(
        "Notify not configured: this letter goes in the print batch"
    )
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send again the outcome to the family").click()
    again = Notice.objects.get(contact=contact, resend_of__isnull=False)
    # What the worker and the hourly beat job do.
    services.notice_deliver(notice_id=again.pk)
    batch = letters.print_batch_gather()

    page.get_by_role("link", name="Letters to post").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Letters to print and post")
    row = page.locator(f"#batch-{batch.pk}")
    expect(row).to_contain_text("1 to print")
    assert_no_axe_violations(page)
    reflows(page, "batches", journey=JOURNEY)
    with page.expect_download() as download:
        row.get_by_role("button", name="Download the letters (PDF)").click()
    text = pdf_text(Path(download.value.path()).read_bytes())
    assert "Ms Dawn Harrison 22 Acacia Avenue Selby YO8 4AA" in text
    assert f"Our reference: {contact.reference}" in text

    page.reload()
    row = page.locator(f"#batch-{batch.pk}")
    row.get_by_role("button", name="Mark printed").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 letter marked printed")
    row = page.locator(f"#batch-{batch.pk}")
    expect(row).to_contain_text("1 printed, to post")
    assert_no_axe_violations(page)
    row.get_by_role("button", name="Mark posted").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 letter marked posted")
    expect(page.locator(f"#batch-{batch.pk}")).to_contain_text("1 posted")
    assert_no_axe_violations(page)

    page.goto(reverse("screening:contact", args=[contact.reference]))
    expect(page.locator("#family-letters")).to_contain_text("Posted on")
    assert_no_axe_violations(page)
    reflows(page, "contact-posted", journey=JOURNEY)
