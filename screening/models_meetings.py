"""What a complex-case meeting agrees beyond its outcome: the actions it gives named
people, with a date each is due, and the people at it who have no account (a
school's safeguarding lead, a housing officer), recorded by name and agency."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from frontdoor.models import Agency


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class MeetingAction(models.Model):
    """One action the meeting gave one person about one case. Done by its owner (or
    a manager), never deleted: the meeting record shows what was asked and whether it
    was done."""

    entry = models.ForeignKey(
        "screening.ComplexCaseEntry", on_delete=models.PROTECT, related_name="action_items"
    )
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_actions"
    )
    due_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="meeting_action_says_what"),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, done_by__isnull=True)
                | Q(done_at__isnull=False, done_by__isnull=False),
                name="meeting_action_done_by_someone",
            ),
        ]
        indexes = [
            models.Index(
                fields=["owner", "due_on"],
                condition=Q(done_at__isnull=True),
                name="meeting_action_open_idx",
            )
        ]

    def __str__(self) -> str:
        return f"Action {self.pk} on entry {self.entry_id}"


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class MeetingGuest(models.Model):
    """Someone at a meeting without an account: their name and agency."""

    run = models.ForeignKey(
        "screening.ComplexCaseRun", on_delete=models.PROTECT, related_name="guests"
    )
    name = models.CharField(max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run", "name", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="meeting_guest_named")]

    def __str__(self) -> str:
        return self.name
