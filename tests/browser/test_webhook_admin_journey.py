"""Webhook endpoints in real Chromium (issue 21, the admin lane): from a case system's
partner system page an administrator adds an endpoint (a hostile address first: told
why, nothing typed lost), stores the secret shown once, rotates it with a grace period,
pauses the endpoint, finds a failed delivery in the log with the receiver's answer shown
as text, and replays from it after being told how many will be sent again. A real
receiver on loopback refuses, then accepts. Axe finds nothing and each page reflows."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from frontdoor.models import AuditEvent
from outcomes.handoff.delivery import endpoint_drain
from outcomes.models import Delivery
from tests.support.browser import reflows, sign_in
from tests.support.webhook_admin import (
    decision_stands,
    deliveries_of,
    receiver,
    receiving_system,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
JOURNEY = "webhook-admin"
SECRET = re.compile(r"^whsec_[A-Za-z0-9+/]{43}=$")
HOSTILE = "<script>alert(1)</script> =SUM(A1)"


def test_an_administrator_adds_rotates_pauses_and_replays_a_webhook_endpoint(
    page, administrator, screener, referrer, settings, assert_no_axe_violations
):
    settings.WEBHOOK_RETRY_DELAYS = []  # the first refusal is the last: a failed delivery
    system = receiving_system("Mosaic (live)")
    sign_in(page, administrator)
    page.goto(reverse("referrals:system", args=[system.pk]))
    page.get_by_role("link", name="Webhook endpoints of Mosaic (live)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhook endpoints")
    # In the administration area, under partner systems.
    expect(page.get_by_role("link", name="Administration")).to_have_attribute(
        "aria-current", "true"
    )
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Add a webhook endpoint").click()
    address = page.get_by_label("Address events are sent to")
    address.fill(HOSTILE)
    page.get_by_role("button", name="Add the endpoint and issue its secret").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The address cannot contain spaces"
    )
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(address).to_have_value(HOSTILE)
    assert_no_axe_violations(page)
    reflows(page, "address-refused", journey=JOURNEY)

    with receiver(500, b"<b>Mosaic is down</b> for maintenance") as down:
        address.fill(down)
        page.get_by_role("button", name="Add the endpoint and issue its secret").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Store the signing secret now")
        first = page.get_by_label("Signing secret").input_value()
        assert SECRET.match(first)
        assert_no_axe_violations(page)
        reflows(page, "secret-shown", journey=JOURNEY)
        secret_page = page.url
        page.get_by_role("link", name="I have stored it").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Webhook endpoint")
        page.goto(secret_page)  # shown once: back on the endpoint's page, without it
        expect(page.get_by_text("A signing secret is shown only once")).to_be_visible()
        assert first not in page.content()

        # A decision stands; the receiver refuses its event, which fails.
        contact = decision_stands(screener, referrer)
        endpoint = system.webhook_endpoints.get()
        assert endpoint_drain(endpoint_id=endpoint.pk).failed == 1

    page.get_by_role("link", name="Issue a new secret").click()
    page.get_by_role("button", name="Issue the secret").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose how long the old secret may keep signing"
    )
    assert_no_axe_violations(page)
    page.get_by_label("24 hours").check()
    page.get_by_role("button", name="Issue the secret").click()
    second = page.get_by_label("Signing secret").input_value()
    assert SECRET.match(second)
    assert second != first
    page.get_by_role("link", name="I have stored it").click()
    secrets = page.get_by_role("table").first
    expect(secrets).to_contain_text("Being replaced: signs until")
    expect(secrets).to_contain_text("Signing")

    page.get_by_role("button", name="Pause it").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The endpoint is paused")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Paused: its events are kept")

    page.get_by_role("link", name="Failed", exact=True).click()
    log = page.locator("#deliveries-caption").locator("xpath=..")
    expect(log).to_contain_text(contact.reference)
    expect(log).to_contain_text("500 Internal Server Error (refused)")
    assert_no_axe_violations(page)
    reflows(page, "log-failed", journey=JOURNEY)

    log.get_by_role("link", name="A decision stands").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A decision stands")
    expect(page.get_by_text("<b>Mosaic is down</b> for maintenance")).to_be_visible()
    assert_no_axe_violations(page)
    reflows(page, "delivery", journey=JOURNEY)

    page.get_by_role("link", name="Replay from here").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send 1 delivery again?")
    expect(
        page.get_by_text("The endpoint is paused: they wait until you resume it.")
    ).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send 1 again").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "1 delivery is being sent again, in order. They wait until you resume the endpoint."
    )
    [delivery] = deliveries_of(endpoint)
    assert delivery.state == Delivery.State.PENDING
    assert delivery.attempts == 0

    with receiver(204) as up:
        page.get_by_role("link", name="Change the address").click()
        page.get_by_label("Address events are sent to").fill(up)
        page.get_by_role("button", name="Save the address").click()
        page.get_by_role("button", name="Resume it").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("resumed")
        assert endpoint_drain(endpoint_id=endpoint.pk).delivered == 1
    page.reload()
    expect(page.get_by_role("link", name="All", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.locator("#deliveries-caption").locator("xpath=..")).to_contain_text("Delivered")
    assert_no_axe_violations(page)

    trail = list(
        AuditEvent.objects.filter(record_type="partner_system", record_id=str(system.pk))
        .order_by("pk")
        .values_list("detail__what", flat=True)
    )
    assert trail[1:] == [
        "webhook endpoint added",
        "webhook secret rotated",
        "webhook endpoint paused",
        "webhook deliveries replayed",
        "webhook endpoint address changed",
        "webhook endpoint resumed",
    ]
