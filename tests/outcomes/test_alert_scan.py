"""The alerts' scan, reviewed (docs/adr/0042): immediate risk measured from when the
contact became immediate; only what crossed its threshold since the last scan; one
summary instead of a flood."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.working_days import add_working_time
from outcomes.alerts import delivery, scan
from outcomes.models import Alert
from referrals.models import Contact
from tests.factories import submit_contact
from tests.support.mail import smtp_inbox
from tests.support.police import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(settings):
    with smtp_inbox(settings) as inbox:
        yield inbox


def test_immediate_risk_raised_by_a_police_resend_is_timed_from_the_raise(
    manager, police_member, settings
):
    settings.ALERTS_IMMEDIATE_NOT_TAKEN_MINUTES = 30
    received = timezone.now() - timedelta(days=2)
    contact, _ = record(police_member, "NY-24-000777", grade="standard", received_at=received)
    assert contact.urgency != Contact.Urgency.IMMEDIATE
    scan.alerts_scan()

    raised_at = timezone.now()
    contact, _ = record(police_member, "NY-24-000777", grade="high", received_at=received)
    contact.refresh_from_db()
    assert contact.urgency == Contact.Urgency.IMMEDIATE
    assert contact.became_immediate_at >= raised_at

    late = add_working_time(contact.became_immediate_at, timedelta(minutes=30))
    scan.alerts_scan(now=max(raised_at, late - timedelta(minutes=1)))
    assert not Alert.objects.filter(kind=Alert.Kind.IMMEDIATE_NOT_TAKEN).exists()
    scan.alerts_scan(now=late + timedelta(minutes=1))
    assert set(
        Alert.objects.filter(kind=Alert.Kind.IMMEDIATE_NOT_TAKEN).values_list(
            "recipient_id", "subject_id"
        )
    ) == {(manager.pk, contact.pk)}


# --- After a deployment or an outage: only what is new, and a summary, not a flood ----


def _due_at(contacts, when):
    Contact.objects.filter(pk__in=[c.pk for c in contacts]).update(decision_due_at=when)


def test_the_first_scan_after_a_deployment_alerts_nobody_about_what_was_already_there(
    manager, referrer, settings
):
    settings.ALERTS_FIRST_SCAN_LOOKBACK_MINUTES = 60
    now = timezone.now()
    old = [submit_contact(referrer) for _ in range(3)]
    _due_at(old, now - timedelta(hours=3))
    fresh = submit_contact(referrer)
    _due_at([fresh], now - timedelta(minutes=5))

    assert scan.alerts_scan(now=now) == 1  # only the one that ran out within the look-back
    later = submit_contact(referrer)
    _due_at([later], now + timedelta(minutes=10))
    assert scan.alerts_scan(now=now + timedelta(minutes=11)) == 1  # crossed since the mark
    assert scan.alerts_scan(now=now + timedelta(minutes=12)) == 0
    assert set(Alert.objects.values_list("subject_id", flat=True)) == {fresh.pk, later.pk}


def test_a_scan_that_would_flood_someone_gives_them_one_summary_with_a_link_to_the_list(
    client, inbox, manager, referrer, settings
):
    settings.ALERTS_SUMMARY_OVER = 3
    now = timezone.now()
    scan.alerts_scan(now=now)
    many = [submit_contact(referrer) for _ in range(5)]
    _due_at(many, now + timedelta(minutes=1))

    assert scan.alerts_scan(now=now + timedelta(minutes=2)) == 1
    assert scan.alerts_scan(now=now + timedelta(minutes=3)) == 0  # once only
    [summary] = Alert.objects.filter(recipient=manager)
    assert (summary.kind, summary.summary_count, summary.contact_id) == (
        Alert.Kind.CLOCK_BREACHED,
        5,
        None,
    )
    assert delivery.alert_deliver(alert_id=summary.pk) == "sent"
    [message] = inbox.to(manager.email)
    assert message["Subject"] == "Front Door: 5 contacts past their due time"
    listing = reverse("screening:queue") + "?rag=red"
    assert f"http://localhost:8000{listing}" in message.get_content()
    assert not any(contact.reference in message.get_content() for contact in many)

    client.force_login(manager)
    home = client.get(reverse("home")).text
    assert "5 contacts past their due time" in home
    assert f'href="{listing}"' in home

    # At or under the limit: one alert for each.
    few = [submit_contact(referrer) for _ in range(3)]
    _due_at(few, now + timedelta(minutes=4))
    assert scan.alerts_scan(now=now + timedelta(minutes=5)) == 3
    assert Alert.objects.filter(recipient=manager, summary_count__isnull=True).count() == 3
