"""Handing decisions to the council's case-management system and other partner systems:
events written in the same transaction as what they report (a transactional outbox),
a position for each in the order the pull feed serves them, and their delivery to
each system's signed webhook endpoint (docs/adr/0034).

An event holds what a case system needs to create its own record without re-keying
(the ``data`` of a Standard Webhooks payload). It is fixed when written: what was
decided then is what is sent, even when it is replayed a month later, unless the
contact is erased under the retention policy (its ``data`` is erased with it).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from referrals.models import ApiClient, Contact
from screening.models import Decision


def _new_event_id() -> str:
    return f"evt_{uuid.uuid4().hex}"


class CaseEvent(models.Model):
    class Kind(models.TextChoices):
        DECISION_STANDS = "decision.stands", "A decision stands"
        DECISION_SUPERSEDED = "decision.superseded", "A decision was superseded (a correction)"
        CONTACT_CLOSED_AS_ADVICE = (
            "contact.closed_as_advice",
            "A contact was closed with information and advice",
        )
        # Withdrawn before any decision stood (docs/adr/0036): it has no decision.
        REFERRAL_WITHDRAWN = "referral.withdrawn", "A referral was withdrawn"

    # The Standard Webhooks ``webhook-id``: the same for every delivery of the event,
    # replays included, so a receiver drops what it has seen.
    event_id = models.CharField(max_length=40, unique=True, default=_new_event_id, editable=False)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="case_events")
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="case_events"
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField()
    # Where the event sits in the pull feed: given after its transaction commits, by one
    # sequencer at a time, so a position is never given below one a reader has seen
    # (outcomes/handoff/sequencer.py). Empty for the moment between commit and sequencing.
    position = models.BigIntegerField(null=True, blank=True, unique=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["contact", "id"], name="case_event_contact_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id}"


class CaseEventWaiting(models.Model):
    """An event without its feed position yet: the sequencer's to-do list, written with
    the event by a trigger on the events table (migration 0019: whatever code wrote the
    event, even a release from before this list) and deleted when the sequencer gives
    it a position.

    A table of its own rather than a partial index on ``CaseEvent`` (position empty):
    each event left a dead entry in that index until the next VACUUM of the whole events
    table, and every sequencing, one per decision and per feed page, read them all
    (2,571 index pages, 139 ms, at 940,000 events). This table only ever holds the few
    events of the moment."""

    event = models.OneToOneField(
        CaseEvent, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"waiting {self.event_id}"


class WebhookEndpoint(models.Model):
    """Where a partner system (one with the "receive events" scope) is sent events.
    It receives the events written after it was added; earlier ones are in the feed."""

    client = models.ForeignKey(
        ApiClient, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=500)
    is_active = models.BooleanField(
        default=True,
        help_text="A paused endpoint's events wait, undelivered, until it is resumed.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["client", "pk"]

    def __str__(self) -> str:
        return self.url


class WebhookSecretQuerySet(models.QuerySet):
    def usable(self, at=None) -> WebhookSecretQuerySet:
        """Secrets that sign now: not revoked, and not past a rotation's grace period."""
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=at)
        )


class WebhookSecret(models.Model):
    """A signing secret, kept encrypted (``frontdoor.file_crypto``): signing needs the
    secret itself, not a hash. Each delivery is signed with every usable secret (the
    specification allows several signatures), so a receiver may change over to a new
    secret at any time within the grace period of a rotation."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="secrets")
    prefix = models.CharField(max_length=16, help_text="Shown to tell secrets apart.")
    sealed = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = WebhookSecretQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.prefix


class Delivery(models.Model):
    """One event for one endpoint. Written with the event, in its transaction; sent in
    event order per contact (a later event of a contact waits while an earlier one is
    undelivered), tried again on a schedule for over a day, then dead until an
    administrator replays it."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        DELIVERED = "delivered", "Delivered"
        DEAD = "dead", "Failed: every try was refused"
        ERASED = "erased", "Not sent: the contact was erased"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(CaseEvent, on_delete=models.PROTECT, related_name="deliveries")
    # The event's contact, here so the order per contact is read from one table.
    contact_id_for_order = models.BigIntegerField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    dead_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["endpoint", "event"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event"], name="delivery_once_per_endpoint"
            ),
        ]
        indexes = [
            models.Index(
                fields=["endpoint", "event"],
                name="delivery_pending_idx",
                condition=Q(state="pending"),
            ),
            models.Index(fields=["endpoint", "state", "-event"], name="delivery_log_idx"),
            # "Is an earlier delivery of this contact still undelivered?" (the sweep).
            models.Index(
                fields=["endpoint", "contact_id_for_order", "event"],
                name="delivery_contact_order_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} to {self.endpoint_id}: {self.state}"


class DeliveryAttempt(models.Model):
    """One try at sending a delivery: what the receiver answered (the first 1 KB of it),
    or why nothing came back, and how long it took."""

    EXCERPT_LENGTH = 1024

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tries")
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    response_ms = models.PositiveIntegerField()
    response_excerpt = models.TextField(blank=True)
    succeeded = models.BooleanField()

    class Meta:
        ordering = ["delivery", "attempted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id} at {self.attempted_at:%Y-%m-%d %H:%M:%S}"
