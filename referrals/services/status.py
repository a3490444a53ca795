"""A contact's place in its workflow: moved only as ``referrals.models.STATUS_MOVES``
allows, by a conditional update, so two moves made at once cannot both happen."""

from __future__ import annotations

from django.utils import timezone

from referrals.models import STATUS_MOVES, Contact


class ContactStatusRefused(Exception):
    """The move is not in the workflow, or the contact moved on since it was read."""


def contact_status_move(*, contact: Contact, to: Contact.Status) -> Contact:
    """Move ``contact`` from the status it was read in to ``to``. Refused when the
    workflow has no such move, or when the contact is no longer in that status
    (another move got there first): the update only matches the status read."""
    was = Contact.Status(contact.status)
    if to not in STATUS_MOVES[was]:
        raise ContactStatusRefused(
            f"A contact cannot move from {was.label} to {Contact.Status(to).label}."
        )
    moved = Contact.objects.filter(pk=contact.pk, status=was).update(
        status=to, updated_at=timezone.now()
    )
    if not moved:
        raise ContactStatusRefused(
            f"{contact.reference} has changed since it was opened: it is no longer "
            f"{was.label.lower()}. Reload it and try again."
        )
    contact.status = to
    return contact
