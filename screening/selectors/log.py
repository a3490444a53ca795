"""Reads of the contact log: a contact's entries as the page shows them, and one entry
through the contact's access function (for the correction page)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404

from frontdoor.models import User
from referrals.models import Contact
from screening.models import ContactLogEntry
from screening.selectors.access import screening_get


@dataclass
class LogItem:
    """An entry as it stands, with what it corrected before it (newest first): a
    correction is shown against what it corrects, never instead of it."""

    entry: ContactLogEntry
    earlier: list[ContactLogEntry] = field(default_factory=list)


def log_for(*, user: User, contact: Contact) -> list[LogItem]:
    """The contact's log, newest first by when it happened: each standing entry (not
    since corrected) with the versions it replaced. ``contact`` comes from
    ``screening_get``, so the caller may see it; one query."""
    entries = list(
        ContactLogEntry.objects.filter(contact=contact)
        .select_related("agency", "recorded_by")
        .order_by("-occurred_at", "-pk")
    )
    by_pk = {entry.pk: entry for entry in entries}
    corrected = {entry.corrects_id for entry in entries if entry.corrects_id}
    items = []
    for entry in entries:
        if entry.pk in corrected:
            continue
        earlier, step = [], entry
        while step.corrects_id and step.corrects_id in by_pk:
            step = by_pk[step.corrects_id]
            earlier.append(step)
        items.append(LogItem(entry=entry, earlier=earlier))
    return items


def log_entry_get(*, user: User, reference: str, entry_id: int) -> tuple[Contact, ContactLogEntry]:
    """The access function for a log entry: the contact through ``screening_get``
    (screening staff, restrictions respected), then an entry of that contact; 404
    alike for a missing entry and another contact's."""
    contact, _ = screening_get(user=user, reference=reference)
    entry = (
        ContactLogEntry.objects.select_related("agency", "recorded_by")
        .filter(contact=contact, pk=entry_id)
        .first()
    )
    if entry is None:
        raise Http404("No log entry found")
    return contact, entry
