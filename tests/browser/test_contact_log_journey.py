"""The contact log in real Chromium (issue 20, part 2): a screener opens a contact, sees
who sent it with links to call and email them, tries to log a call with nothing typed
(told what is missing, at the field), logs the call (with <script> in the note, shown as
text), then corrects it from the entry's "Correct" link and sees the correction shown
against what it corrects; axe finds nothing at each step. A referrer's own view of the
referral shows their details and leads to changing their number. Screenshots at 1280 and
375 px go to /tmp/contact-log/."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from screening.models import ContactLogEntry
from tests.factories import submit_contact
from tests.support.browser import reflows, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
JOURNEY = "contact-log"


def test_a_screener_logs_a_call_and_corrects_it(
    page, screener, referrer, police, assert_no_axe_violations
):
    contact = submit_contact(referrer, received_at=timezone.now() - timedelta(hours=3))
    sign_in(page, screener)
    page.goto(reverse("screening:contact", args=[contact.reference]))

    who = page.locator("#referrer")
    expect(who).to_contain_text(referrer.full_name)
    expect(who.get_by_role("link", name="01632 960001")).to_have_attribute(
        "href", "tel:+441632960001"
    )
    expect(who.get_by_role("link", name=referrer.email)).to_have_attribute(
        "href", f"mailto:{referrer.email}"
    )
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Go to the contact log").click()
    log = page.locator("form", has=page.get_by_role("button", name="Add to the log"))
    log.get_by_label("Time", exact=True).fill("")
    log.get_by_role("button", name="Add to the log").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select who it was with")
    expect(summary).to_contain_text("Select how it happened")
    expect(summary).to_contain_text("Enter the time")
    expect(summary).to_contain_text("Enter what was said or done")
    expect(page).to_have_title(re.compile(rf"^Error: Screening {contact.reference}\b"))
    assert_no_axe_violations(page)
    summary.get_by_role("link", name="Select who it was with").click()
    expect(page.get_by_role("radio", name="The referrer")).to_be_focused()

    log = page.locator("form", has=page.get_by_role("button", name="Add to the log"))
    log.get_by_role("radio", name="A partner agency").check()
    log.get_by_label("Which agency").select_option(label=police.name)
    log.get_by_label("Their name or role").fill("DS Khan")
    log.get_by_role("radio", name="Phone call").check()
    when = timezone.localtime() - timedelta(hours=1)
    day = log.get_by_role("group", name="Date")
    day.get_by_label("Day").fill(str(when.day))
    day.get_by_label("Month").fill(str(when.month))
    day.get_by_label("Year").fill(str(when.year))
    log.get_by_label("Time", exact=True).fill(f"{when:%H:%M}")
    log.get_by_label("What was said or done").fill(
        "DS Khan: two call-outs in May <script>alert(1)</script>; no arrests."
    )
    log.get_by_role("button", name="Add to the log").click()

    entry = ContactLogEntry.objects.get()
    card = page.locator(f"#log-entry-{entry.pk}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Added to the contact log")
    expect(card).to_contain_text(f"Phone call with {police.name} (DS Khan)")
    expect(card).to_contain_text("<script>alert(1)</script>")  # as text, not run
    assert_no_axe_violations(page)
    reflows(page, "logged", journey=JOURNEY)

    card.get_by_role("link", name="Correct").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Correct a contact log entry")
    expect(page.get_by_label("Their name or role")).to_have_value("DS Khan")
    assert_no_axe_violations(page)
    page.get_by_label("Their name or role").fill("DC Patel")
    page.get_by_label("What was said or done").fill("DC Patel: two call-outs in May.")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why the entry is being corrected"
    )
    expect(page.get_by_label("Their name or role")).to_have_value("DC Patel")  # kept
    assert_no_axe_violations(page)
    page.get_by_label("Why are you correcting it?").fill("It was DC Patel, not DS Khan.")
    page.get_by_role("button", name="Save the correction").click()

    correction = ContactLogEntry.objects.get(corrects=entry)
    card = page.locator(f"#log-entry-{correction.pk}")
    expect(card).to_contain_text("Correction")
    expect(card).to_contain_text("It was DC Patel, not DS Khan.")
    expect(card.locator(f"#log-entry-{entry.pk}")).to_contain_text("DS Khan: two call-outs")
    expect(card.get_by_role("heading", name="It corrects this entry")).to_be_visible()
    assert_no_axe_violations(page)
    reflows(page, "corrected", journey=JOURNEY)


def test_a_referrer_sees_their_details_and_changes_their_number(
    page, referrer, assert_no_axe_violations
):
    contact = submit_contact(referrer)
    sign_in(page, referrer)
    page.goto(reverse("outcomes:my-referral", args=[contact.reference]))
    expect(page.locator("#referrer")).to_contain_text("01632 960001")
    expect(page.get_by_text("Contact log")).to_have_count(0)
    assert_no_axe_violations(page)
    page.locator("#referrer").get_by_role("link", name="Change").click()
    page.get_by_label("Your telephone number").fill("0163 296")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a UK telephone number")
    assert_no_axe_violations(page)
    page.get_by_label("Your telephone number").fill("07700 900 982")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("07700 900982")
    assert_no_axe_violations(page)
    referrer.refresh_from_db()
    assert referrer.phone == "07700 900982"
