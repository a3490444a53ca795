"""The alerts' scan, reviewed (docs/adr/0042): immediate risk measured from when the
contact became immediate; only what crossed its threshold since the last scan; one
summary instead of a flood."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from frontdoor.working_days import add_working_time
from outcomes.alerts import scan
from outcomes.models import Alert
from referrals.models import Contact
from tests.support.police import record

pytestmark = pytest.mark.django_db


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
