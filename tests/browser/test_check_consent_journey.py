"""Consent and the lawful basis for a check in real Chromium (issue 20, part 4), with the
council's rule that a check without consent waits for a manager: a screener sends a
check with nothing chosen for the basis (told what is missing, the question kept), then
sends it without consent for another lawful reason typed with <script> and a NUL-free
formula in it (shown as text), and sees it wait for a manager; the partner member does
not see it; a manager finds it on their approvals and approves it; the member then
reads it with its basis. axe finds nothing at each step. Screenshots at 1280 and 375 px
go to /tmp/check-consent/."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from screening import services
from tests.factories import adult_input, child_input, submit_contact
from tests.support.browser import reflows, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
JOURNEY = "check-consent"
REASON = "Mum's partner is under police investigation <script>alert(1)</script> =SUM(A1)"


def test_a_check_without_consent_waits_for_a_manager_then_reaches_the_agency(
    page, settings, screener, manager, referrer, police, police_member, assert_no_axe_violations
):
    settings.CHECKS_WITHOUT_CONSENT_NEED_APPROVAL = True
    contact = submit_contact(referrer, subjects=[child_input(), adult_input()])
    services.screening_claim(actor=screener, contact=contact)

    sign_in(page, screener)
    page.goto(reverse("screening:contact", args=[contact.reference]) + "#checks")
    form = page.locator("form", has=page.get_by_role("button", name="Send check"))
    expect(form).to_contain_text("A check without consent goes to the agency once a manager")
    form.get_by_label("Agency to ask").select_option(label="Demo Police")
    form.get_by_label("What do you need to know?").fill("Any incidents at the address?")
    form.get_by_role("button", name="Send check").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select the basis for sharing the family's information")
    expect(page.get_by_label("What do you need to know?")).to_have_value(
        "Any incidents at the address?"
    )
    assert_no_axe_violations(page)

    form = page.locator("form", has=page.get_by_role("button", name="Send check"))
    form.get_by_label("Without consent: another lawful reason").check()
    form.get_by_role("button", name="Send check").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say the lawful reason")
    form = page.locator("form", has=page.get_by_role("button", name="Send check"))
    form.get_by_label("Why without consent").fill(REASON)
    form.get_by_role("button", name="Send check").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "once a manager approves sharing without consent"
    )
    card = page.locator(".govuk-summary-card", has_text="Demo Police")
    expect(card).to_contain_text("Waiting for a manager's approval")
    expect(card).to_contain_text(REASON)  # as text: the script never ran
    assert_no_axe_violations(page)
    reflows(page, "screener-waiting", journey=JOURNEY)

    sign_in(page, police_member)
    page.goto(reverse("screening:member-checks"))
    expect(page.get_by_text("No checks have been asked of Demo Police.")).to_be_visible()

    sign_in(page, manager)
    page.goto(reverse("screening:approvals"))
    assert_no_axe_violations(page)
    page.get_by_role("link", name=contact.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share without the family's consent?")
    expect(page.locator(".govuk-summary-list")).to_contain_text(REASON)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select whether the check may be sent"
    )
    assert_no_axe_violations(page)
    page.get_by_label("Yes, send it to the agency").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent to Demo Police")
    expect(page.get_by_text("No checks are waiting for approval.")).to_be_visible()

    sign_in(page, police_member)
    page.goto(reverse("screening:member-checks"))
    page.get_by_role("link", name=contact.reference).click()
    basis = page.locator(".govuk-summary-list")
    expect(basis).to_contain_text("Without consent: another lawful reason")
    expect(basis).to_contain_text(REASON)
    expect(basis).to_contain_text(f"Approved by a manager{manager.full_name}")
    assert_no_axe_violations(page)
    reflows(page, "member-reads-basis", journey=JOURNEY)
