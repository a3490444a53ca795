"""Where letters to a contact's family go, when staff have set it.

The people on a contact keep the address the referrer gave (``ContactSubject``); staff
who learn the family's real postal address (a parent's phone call, the school's
records) set it here instead of rewriting what the referrer said. One per contact:
a change replaces it, and the change history keeps what it was before.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models

from referrals.models.contacts import Contact

# GOV.UK Notify prints at most 7 address lines, the name and postcode included, so a
# letter can go by either route: the name, up to 5 lines, the postcode.
ADDRESS_LINES_MAX = 5
ADDRESS_LINE_LENGTH = 50


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True
)
class FamilyAddress(models.Model):
    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="family_address")
    addressee = models.CharField(max_length=ADDRESS_LINE_LENGTH)
    lines = models.TextField(help_text="The address without the postcode, one line each.")
    postcode = models.CharField(max_length=8)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # Erasure empties all three together; otherwise a letter needs each.
            models.CheckConstraint(
                condition=(
                    models.Q(addressee__gt="", lines__gt="", postcode__gt="")
                    | models.Q(addressee="", lines="", postcode="")
                ),
                name="family_address_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Family address for contact {self.contact_id}"
