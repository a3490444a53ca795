"""Merges of the person's record as chronology entries: a duplicate merged into it
(or it into another), and a merge undone, each with who and when; why only for a
manager to whom both records are open (the reason may speak of either person)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q
from django.urls import reverse

from frontdoor.errors import RecordRestricted
from frontdoor.models import User
from outcomes.chronology.entries import Entry, EntryKey, Stream, source
from outcomes.chronology.sources import ids_of, name_of, rows_at
from referrals.merge_rules import may_merge
from referrals.models import Person, PersonMerge
from referrals.selectors import person_ensure_open

MERGED, UNMERGED = "record-merged", "record-unmerged"


@source(kind="merges", label="Merges of duplicate records")
def merges(person: Person) -> list[Stream]:
    of_person = PersonMerge.objects.filter(Q(kept=person) | Q(merged=person))
    return [
        Stream(MERGED, rows_at(of_person, "merged_at"), _load_merges),
        Stream(
            UNMERGED,
            rows_at(of_person.filter(unmerged_at__isnull=False), "unmerged_at"),
            _load_merges,
        ),
    ]


def _both_open(user: User, merge: PersonMerge) -> bool:
    try:
        for person in (merge.kept, merge.merged):
            person_ensure_open(user=user, person=person)
    except RecordRestricted:
        return False
    return True


def _load_merges(keys: Sequence[EntryKey], user: User) -> dict[EntryKey, Entry]:
    rows = PersonMerge.objects.filter(pk__in=ids_of(keys, MERGED, UNMERGED)).select_related(
        "merged_by", "unmerged_by", "kept", "merged"
    )
    # The merge's own page (and the form to undo it) is a manager's.
    links_for = may_merge(user)
    found = {}
    for merge in rows:
        pair = f"records {merge.merged_id} and {merge.kept_id}"
        # The merge's page says why too: both for managers both records are open to.
        shown = links_for and _both_open(user, merge)
        links = [("The merge", reverse("referrals:person-merge", args=[merge.pk]))] if shown else []
        if (MERGED, merge.pk) in keys:
            found[(MERGED, merge.pk)] = Entry(
                event=MERGED,
                row_id=merge.pk,
                at=merge.merged_at,
                title=f"Duplicate records merged: record {merge.merged_id} into {merge.kept_id}",
                by=name_of(merge.merged_by),
                text=[("Why", merge.reason)] if shown else [],
                links=links,
            )
        if (UNMERGED, merge.pk) in keys:
            found[(UNMERGED, merge.pk)] = Entry(
                event=UNMERGED,
                row_id=merge.pk,
                at=merge.unmerged_at,
                title=f"Merge undone: {pair} are separate again",
                by=name_of(merge.unmerged_by),
                text=[("Why", merge.unmerge_reason)] if shown else [],
                links=links,
            )
    return found
