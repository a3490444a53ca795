"""Police notifications in real Chromium (docs/adr/0037): a police member records one on
the form (sent first with a formula for a reference: told, nothing typed lost), and a
screener bulk-triages five standard-risk notifications in one step. Axe finds nothing."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from referrals.models import PoliceNotification
from screening.models import Decision, OnwardService, Route
from tests.support.browser import sign_in
from tests.support.police import ACCOUNT, police_child, record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SAID = "Daddy threw the plate <script>alert(1)</script>"
NAMES = [("Ada", "Quinn"), ("Bilal", "Okafor"), ("Cora", "Lindqvist"), ("Dev", "Marsh"),
         ("Esme", "Varga")]  # fmt: skip


def test_a_police_member_records_a_notification(page, police_member, assert_no_axe_violations):
    sign_in(page, police_member)
    page.goto(reverse("referrals:police-form"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a police notification")
    assert_no_axe_violations(page)

    yesterday = timezone.localdate().replace(day=1)
    page.locator("#id_incident-police_reference").fill("=SUM(A1)")
    page.locator("#id_incident-incident_date_0").fill(str(yesterday.day))
    page.locator("#id_incident-incident_date_1").fill(str(yesterday.month))
    page.locator("#id_incident-incident_date_2").fill(str(yesterday.year))
    page.locator("#id_incident-incident_time").fill("00:15")
    page.get_by_label("Domestic abuse").check()
    page.get_by_label("Standard").check()
    page.locator("#id_incident-officer_account").fill(ACCOUNT)
    page.get_by_label("The officer did not say").check()
    page.locator("#id_child-0-first_name").fill("Mia")
    page.locator("#id_child-0-last_name").fill("Fletcher")
    page.get_by_label("Present at the incident").first.check()
    page.locator("#id_child-0-child_said").fill(SAID)
    page.get_by_role("button", name="Record the notification").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text("must start with a letter")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("#id_child-0-child_said")).to_have_value(SAID)
    expect(page.locator("#id_incident-officer_account")).to_have_value(ACCOUNT)
    assert_no_axe_violations(page)

    page.locator("#id_incident-police_reference").fill("NYP-24-5555")
    page.get_by_role("button", name="Record the notification").click()
    notification = PoliceNotification.objects.get()
    expect(page.locator("body")).to_contain_text(
        f"Notification NYP-24-5555 is recorded as {notification.contact.reference}"
    )
    assert notification.contact.subjects.get().child_said == SAID


def test_a_screener_bulk_triages_five_standard_risk_notifications(
    page, screener, police_member, assert_no_axe_violations
):
    hub = OnwardService.objects.create(route=Route.EARLY_HELP, name="Family Hub North")
    OnwardService.objects.create(
        route=Route.EARLY_HELP, name="Domestic Abuse Service", needs_consent=True
    )
    contacts = [
        record(
            police_member,
            f"BT-{n}",
            subjects=[police_child(first_name=first, last_name=last, postcode=f"YO{n} 1AA")],
        )[0]
        for n, (first, last) in enumerate(NAMES, start=1)
    ]
    sign_in(page, screener)
    page.goto(reverse("screening:queue"))
    page.get_by_role("link", name="Standard-risk police notifications").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Standard-risk police notifications")
    assert_no_axe_violations(page)

    for contact in contacts:
        page.get_by_label(f"Decide {contact.reference} with the others ticked").check()
        box = page.get_by_label(f"Rationale for {contact.reference}")
        box.fill(box.input_value() + "a verbal argument only; early help offered.")
    page.get_by_label("Early help (prevention)").check()
    page.get_by_role("button", name="Record a decision for each one ticked").click()

    # Early help has the council's own services: one is named for the batch, its error
    # linking to the field, and everything typed kept.
    expect(page).to_have_title(re.compile("^Error: "))
    page.get_by_role("link", name="Select the service the contact goes to").click()
    expect(page.locator("#service")).to_be_focused()
    assert_no_axe_violations(page)
    page.locator("#service").select_option(label="Early help (prevention): Family Hub North")
    page.get_by_role("button", name="Record a decision for each one ticked").click()

    expect(page.locator("body")).to_contain_text("Decided 5:")
    assert_no_axe_violations(page)
    assert Decision.objects.filter(contact__in=contacts, service=hub).count() == 5
    assert len({d.rationale for d in Decision.objects.all()}) == 5
