"""Withdrawing a contact: it should never have come to the front door (sent in error,
a duplicate, the wrong local authority) or the referrer has withdrawn the concern.
A withdrawal is a status of the contact, not a decision (docs/adr/0036): it is
recorded once, by screening staff, and never edited; a referrer may ask for one.
Both rows are append-only in the database (migration 0024), except erasure under the
retention policy replacing their notes with its marker."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from referrals.models.contacts import Contact


class WithdrawalReason(models.TextChoices):
    SENT_IN_ERROR = "sent_in_error", "Sent in error"
    DUPLICATE = "duplicate", "A duplicate of another contact"
    WRONG_LOCAL_AUTHORITY = "wrong_local_authority", "Sent to the wrong local authority"
    CONCERN_WITHDRAWN = "concern_withdrawn", "The referrer has withdrawn the concern"


class WithdrawalAskedBy(models.TextChoices):
    REFERRER = "referrer", "The referrer"
    STAFF = "staff", "Front door staff"


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class WithdrawalRequest(models.Model):
    """A referrer asking, from their referral's page, for it to be withdrawn. Staff
    withdraw it, or carry on screening: a request on a contact decided afterwards
    was declined (nothing is written for that; the decision says it)."""

    contact = models.OneToOneField(
        Contact, on_delete=models.PROTECT, related_name="withdrawal_request"
    )
    reason = models.CharField(max_length=30, choices=WithdrawalReason.choices)
    note = models.TextField()
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="withdrawal_request_has_a_note"),
        ]

    def __str__(self) -> str:
        return f"Withdrawal asked for {self.contact_id}"


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class ContactWithdrawal(models.Model):
    """A contact withdrawn before any decision stood: who withdrew it, when, why, and
    who asked. The contact's status is ``withdrawn`` from then on, for good."""

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="withdrawal")
    reason = models.CharField(max_length=30, choices=WithdrawalReason.choices)
    duplicate_of = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="For a duplicate: the contact it duplicates.",
    )
    note = models.TextField()
    asked_by = models.CharField(max_length=20, choices=WithdrawalAskedBy.choices)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="withdrawal_has_a_note"),
            # A duplicate names the contact it duplicates (not itself); nothing else does.
            models.CheckConstraint(
                condition=(Q(reason="duplicate", duplicate_of__isnull=False))
                | (~Q(reason="duplicate") & Q(duplicate_of__isnull=True)),
                name="withdrawal_duplicate_names_the_other",
            ),
            models.CheckConstraint(
                condition=~Q(duplicate_of=F("contact")),
                name="withdrawal_not_a_duplicate_of_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} withdrawn: {self.get_reason_display()}"
