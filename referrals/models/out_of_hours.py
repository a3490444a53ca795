"""The emergency duty team's handover (docs/adr/0044): on a contact the EDT recorded
out of hours, what it did and what the day team should do next. Written once by the
EDT member who recorded the contact, never edited (a later word goes in the contact
log); the same words go into the contact log as an entry, so the log and the person's
chronology carry the handover as they carry every other action. The queue marks the
contact "from EDT" and shows what was done from this row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from referrals.models.contacts import Contact


class OutOfHoursHandover(models.Model):
    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="handover")
    what_was_done = models.TextField(
        help_text="What the emergency duty team did: calls, visits, police, placements."
    )
    for_the_day_team = models.TextField(
        blank=True, help_text="What the day team should do first, if anything."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    handed_over_at = models.DateTimeField(
        help_text="When the day team's service hours next began after it was recorded."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(what_was_done=""), name="handover_says_what"),
            models.CheckConstraint(
                condition=Q(handed_over_at__gte=models.F("recorded_at")),
                name="handover_not_before_it_was_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"Out-of-hours handover on {self.contact_id}"
