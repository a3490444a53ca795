"""How two people are related, as the front door has recorded it over time.

A relationship belongs to the two person records, not to a contact: a father named on
last year's contact is there on today's. It reads "``person`` is the ``kind`` of
``relative``" (a parent of the child, an alleged perpetrator towards the child); for
the kinds that read the same both ways (sibling, partner, household member) the order
is immaterial. Rows are never deleted or rewritten: ending one records who, when and
why, and changing its kind ends it and starts the corrected one, which points back at
what it replaced. ``relationship_suggest_for_contact`` guesses them from a contact's
people; a screener confirms, corrects or ends each.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least

from referrals.models.contacts import Contact
from referrals.models.people import Person


class RelationshipQuerySet(models.QuerySet):
    def current(self) -> RelationshipQuerySet:
        return self.filter(ended_at__isnull=True)

    def involving(self, person_ids) -> RelationshipQuerySet:
        ids = list(person_ids)
        return self.filter(Q(person_id__in=ids) | Q(relative_id__in=ids))


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class Relationship(models.Model):
    class Kind(models.TextChoices):
        PARENT = "parent", "Parent"
        STEP_PARENT = "step_parent", "Step-parent"
        CARER = "carer", "Carer"
        SIBLING = "sibling", "Sibling"
        HALF_SIBLING = "half_sibling", "Half-sibling"
        PARTNER = "partner", "Partner"
        HOUSEHOLD_MEMBER = "household_member", "Household member"
        ALLEGED_PERPETRATOR = "alleged_perpetrator", "Alleged perpetrator"
        OTHER = "other", "Other"

    # Read the same from either side: "Sibling of", whichever is ``person``.
    SYMMETRIC = (Kind.SIBLING, Kind.HALF_SIBLING, Kind.PARTNER, Kind.HOUSEHOLD_MEMBER)

    class Basis(models.TextChoices):
        SUGGESTED = "suggested", "Suggested from a contact, not yet confirmed"
        CONFIRMED = "confirmed", "Confirmed by a screener"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships_out")
    relative = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships_in")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    basis = models.CharField(max_length=20, choices=Basis.choices)
    # Where it came from: the contact it was suggested or added on, and by whom.
    recorded_on = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        help_text="The version this one corrected (its kind was changed).",
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.TextField(blank=True)

    objects = RelationshipQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(person=F("relative")), name="relationship_between_two_people"
            ),
            # One current relationship of each kind between two people, whichever way
            # round it was recorded.
            models.UniqueConstraint(
                Least("person", "relative"),
                Greatest("person", "relative"),
                "kind",
                condition=Q(ended_at__isnull=True),
                name="relationship_current_once_per_pair_and_kind",
            ),
            models.CheckConstraint(
                condition=(
                    Q(ended_at__isnull=True, ended_by__isnull=True, end_reason="")
                    | (Q(ended_at__isnull=False, ended_by__isnull=False) & ~Q(end_reason=""))
                ),
                name="relationship_ended_with_who_and_why",
            ),
            models.CheckConstraint(
                condition=Q(basis="suggested", confirmed_at__isnull=True)
                | Q(basis="confirmed", confirmed_at__isnull=False, confirmed_by__isnull=False),
                name="relationship_confirmed_by_someone",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "relative"], name="relationship_person_idx"),
            models.Index(fields=["relative", "person"], name="relationship_relative_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_kind_display()} of {self.relative_id}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None

    def other(self, person_id: int) -> Person:
        return self.relative if self.person_id == person_id else self.person

    @property
    def in_words(self) -> str:
        """From ``person``'s side, lower case: "parent of", "alleged perpetrator towards"."""
        return self.reads_from(self.person_id).lower()

    def reads_from(self, person_id: int) -> str:
        """The relationship in words from ``person_id``'s side of it, about the other:
        "Parent of", "Child of", "Sibling of", "Alleged perpetrator towards"."""
        kind = self.Kind(self.kind)
        if kind in self.SYMMETRIC or kind == self.Kind.OTHER:
            return f"{kind.label} of" if kind != self.Kind.OTHER else "Related to (other)"
        if self.person_id == person_id:
            if kind == self.Kind.ALLEGED_PERPETRATOR:
                return "Alleged perpetrator towards"
            return f"{kind.label} of"
        return _INVERSE[kind]


_INVERSE = {
    Relationship.Kind.PARENT: "Child of",
    Relationship.Kind.STEP_PARENT: "Step-child of",
    Relationship.Kind.CARER: "Cared for by",
    Relationship.Kind.ALLEGED_PERPETRATOR: "Named as at risk from",
}
