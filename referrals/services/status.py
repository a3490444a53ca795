"""A contact's place in its workflow."""

from __future__ import annotations

from django.utils import timezone

from referrals.models import Contact


def contact_status_set(*, contact: Contact, status: Contact.Status) -> Contact:
    """Move a contact along its workflow (screening calls this; it guards the moves)."""
    Contact.objects.filter(pk=contact.pk).update(status=status, updated_at=timezone.now())
    contact.status = status
    return contact
