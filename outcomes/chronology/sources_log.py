"""The contact log as chronology entries: each conversation or action recorded on a
contact the person is on, at the moment it happened. A correction is its own entry
(what it should have said, and why), and the entry it corrects says it was corrected,
so a printed chronology reads as the record does: nothing silently replaced."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from frontdoor.models import User
from outcomes.chronology.entries import Entry, EntryKey, Stream, source
from outcomes.chronology.sources import ids_of, name_of, on_contacts_of, rows_at
from referrals.models import Person
from referrals.selectors import can_screen
from screening.models import ContactLogEntry

LOGGED = "log-entry"


@source(kind="contact-log", label="Contact log: conversations and actions")
def contact_log(person: Person) -> list[Stream]:
    on_their_contacts = ContactLogEntry.objects.filter(on_contacts_of(person))
    return [Stream(LOGGED, rows_at(on_their_contacts, "occurred_at"), _load_entries)]


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y, %H:%M}"


def _load_entries(keys: Sequence[EntryKey], user: User) -> dict[EntryKey, Entry]:
    rows = ContactLogEntry.objects.filter(pk__in=ids_of(keys, LOGGED)).select_related(
        "contact", "agency", "recorded_by", "corrects", "corrected_by__recorded_by"
    )
    found = {}
    for entry in rows:
        contact = entry.contact
        details = [("With", capfirst(entry.with_words)), ("How", entry.get_how_display())]
        text = [("What was said or done", entry.note)]
        if entry.corrects_id:
            title = (
                f"Contact log corrected: {entry.get_how_display().lower()} with {entry.with_words}"
            )
            details.append(("Corrects", f"The entry recorded {_when(entry.corrects.recorded_at)}"))
            text.append(("Why it was corrected", entry.correction_reason))
        else:
            title = f"Contact log: {entry.get_how_display().lower()} with {entry.with_words}"
        correction = getattr(entry, "corrected_by", None)
        if correction is not None:
            details.append(
                (
                    "Corrected",
                    f"By {name_of(correction.recorded_by)} on {_when(correction.recorded_at)}: "
                    "see the correction",
                )
            )
        details.append(("Recorded", _when(entry.recorded_at)))
        links = []
        if can_screen(user):
            page = reverse("screening:contact", args=[contact.reference])
            links.append((f"Contact log of {contact.reference}", f"{page}#log-entry-{entry.pk}"))
        found[(LOGGED, entry.pk)] = Entry(
            event=LOGGED,
            row_id=entry.pk,
            at=entry.occurred_at,
            title=title,
            by=name_of(entry.recorded_by),
            details=details,
            text=text,
            contact_id=contact.pk,
            reference=contact.reference,
            links=links,
        )
    return found
