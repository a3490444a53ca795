"""A person's own alerts: marking them seen, and choosing how they are emailed."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from frontdoor.audit import audit_record
from frontdoor.dispatch import dispatch
from frontdoor.models import AuditEvent, User
from outcomes.alerts.raising import ALERT_DELIVER
from outcomes.models_alerts import Alert, AlertPreference


def alert_mark_seen(*, actor: User, alert: Alert) -> None:
    """The alert (one of the actor's own: ``selectors.alert_get``) leaves their home page."""
    Alert.objects.filter(pk=alert.pk, recipient=actor, seen_at__isnull=True).update(
        seen_at=timezone.now()
    )


def alerts_mark_all_seen(*, actor: User) -> int:
    """Every alert of the actor's leaves their home page; returns how many."""
    return Alert.objects.filter(recipient=actor, seen_at__isnull=True).update(
        seen_at=timezone.now()
    )


@transaction.atomic
def alert_preference_set(*, actor: User, delivery: AlertPreference.Delivery) -> AlertPreference:
    """How the actor's alerts are emailed from now on. Alerts waiting for a digest go at
    once when they choose "at once"; alerts not yet sent wait for the digest when they
    choose the digest. Audited (the choice only)."""
    delivery = AlertPreference.Delivery(delivery)
    preference, _ = AlertPreference.objects.select_for_update().get_or_create(
        user=actor, defaults={"delivery": AlertPreference.Delivery.IMMEDIATE}
    )
    if preference.delivery == delivery:
        return preference
    preference.delivery = delivery
    preference.save(update_fields=["delivery", "updated_at"])
    waiting = Alert.objects.filter(recipient=actor)
    if delivery == AlertPreference.Delivery.IMMEDIATE:
        # Locked, and moved only if still waiting: the digest run may be putting them in
        # today's digest at this moment; those it took stay there.
        still_digest = waiting.filter(email_status=Alert.Email.DIGEST)
        moved = list(still_digest.select_for_update().values_list("pk", flat=True))
        still_digest.filter(pk__in=moved).update(
            email_status=Alert.Email.PENDING, updated_at=timezone.now()
        )
        for alert_id in moved:
            dispatch(ALERT_DELIVER, alert_id)
    else:
        # A delivery already queued finds the alert no longer pending and skips it.
        waiting.filter(email_status=Alert.Email.PENDING).update(
            email_status=Alert.Email.DIGEST, updated_at=timezone.now()
        )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="user",
        record_id=actor.pk,
        via="account:alerts",
        detail={"field": "alert_delivery", "change": delivery.value},
    )
    return preference
