"""Reads for merging duplicate person records: the likely duplicates of a record, the
two records side by side, a merge and what it moved. Managers only; both records
must be open to them (a restriction on either names them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from frontdoor.models import CensusCode, User
from referrals import matching
from referrals.merge_rules import may_merge, merge_preview
from referrals.models import (
    ContactSubject,
    Person,
    PersonMerge,
    PersonMergeMove,
    PersonWarning,
    Relationship,
    Restriction,
)
from referrals.selectors import (
    can_screen,
    person_ensure_open,
    person_get_even_merged,
    restrictions_barring_people,
)

DUPLICATES_SHOWN = 10


def _require_manager(user: User) -> None:
    """Screeners may open person records but not merge them: told so (403), where
    anyone else is told the record is not there (person_get's 404)."""
    if not may_merge(user):
        raise PermissionDenied


@dataclass(frozen=True)
class Duplicate:
    person: Person
    score: float
    reasons: list[str]
    restriction: Restriction | None


def likely_duplicates(*, user: User, person: Person) -> list[Duplicate]:
    """Standing records matching's likeness (``matching.likely_matches``) offers for
    this one, best first; a record closed to ``user`` is listed with whom to ask."""
    _require_manager(user)
    found = [
        candidate
        for candidate in matching.likely_matches(
            first_name=person.first_name,
            last_name=person.last_name,
            date_of_birth=person.date_of_birth or person.expected_date_of_birth,
            postcode=person.postcode,
            limit=DUPLICATES_SHOWN + 1,
        )
        if candidate.person_id != person.pk
    ][:DUPLICATES_SHOWN]
    people = Person.objects.in_bulk([c.person_id for c in found])
    barring = restrictions_barring_people(user=user, person_ids=people)
    return [
        Duplicate(people[c.person_id], c.score, c.reasons, barring.get(c.person_id))
        for c in found
        if c.person_id in people
    ]


def merge_person_get(*, user: User, person_id: int) -> Person:
    """The access function of the merge pages: a manager, a record open to them. A
    tombstone is returned, not redirected: the page says it is already merged."""
    person = person_get_even_merged(user=user, person_id=person_id)
    _require_manager(user)
    person_ensure_open(user=user, person=person)
    return person


@dataclass(frozen=True)
class ComparedRow:
    label: str
    values: tuple[str, str]
    differs: bool


def _census_words(codes: set[str]) -> dict[str, str]:
    lists = [CensusCode.CodeList.ETHNICITY, CensusCode.CodeList.DISABILITY]
    words = {}
    for code in CensusCode.objects.filter(code_list__in=lists, code__in=codes).order_by(
        "first_year"
    ):
        words[code.code] = f"{code.code}: {code.label}"
    return words


def _counts(person_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per record: contacts about them, current relationships, active warnings and
    restrictions (four queries, whatever the records hold)."""
    keys = ("contacts", "relationships", "warnings", "restrictions")
    counts = {pk: dict.fromkeys(keys, 0) for pk in person_ids}
    appearances = (
        ContactSubject.objects.filter(person_id__in=person_ids)
        .values("person_id")
        .annotate(n=Count("contact_id", distinct=True))
    )
    for row in appearances:
        counts[row["person_id"]]["contacts"] = row["n"]
    pairs = Relationship.objects.current().involving(person_ids)
    for pair in pairs.values_list("person_id", "relative_id"):
        for pk in set(pair) & set(person_ids):
            counts[pk]["relationships"] += 1
    for key, rows in (
        ("warnings", PersonWarning.objects.active()),
        ("restrictions", Restriction.objects.active()),
    ):
        per_person = rows.filter(person_id__in=person_ids).values("person_id")
        for row in per_person.annotate(n=Count("pk")).order_by():
            counts[row["person_id"]][key] = row["n"]
    return counts


def _date(value) -> str:
    return f"{value:%-d %B %Y}" if value else "Not known"


def _fields(people) -> list[tuple[str, str, object]]:
    """(label, Person field, how to say its value) for every detail compared."""
    words = _census_words(
        {p.ethnicity for p in people if p.ethnicity} | {c for p in people for c in p.disabilities}
    )

    def known(value) -> str:
        return value or "Not known"

    return [
        ("First name", "first_name", lambda p: p.first_name),
        ("Last name", "last_name", lambda p: p.last_name),
        ("Also known as", "aliases", lambda p: ", ".join(p.aliases) or "No other names"),
        ("Date of birth", "date_of_birth", lambda p: _date(p.date_of_birth)),
        (
            "Expected date of birth",
            "expected_date_of_birth",
            lambda p: _date(p.expected_date_of_birth),
        ),
        ("Sex", "sex", lambda p: p.get_sex_display()),
        ("NHS number", "nhs_number", lambda p: known(p.nhs_number)),
        ("Unique Pupil Number", "unique_pupil_number", lambda p: known(p.unique_pupil_number)),
        (
            "Ethnicity (census)",
            "ethnicity",
            lambda p: words.get(p.ethnicity, known(p.ethnicity)),
        ),
        (
            "Disabilities (census)",
            "disabilities",
            lambda p: ", ".join(words.get(c, c) for c in p.disabilities) or "None recorded",
        ),
        ("Address", "address", lambda p: known(p.address)),
        ("Postcode", "postcode", lambda p: known(p.postcode)),
    ]


def compare(*, left: Person, right: Person) -> list[ComparedRow]:
    """The two records' details and what hangs on each, in words, row by row, marking
    where they differ."""
    unborn = left.expected_date_of_birth or right.expected_date_of_birth
    rows = [
        ComparedRow(label, (show(left), show(right)), show(left) != show(right))
        for label, field, show in _fields([left, right])
        if unborn or field != "expected_date_of_birth"
    ]
    counts = _counts([left.pk, right.pk])
    for label, key in (
        ("Contacts about them", "contacts"),
        ("Current relationships", "relationships"),
        ("Active warnings", "warnings"),
        ("Restrictions", "restrictions"),
    ):
        a, b = counts[left.pk][key], counts[right.pk][key]
        rows.append(ComparedRow(label, (str(a), str(b)), a != b))
    return rows


def merge_gains(*, kept: Person, merged: Person) -> list[tuple[str, str]]:
    """What the kept record's details will say after the merge, where the merge
    changes them (filled from the other record, or names added as aliases)."""
    changes = merge_preview(kept=kept, merged=merged)
    after = Person(**{f.attname: getattr(kept, f.attname) for f in Person._meta.concrete_fields})
    for field, value in changes.items():
        setattr(after, field, value)
    return [
        (label, show(after))
        for label, field, show in _fields([kept, merged, after])
        if field in changes
    ]


def merge_get(*, user: User, merge_id: int) -> PersonMerge:
    """The access function for a merge: a manager to whom both records are open
    (a screener is refused, anyone else told it is not there, as for the records)."""
    if not can_screen(user):
        raise Http404("No merge found")
    _require_manager(user)
    try:
        merge = PersonMerge.objects.select_related(
            "kept", "merged", "merged_by", "unmerged_by"
        ).get(pk=merge_id)
    except PersonMerge.DoesNotExist:
        raise Http404("No merge found") from None
    for person in (merge.kept, merge.merged):
        person_ensure_open(user=user, person=person)
    return merge


def merge_moves(*, merge: PersonMerge) -> list[tuple[str, int]]:
    """What the merge moved or ended, in words, with how many of each."""
    counts = dict(merge.moves.values_list("what").annotate(n=Count("pk")).order_by())
    return [
        (label, counts[value]) for value, label in PersonMergeMove.What.choices if value in counts
    ]


def merges_of(*, user: User, person: Person) -> QuerySet[PersonMerge]:
    """The merges this record took part in, newest first, for a manager's view of it."""
    if not may_merge(user):
        return PersonMerge.objects.none()
    return (
        PersonMerge.objects.filter(Q(kept=person) | Q(merged=person))
        .select_related("kept", "merged", "merged_by", "unmerged_by")
        .order_by("-merged_at", "-pk")
    )
