"""The contact log (case notes): the conversations and actions staff record on a
contact while it is screened and after. Append-only, like decisions: an entry is
never edited or deleted (the database refuses both, migration 0009); a wrong entry
is corrected by a new entry that points at it and says why."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from frontdoor.models import Agency
from referrals.models import Contact


class ContactLogEntry(models.Model):
    class WithWhom(models.TextChoices):
        REFERRER = "referrer", "The referrer"
        PARENT_OR_CARER = "parent_or_carer", "A parent or carer"
        CHILD = "child", "The child"
        AGENCY = "agency", "A partner agency"
        OTHER = "other", "Someone else"

    class How(models.TextChoices):
        PHONE = "phone", "Phone call"
        EMAIL = "email", "Email"
        IN_PERSON = "in_person", "In person"
        MEETING = "meeting", "Meeting"
        OTHER = "other", "Other contact"

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="log_entries")
    with_whom = models.CharField(max_length=20, choices=WithWhom.choices)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Which agency, when it was with a partner agency.",
    )
    with_name = models.CharField(
        max_length=200, blank=True, help_text="Their name or role, e.g. 'Mrs Shah, the DSL'."
    )
    how = models.CharField(max_length=20, choices=How.choices)
    occurred_at = models.DateTimeField(help_text="When the conversation or action happened.")
    note = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(db_default=models.functions.Now())
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        help_text="The entry this one corrects; each entry is corrected at most once "
        "(a correction that is itself wrong is corrected in turn).",
    )
    correction_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["contact", "-occurred_at"], name="contactlog_contact_idx"),
        ]
        constraints = [
            # "With an agency" names which one; nobody else has one.
            models.CheckConstraint(
                condition=Q(with_whom="agency", agency__isnull=False)
                | (~Q(with_whom="agency") & Q(agency__isnull=True)),
                name="contactlog_agency_when_with_an_agency",
            ),
            # Someone else is named, or the entry says nothing of who it was.
            models.CheckConstraint(
                condition=~Q(with_whom="other") | ~Q(with_name=""),
                name="contactlog_someone_else_is_named",
            ),
            # Not in the future: nothing is logged before it happened.
            models.CheckConstraint(
                condition=Q(occurred_at__lte=F("recorded_at")),
                name="contactlog_not_after_it_was_recorded",
            ),
            models.CheckConstraint(condition=~Q(note=""), name="contactlog_has_a_note"),
            # A correction says why; an entry that corrects nothing has no reason.
            models.CheckConstraint(
                condition=Q(corrects__isnull=True, correction_reason="")
                | (Q(corrects__isnull=False) & ~Q(correction_reason="")),
                name="contactlog_correction_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_how_display()} on {self.contact_id} at {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def with_words(self) -> str:
        """Who it was with, as words that go after "with": "Demo Police (DS Khan)",
        "the referrer (Mrs Shah)"."""
        if self.with_whom == self.WithWhom.AGENCY and self.agency_id:
            who = self.agency.name
        elif self.with_whom == self.WithWhom.OTHER:
            return self.with_name
        else:
            label = self.get_with_whom_display()
            who = label[0].lower() + label[1:]
        return f"{who} ({self.with_name})" if self.with_name else who
