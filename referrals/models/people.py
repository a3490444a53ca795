"""Person records: one real person across every contact about them (matched to a
contact's people by ``referrals.matching``; a duplicate merged into another stays as a
tombstone, ``referrals.models.merges``)."""

from __future__ import annotations

import pghistory
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Left, Lower, Replace, Upper
from django.utils.deconstruct import deconstructible


# Migrations name it by the package, so moving it between modules never breaks them.
@deconstructible(path="referrals.models.DoubleMetaphone")
class DoubleMetaphone(models.Func):
    """fuzzystrmatch's ``dmetaphone``: the primary phonetic code of a name."""

    function = "dmetaphone"
    output_field = models.CharField()


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    UNKNOWN = "unknown", "Not known"


class PersonQuerySet(models.QuerySet):
    def current(self) -> PersonQuerySet:
        """Records that stand: not a merged record's tombstone (what matching, search
        and linking by NHS number read)."""
        return self.filter(merged_into__isnull=True)


ALIAS_MAX_LENGTH = 200


def alias_of(name: str) -> str:
    """A name as one of a record's other names: a full name can be one character longer
    than an alias holds (two names of 100 and the space), so a longer one is cut, marked
    with an ellipsis (the whole name stays on the contact or the merged record)."""
    name = name.strip()
    return name if len(name) <= ALIAS_MAX_LENGTH else f"{name[: ALIAS_MAX_LENGTH - 1]}…"


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class Person(models.Model):
    """One real person across every contact about them."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    aliases = ArrayField(models.CharField(max_length=ALIAS_MAX_LENGTH), default=list, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(
        null=True, blank=True, help_text="For an unborn child."
    )
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    nhs_number = models.CharField(max_length=10, blank=True)
    unique_pupil_number = models.CharField(max_length=13, blank=True)
    # CIN census codes (CensusCode lists); empty means not yet obtained.
    ethnicity = models.CharField(max_length=4, blank=True)
    disabilities = ArrayField(models.CharField(max_length=4), default=list, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set on a duplicate a manager merged into another record (referrals/models/merges.py):
    # the tombstone sends anyone opening it to the kept record and drops out of
    # matching and search; an unmerge clears it.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
        # Indexed only where set (person_merged_into_idx): an index holding every
        # standing record's NULL would tempt the planner away from the search's own
        # indexes for "merged_into IS NULL".
        db_index=False,
    )
    merged_at = models.DateTimeField(null=True, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(merged_into__isnull=True, merged_at__isnull=True)
                | (
                    models.Q(merged_into__isnull=False, merged_at__isnull=False)
                    & ~models.Q(merged_into=models.F("pk"))
                ),
                name="person_merged_into_another_with_when",
            ),
            models.UniqueConstraint(
                fields=["nhs_number"],
                condition=~models.Q(nhs_number=""),
                name="person_nhs_number_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(date_of_birth__isnull=True)
                | models.Q(expected_date_of_birth__isnull=True),
                name="person_born_or_expected_not_both",
            ),
        ]
        indexes = [
            # Fuzzy names at millions of people (referrals.matching.people_named_like):
            # both names' trigrams in one index, so "first like X and last like Y" is
            # one scan needing both, and only people alike in both names are read
            # from the table. (Two one-name indexes left the planner to AND two large
            # bitmaps or, guessing a common first name rare, read every "Dawn" and
            # "David" to check the surname.) A condition on either name alone uses it
            # too.
            GinIndex(
                OpClass(Lower("first_name"), name="gin_trgm_ops"),
                OpClass(Lower("last_name"), name="gin_trgm_ops"),
                name="person_names_trgm",
            ),
            # Born that day with either name starting as given: matching checks the
            # initials in the index, so it reads only those people's rows however
            # many share the birthday.
            models.Index(
                "date_of_birth",
                Left(Lower("first_name"), 1),
                Left(Lower("last_name"), 1),
                name="person_dob_initials_idx",
            ),
            # An unborn child's due date: with the date of birth (person_dob_initials_idx),
            # a search by date reads only the people born or due that day.
            models.Index(
                fields=["expected_date_of_birth"],
                condition=models.Q(expected_date_of_birth__isnull=False),
                name="person_expected_dob_idx",
            ),
            models.Index(fields=["postcode"], name="person_postcode_idx"),
            models.Index(
                fields=["merged_into"],
                condition=models.Q(merged_into__isnull=False),
                name="person_merged_into_idx",
            ),
            # The search by postcode or part of an address (referrals.search): a
            # postcode's start with or without its space, a fragment anywhere in the
            # address, each from an index at millions of people. The postcode's index
            # also holds what the results are ordered by (and the postcode itself, which
            # PostgreSQL needs to read the expression from the index) and whether the
            # record is current: a district's 20,000 people are put in name order from
            # the index alone, never reading each one's row for the 20 shown. (Not a
            # partial index on current records: the planner would take it as a way to
            # read every current person, in place of the index a search needs.)
            models.Index(
                OpClass(
                    Replace(Upper("postcode"), models.Value(" "), models.Value("")),
                    name="text_pattern_ops",
                ),
                "last_name",
                "first_name",
                "id",
                include=["postcode", "merged_into"],
                name="person_place_order_idx",
            ),
            GinIndex(OpClass(Upper("address"), name="gin_trgm_ops"), name="person_address_trgm"),
            models.Index(Upper("last_name"), "date_of_birth", name="person_last_name_dob_idx"),
            # Sound-alike names (Jon Thompson / John Tomson) found by Double Metaphone;
            # the surname leads, so it serves a surname-only look-up too.
            models.Index(
                DoubleMetaphone("last_name"),
                DoubleMetaphone("first_name"),
                name="person_name_sounds_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"
