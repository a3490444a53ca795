"""Alerts to the people who must act, and the outbox their emails go through
(outcomes/alerts, docs/adr/0042).

An alert is one person told one thing about one record once: its key (recipient, kind,
subject, occasion) is unique in the database, so however often the scan or an event
runs, a second alert is never written and never emailed. Each row carries its own
email's state, like a notice's; a person who chose the daily digest gets their alerts
in one ``AlertDigest`` email a day instead. Nothing here names anyone: an alert holds
the contact (for its reference and the access test) and the id of the record it is
about.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from referrals.models import Contact


class EmailStatus(models.TextChoices):
    """Where an email (one alert's, or a digest's) is on its way out."""

    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    TEMPORARY_FAILURE = "temporary_failure", "Failed for now; will retry"
    PERMANENT_FAILURE = "permanent_failure", "Failed: needs a person"
    # A digest whose every alert the person may no longer open: nothing to send.
    WITHHELD = "withheld", "Not sent: nothing in it is theirs to open any more"


class AlertPreference(models.Model):
    """How a person wants their alerts emailed; without a row, at once."""

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", "As each alert happens"
        DIGEST = "digest", "Once a day, in one email listing them"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="alert_preference",
    )
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(delivery__in=["immediate", "digest"]),
                name="alert_preference_delivery_valid",
            )
        ]

    def __str__(self) -> str:
        return f"Alerts for {self.user_id}: {self.delivery}"


class AlertDigest(models.Model):
    """One person's daily email listing their alerts of that day: one a day at most."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="alert_digests"
    )
    day = models.DateField(help_text="The London day it is for.")
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        max_length=20, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    failure_reason = models.CharField(max_length=200, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day", "recipient"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="one_alert_digest_a_day"),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="alert_digest_sent_has_a_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="alert_digest_status_idx")]

    def __str__(self) -> str:
        return f"Alert digest for {self.recipient_id} on {self.day}"


class Alert(models.Model):
    class Kind(models.TextChoices):
        # Subject: the check (screening.AgencyCheck). To its agency's MAST members.
        CHECK_ASKED = "check_asked", "A check was asked of your agency"
        CHECK_OVERDUE = "check_overdue", "A check asked of your agency is overdue"
        # Subject: the decision. To the screener who made it.
        DECISION_RETURNED = "decision_returned", "Your decision was returned"
        # Subject: the decision, or the check held for approval. To managers.
        APPROVAL_WAITING = "approval_waiting", "A decision is waiting for approval"
        CHECK_APPROVAL_WAITING = (
            "check_approval_waiting",
            "A check without consent is waiting for approval",
        )
        # Subject: the contact. To managers.
        IMMEDIATE_NOT_TAKEN = "immediate_not_taken", "An immediate-risk contact is not taken"
        CLOCK_BREACHED = "clock_breached", "A contact is past its due time"

    class Email(models.TextChoices):
        """The alert's own email: ``EmailStatus``, or waiting for (or in) a digest, or
        not emailed because the person may no longer open the record."""

        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        TEMPORARY_FAILURE = "temporary_failure", "Failed for now; will retry"
        PERMANENT_FAILURE = "permanent_failure", "Failed: needs a person"
        DIGEST = "digest", "Waiting for the daily digest"
        IN_DIGEST = "in_digest", "In a daily digest"
        WITHHELD = "withheld", "Not emailed: no longer theirs to open"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="alerts"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # Empty only for a summary (``summary_count``): one alert standing for many contacts.
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="alerts"
    )
    # The id of the record the alert is about; the kind says which record kind it is
    # (0 for a summary).
    subject_id = models.BigIntegerField()
    # A summary: one scan would have given the person more than ALERTS_SUMMARY_OVER
    # alerts of this kind, so they get this one, saying how many, linking to the list.
    summary_count = models.PositiveIntegerField(null=True, blank=True)
    # What makes this an occasion of its own for the same subject: empty for most kinds;
    # a breach is one per due time (a clock set again and breached again is news).
    occasion = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    # Sent to the mail server or Notify as the reference: it identifies the alert only.
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email_status = models.CharField(max_length=20, choices=Email.choices)
    digest = models.ForeignKey(
        AlertDigest, on_delete=models.PROTECT, null=True, blank=True, related_name="alerts"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    failure_reason = models.CharField(max_length=200, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject_id", "occasion"],
                name="one_alert_per_occasion",
            ),
            models.CheckConstraint(
                condition=~Q(email_status="sent") | Q(sent_at__isnull=False),
                name="alert_sent_has_a_time",
            ),
            models.CheckConstraint(
                condition=Q(contact__isnull=True, summary_count__isnull=False, subject_id=0)
                | Q(contact__isnull=False, summary_count__isnull=True),
                name="alert_summary_or_one_contact",
            ),
            models.CheckConstraint(
                condition=Q(email_status="in_digest", digest__isnull=False)
                | (~Q(email_status="in_digest") & Q(digest__isnull=True)),
                name="alert_in_digest_has_its_digest",
            ),
        ]
        indexes = [
            models.Index(fields=["email_status", "updated_at"], name="alert_email_status_idx"),
            # The scan's "already alerted on this subject?"
            models.Index(fields=["kind", "subject_id"], name="alert_kind_subject_idx"),
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(seen_at__isnull=True),
                name="alert_unseen_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.contact_id}) for {self.recipient_id}"

    @property
    def is_summary(self) -> bool:
        return self.summary_count is not None


class AlertScanMark(models.Model):
    """Up to when the periodic scan last ran to the end: the next scan raises alerts
    only for conditions that arose since (one row)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    scanned_to = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="one_alert_scan_mark")]

    def __str__(self) -> str:
        return f"Alerts scanned to {self.scanned_to:%Y-%m-%d %H:%M}"
