"""Warnings on a person record: what anyone dealing with the person must know first
(a risk to staff, a MARAC case, a court order, a registered sex offender in the
household), with the evidence for it and a date by which someone must look again.
A warning is ended with a reason, never deleted, so the record shows what was known
and when."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from referrals.models.people import Person

# The fewest characters of what a warning rests on, and of a review note or the
# reason it ended: shorter says nothing anyone could act on (the forms and the
# services share these).
WARNING_EVIDENCE_MIN_LENGTH = 10
WARNING_NOTE_MIN_LENGTH = 5


class WarningKind(models.TextChoices):
    RISK_TO_STAFF = "risk_to_staff", "Risk to staff"
    MARAC = "marac", "MARAC case"
    PROTECTION_ORDER = "protection_order", "Protection or non-molestation order"
    SEX_OFFENDER_IN_HOUSEHOLD = (
        "sex_offender_in_household",
        "Registered sex offender in the household",
    )
    OTHER = "other", "Other"


class PersonWarningQuerySet(models.QuerySet):
    def active(self) -> PersonWarningQuerySet:
        return self.filter(ended_at__isnull=True)


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class PersonWarning(models.Model):
    """One warning on one person. Set, reviewed and ended only by
    ``referrals.services.warning_set`` / ``warning_review`` / ``warning_end``."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="warnings")
    kind = models.CharField(max_length=40, choices=WarningKind.choices)
    evidence = models.TextField(help_text="What the warning rests on, and where it came from.")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()
    review_due = models.DateField()
    # The review date given when the warning was set (``review_due`` moves with each
    # review): the chronology's "Warning set" entry says what was decided then.
    first_review_due = models.DateField()
    # The latest review, for the person page; every review, each with the date it set
    # and its note, is a ``PersonWarningReview`` row.
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.TextField(blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.TextField(blank=True)

    objects = PersonWarningQuerySet.as_manager()

    class Meta:
        ordering = ["set_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(evidence=""), name="warning_has_evidence"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, ended_by__isnull=True, end_reason="")
                | (Q(ended_at__isnull=False, ended_by__isnull=False) & ~Q(end_reason="")),
                name="warning_ended_with_who_and_why",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True, reviewed_by__isnull=True)
                | Q(reviewed_at__isnull=False, reviewed_by__isnull=False),
                name="warning_reviewed_by_someone",
            ),
        ]
        indexes = [
            # Active warnings of the people on a page, and those due for review.
            models.Index(
                fields=["person"], condition=Q(ended_at__isnull=True), name="warning_active_idx"
            ),
            models.Index(
                fields=["review_due"],
                condition=Q(ended_at__isnull=True),
                name="warning_review_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on person {self.person_id}"


class PersonWarningReview(models.Model):
    """One review of a warning: who looked at it again, when, the next review date
    they set and why it still stands. Append-only (written by
    ``referrals.services.warning_review``): the database refuses to delete a row or to
    change one, except retention erasure replacing the note."""

    warning = models.ForeignKey(PersonWarning, on_delete=models.PROTECT, related_name="reviews")
    reviewed_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    review_due = models.DateField(help_text="The next review date this review set.")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["reviewed_at", "pk"]
        indexes = [models.Index(fields=["warning", "reviewed_at"], name="warning_review_idx")]

    def __str__(self) -> str:
        return f"Review of warning {self.warning_id} at {self.reviewed_at:%Y-%m-%d}"
