"""Merges of duplicate person records, and what each moved, so it can be undone.

A manager merges two records of one real person: every contact appearance,
relationship, warning, restriction and match candidate of the *merged* record moves
to the *kept* one, and the merged record stays as a tombstone (``Person.merged_into``)
that sends anyone opening it to the kept record. ``PersonMerge`` says who merged
which into which, when and why, and which of the kept record's details it filled in;
one ``PersonMergeMove`` per row it moved or ended says exactly what an unmerge puts
back. Written only by ``referrals.services.person_merge`` / ``person_unmerge``.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q

from referrals.models.people import Person


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class PersonMerge(models.Model):
    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_merged")
    reason = models.TextField()
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField()
    # The kept record's details the merge filled in or added to, as
    # {field: [before, after]} (JSON values: dates as ISO text), and the merged
    # record's it cleared (an NHS number moves, it cannot be on both): an unmerge puts
    # back each one still holding what the merge set.
    kept_changes = models.JSONField(default=dict, blank=True)
    merged_changes = models.JSONField(default=dict, blank=True)
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unmerge_reason = models.TextField(blank=True)
    # Set when retention erased either record: the reasons and details above are
    # erased with it, and the merge can no longer be undone (nothing true to put back).
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(kept=F("merged")), name="merge_of_two_records"),
            models.CheckConstraint(condition=~Q(reason=""), name="merge_has_a_reason"),
            models.CheckConstraint(
                condition=Q(unmerged_at__isnull=True, unmerged_by__isnull=True, unmerge_reason="")
                | (Q(unmerged_at__isnull=False, unmerged_by__isnull=False) & ~Q(unmerge_reason="")),
                name="unmerge_with_who_and_why",
            ),
            # A record is merged away once at a time: a second merge of it waits for
            # the first to be undone.
            models.UniqueConstraint(
                fields=["merged"],
                condition=Q(unmerged_at__isnull=True),
                name="merge_standing_once_per_record",
            ),
        ]
        indexes = [models.Index(fields=["kept", "merged_at"], name="merge_kept_idx")]

    def __str__(self) -> str:
        return f"Person {self.merged_id} merged into {self.kept_id}"

    @property
    def is_standing(self) -> bool:
        return self.unmerged_at is None


class PersonMergeMove(models.Model):
    """One row a merge moved from the merged record to the kept one, or ended."""

    class What(models.TextChoices):
        APPEARANCE = "appearance", "Appearances on contacts"
        RELATIONSHIP_PERSON = "relationship_person", "Relationships (as the first person)"
        RELATIONSHIP_RELATIVE = "relationship_relative", "Relationships (as the relative)"
        RELATIONSHIP_ENDED = "relationship_ended", "Relationships ended by the merge"
        WARNING = "warning", "Warnings"
        RESTRICTION = "restriction", "Restrictions"
        CANDIDATE = "candidate", "Possible matches waiting for a screener"

    merge = models.ForeignKey(PersonMerge, on_delete=models.PROTECT, related_name="moves")
    what = models.CharField(max_length=30, choices=What.choices)
    row_id = models.BigIntegerField()

    class Meta:
        ordering = ["merge", "what", "row_id"]
        constraints = [
            models.UniqueConstraint(fields=["merge", "what", "row_id"], name="merge_move_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_what_display()} {self.row_id} (merge {self.merge_id})"
