"""Warnings on the person as chronology entries: set (with the review date given
then), each review (one entry per ``PersonWarningReview`` row, with the date it set
and its note), ended."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse

from frontdoor.models import User
from outcomes.chronology.entries import Entry, EntryKey, Stream, source
from outcomes.chronology.sources import ids_of, name_of, rows_at
from referrals.models import Person, PersonWarning, PersonWarningReview

SET, REVIEWED, ENDED = "warning-set", "warning-reviewed", "warning-ended"


@source(kind="warnings", label="Warnings")
def warnings(person: Person) -> list[Stream]:
    on_person = PersonWarning.objects.filter(person=person)
    return [
        Stream(SET, rows_at(on_person, "set_at"), _load_warnings),
        Stream(
            REVIEWED,
            rows_at(PersonWarningReview.objects.filter(warning__person=person), "reviewed_at"),
            _load_reviews,
        ),
        Stream(
            ENDED, rows_at(on_person.filter(ended_at__isnull=False), "ended_at"), _load_warnings
        ),
    ]


def _links(warning: PersonWarning) -> list[tuple[str, str]]:
    return [("The person's warnings", reverse("referrals:person-detail", args=[warning.person_id]))]


def _load_reviews(keys: Sequence[EntryKey], user: User) -> dict[EntryKey, Entry]:
    rows = PersonWarningReview.objects.filter(pk__in=ids_of(keys, REVIEWED)).select_related(
        "warning", "reviewed_by"
    )
    return {
        (REVIEWED, review.pk): Entry(
            event=REVIEWED,
            row_id=review.pk,
            at=review.reviewed_at,
            title=f"Warning reviewed: {review.warning.get_kind_display()}",
            by=name_of(review.reviewed_by),
            details=[("Next review by", f"{review.review_due:%-d %B %Y}")],
            text=[("Review note", review.note)] if review.note else [],
            links=_links(review.warning),
        )
        for review in rows
    }


def _load_warnings(keys: Sequence[EntryKey], user: User) -> dict[EntryKey, Entry]:
    found = {}
    rows = PersonWarning.objects.filter(pk__in=ids_of(keys, SET, ENDED)).select_related(
        "set_by", "ended_by"
    )
    for warning in rows:
        kind = warning.get_kind_display()
        links = _links(warning)
        if (SET, warning.pk) in keys:
            found[(SET, warning.pk)] = Entry(
                event=SET,
                row_id=warning.pk,
                at=warning.set_at,
                title=f"Warning set: {kind}",
                by=name_of(warning.set_by),
                details=[("Review by", f"{warning.first_review_due:%-d %B %Y}")],
                text=[("Evidence", warning.evidence)] if warning.evidence else [],
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
