"""Operation Encompass: the directory of schools (and early-years settings) with their
Key Adults and term dates, which school each child attends, and the notice each child
of school age gets when police attend a domestic abuse incident (docs/adr/0038).

An ``EncompassNotice`` is the school's notice about one child: it waits for a screener
when the child's school is not known for certain, is held over a school holiday, and
goes out through the notice outbox (``outcomes.models.Notice``, audience "school") once
it may. Nothing here holds what the officer wrote: the notice is rendered from the
child's name and date of birth, the incident's time and whether the child was present.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class TermCalendar(models.Model):
    """A set of term dates shared by the schools that keep them: usually the council's
    own for its maintained schools, and one per academy trust that sets its own."""

    name = models.CharField(max_length=200)
    is_default = models.BooleanField(
        default=False, help_text="Used for any school without a calendar of its own."
    )

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="term_calendar_name_unique_ci"),
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_term_calendar",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TermPeriod(models.Model):
    """One term (or half term) of a calendar: the school is open on its weekdays that
    are not bank holidays."""

    calendar = models.ForeignKey(TermCalendar, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=100)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["calendar", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="term_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_on} to {self.ends_on})"


class School(models.Model):
    """A school or registered early-years setting, as the DfE's Get Information about
    Schools lists it, with the council's Key Adult details for it."""

    urn = models.CharField("URN", max_length=10, unique=True)
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=60, blank=True)
    type_of_establishment = models.CharField(max_length=100, blank=True)
    local_authority = models.CharField(max_length=100, blank=True)
    # With the establishment number, the "LAEstab" a UPN's first school is coded by.
    la_code = models.CharField(max_length=3, blank=True)
    establishment_number = models.CharField(max_length=4, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    is_open = models.BooleanField(
        default=True, help_text="GIAS status is Open (or Open, but proposed to close)."
    )
    is_early_years = models.BooleanField(
        default=False, help_text="A registered early-years setting (nursery)."
    )
    key_adult_name = models.CharField(max_length=200, blank=True)
    key_adult_email = models.EmailField(blank=True)
    key_adult_phone = models.CharField(max_length=30, blank=True)
    secure_email = models.EmailField(
        blank=True, help_text="The school's secure address for safeguarding; used first."
    )
    open_all_year = models.BooleanField(default=False)
    term_calendar = models.ForeignKey(
        TermCalendar,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="schools",
        help_text="Empty: the default calendar.",
    )
    # The agency its staff refer under: a school's referral about a child says where
    # the child goes to school (a suggestion the screener confirms).
    agency = models.OneToOneField(
        "frontdoor.Agency",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="school",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "urn"]
        indexes = [
            models.Index(fields=["la_code", "establishment_number"], name="school_laestab_idx"),
            models.Index(Lower("name"), name="school_name_lower_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"

    @property
    def notice_address(self) -> str:
        """Where its notices go: the secure address, else the Key Adult's own."""
        return self.secure_email or self.key_adult_email


class PupilSchool(models.Model):
    """The school a child (a person record) attends, as a screener last confirmed it."""

    person = models.OneToOneField(
        "referrals.Person", on_delete=models.CASCADE, related_name="encompass_school"
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="pupils")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Person {self.person_id} at {self.school_id}"


class EncompassNotice(models.Model):
    """The notice to a child's school about one domestic abuse incident."""

    class State(models.TextChoices):
        AWAITING_SCHOOL = "awaiting_school", "Waiting for a screener to confirm the school"
        HELD = "held", "Held for the first day back"
        RELEASED = "released", "Given to the outbox"
        NOT_SENT = "not_sent", "Not sent"

    class SchoolSource(models.TextChoices):
        CONFIRMED_BEFORE = "confirmed_before", "Confirmed for the child this school year"
        SCREENER = "screener", "Confirmed by a screener for this notice"

    class NotSentReason(models.TextChoices):
        NOT_AT_SCHOOL = "not_at_school", "Not at a school or setting (home educated, too young)"
        OUTSIDE_DIRECTORY = "outside_directory", "At a school outside the directory"
        DUPLICATE = "duplicate", "The school already knows of this incident"
        WITHDRAWN = "withdrawn", "Not sent: the contact was withdrawn"

    notification = models.ForeignKey(
        "referrals.PoliceNotification", on_delete=models.PROTECT, related_name="encompass_notices"
    )
    contact = models.ForeignKey(
        "referrals.Contact", on_delete=models.PROTECT, related_name="encompass_notices"
    )
    subject = models.OneToOneField(
        "referrals.ContactSubject", on_delete=models.PROTECT, related_name="encompass_notice"
    )
    state = models.CharField(max_length=20, choices=State.choices)
    present = models.BooleanField(
        null=True, blank=True, help_text="Whether the child was present (None: not said)."
    )
    early_years = models.BooleanField(default=False, help_text="Under school age.")
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="notices"
    )
    school_source = models.CharField(max_length=20, choices=SchoolSource.choices, blank=True)
    # A school the child may attend, for the screener to confirm or change.
    suggested_school = models.ForeignKey(
        School, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    suggestion_reason = models.CharField(max_length=200, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    not_sent_reason = models.CharField(max_length=30, choices=NotSentReason.choices, blank=True)
    due_at = models.DateTimeField(help_text="08:30 on the school's next school day.")
    release_at = models.DateTimeField(null=True, blank=True)
    notice = models.OneToOneField(
        "outcomes.Notice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="encompass",
    )
    # In the acknowledgement link, signed: identifies this notice and nothing else.
    ack_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            # In the lists' order, so the soonest due are read without sorting the rest.
            models.Index(fields=["state", "due_at", "id"], name="encompass_state_due_id_idx"),
            models.Index(
                fields=["release_at"],
                condition=models.Q(state="held"),
                name="encompass_held_release_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state__in=["held", "released"])
                | models.Q(school__isnull=False),
                name="encompass_school_known_when_going",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="released") | models.Q(notice__isnull=False),
                name="encompass_released_has_notice",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="not_sent") | ~models.Q(not_sent_reason=""),
                name="encompass_not_sent_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Encompass notice {self.pk}"
