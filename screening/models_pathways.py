"""A specialist pathway's record on its contact (docs/adr/0046): who and what the
short form asked, the clock, and the outcome. The people a LADO allegation is about
(the adult and their employer) are recorded here as such, never as the child's
family on the contact."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models

from referrals.models import Contact


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class PathwayRecord(models.Model):
    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="pathway_record")
    # What the pathway's short form asks (screening/pathways.py names each per pathway).
    adult_name = models.CharField(max_length=200, blank=True)
    adult_role = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    organisation_contact = models.TextField(blank=True)
    request = models.TextField(blank=True)
    team = models.CharField(max_length=100, blank=True)
    due_at = models.DateTimeField(help_text="The pathway's clock: when its first step is due.")
    # The outcome, once recorded (one of the pathway's outcomes).
    outcome = models.CharField(max_length=40, blank=True)
    outcome_note = models.TextField(blank=True, help_text="What was done, or what was shared.")
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome="", outcome_at__isnull=True, outcome_by__isnull=True)
                | (
                    ~models.Q(outcome="")
                    & models.Q(outcome_at__isnull=False, outcome_by__isnull=False)
                ),
                name="pathway_outcome_is_attributed",
            ),
        ]
        indexes = [models.Index(fields=["outcome", "due_at"], name="pathway_open_due_idx")]

    def __str__(self) -> str:
        return f"Pathway record for {self.contact_id}"
