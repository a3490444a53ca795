"""Warnings on the person as chronology entries: set, last reviewed, ended.

A warning's review keeps only its latest review (``PersonWarning.reviewed_at``), so
the chronology shows that one; earlier reviews are in the warning's change history.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse

from frontdoor.models import User
from outcomes.chronology.entries import Entry, EntryKey, Stream, source
from outcomes.chronology.sources import ids_of, name_of, rows_at
from referrals.models import Person
from referrals.models.warnings import PersonWarning

SET, REVIEWED, ENDED = "warning-set", "warning-reviewed", "warning-ended"


@source(kind="warnings", label="Warnings")
def warnings(person: Person) -> list[Stream]:
    on_person = PersonWarning.objects.filter(person=person)
    return [
        Stream(SET, rows_at(on_person, "set_at"), _load_warnings),
        Stream(
            REVIEWED,
            rows_at(on_person.filter(reviewed_at__isnull=False), "reviewed_at"),
            _load_warnings,
        ),
        Stream(
            ENDED, rows_at(on_person.filter(ended_at__isnull=False), "ended_at"), _load_warnings
        ),
    ]


def _load_warnings(keys: Sequence[EntryKey], user: User) -> dict[EntryKey, Entry]:
    found = {}
    rows = PersonWarning.objects.filter(pk__in=ids_of(keys, SET, REVIEWED, ENDED)).select_related(
        "set_by", "reviewed_by", "ended_by"
    )
    for warning in rows:
        kind = warning.get_kind_display()
        links = [
            ("The person's warnings", reverse("referrals:person-detail", args=[warning.person_id]))
        ]
        if (SET, warning.pk) in keys:
            found[(SET, warning.pk)] = Entry(
                event=SET,
                row_id=warning.pk,
                at=warning.set_at,
                title=f"Warning set: {kind}",
                by=name_of(warning.set_by),
                details=[("Review by", f"{warning.review_due:%-d %B %Y}")],
                text=[("Evidence", warning.evidence)] if warning.evidence else [],
                links=links,
            )
        if (REVIEWED, warning.pk) in keys:
            found[(REVIEWED, warning.pk)] = Entry(
                event=REVIEWED,
                row_id=warning.pk,
                at=warning.reviewed_at,
                title=f"Warning reviewed: {kind}",
                by=name_of(warning.reviewed_by),
                details=[("Next review by", f"{warning.review_due:%-d %B %Y}")],
                text=[("Review note", warning.review_note)] if warning.review_note else [],
                links=links,
            )
        if (ENDED, warning.pk) in keys:
            found[(ENDED, warning.pk)] = Entry(
                event=ENDED,
                row_id=warning.pk,
                at=warning.ended_at,
                title=f"Warning ended: {kind}",
                by=name_of(warning.ended_by),
                text=[("Why it ended", warning.end_reason)] if warning.end_reason else [],
                links=links,
            )
    return found
