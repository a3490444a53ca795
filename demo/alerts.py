"""Demo alerts (docs/adr/0042): what the demo's day has already told people. The police
MAST member was alerted to the checks asked of their force, and the screener to the
decision returned, as those happened (screening's events). Here the scan runs as at the
demo's moment, so the managers have immediate-risk contacts not taken, contacts past
their due time and approvals waiting on their home pages; the head of service gets
hers in the daily digest."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from demo.common import DEMO_ACCOUNTS
from frontdoor.models import User
from frontdoor.roles import Role
from outcomes.alerts import scan
from outcomes.alerts.services import alert_preference_set
from outcomes.models import Alert, AlertPreference


def demo_alerts_load(*, now: datetime | None = None) -> int:
    """Alerts as at ``now``; safe to run again (each alert is written once). Returns
    how many alerts the demo holds."""
    head = next(a for a in DEMO_ACCOUNTS if a.role == Role.HEAD_OF_SERVICE)
    user = User.objects.filter(email__iexact=head.email).first()
    if user is not None:
        alert_preference_set(actor=user, delivery=AlertPreference.Delivery.DIGEST)
    now = now or timezone.now()
    # As if the scan had run every minute: what arose over the look-back is alerted.
    scan.alerts_scan(now=now, since=now - timedelta(hours=settings.ALERTS_LOOKBACK_HOURS))
    return Alert.objects.count()
