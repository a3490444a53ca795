"""A contact's place in its workflow: moved only as ``referrals.models.STATUS_MOVES``
allows, by a conditional update, so two moves made at once cannot both happen."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

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


def contacts_status_move(*, contacts: Iterable[Contact], to: Contact.Status) -> None:
    """``contact_status_move`` for many contacts at once (bulk triage): a conditional
    update for each status they were read in. Refused, none moved, if the workflow has
    no such move from one of them or one moved on since it was read (callers hold the
    contacts locked, so that is a fault, not a race)."""
    by_status: dict[str, list[Contact]] = defaultdict(list)
    for contact in contacts:
        by_status[contact.status].append(contact)
    now = timezone.now()
    for was, group in by_status.items():
        if to not in STATUS_MOVES[was]:
            raise ContactStatusRefused(
                f"A contact cannot move from {Contact.Status(was).label} to "
                f"{Contact.Status(to).label}."
            )
        moved = Contact.objects.filter(pk__in=[c.pk for c in group], status=was).update(
            status=to, updated_at=now
        )
        if moved != len(group):
            raise ContactStatusRefused(
                "A contact has changed since it was opened. Reload it and try again."
            )
        for contact in group:
            contact.status = to
