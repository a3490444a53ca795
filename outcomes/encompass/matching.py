"""Which school a child attends, for an Operation Encompass notice (docs/adr/0038).

Certain only when a screener confirmed the child's school (on the person record) in this
school year: children change school every September, and a notice to the wrong school
tells strangers about a child's home. Anything else is a suggestion a screener confirms
first: last year's confirmed school, the school that last referred the child, or the
school that gave the child their unique pupil number (its first seven characters after
the check letter are that school's LA code and establishment number).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from outcomes.models_encompass import PupilSchool, School
from referrals.models import ContactSubject, Person
from referrals.selectors import person_standing

UPN_LENGTH = 13


@dataclass(frozen=True)
class SchoolMatch:
    school: School | None
    certain: bool = False
    reason: str = ""


def school_year_start(day: date) -> date:
    """1 September of the school year ``day`` is in."""
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def age_at_start_of_school_year(date_of_birth: date, day: date) -> int:
    """Age on 31 August before the school year: what decides a child's school year."""
    cutoff = date(school_year_start(day).year, 8, 31)
    return (
        cutoff.year
        - date_of_birth.year
        - ((cutoff.month, cutoff.day) < (date_of_birth.month, date_of_birth.day))
    )


SCHOOL_AGE = "school"
EARLY_YEARS = "early_years"


def stage_of(date_of_birth: date | None, day: date) -> str | None:
    """ "school" from Reception (4 on 31 August) to Year 13; "early_years" below that;
    None for an adult or a child not yet born. A child whose date of birth is not known
    is taken as of school age: a screener confirms their school, or that there is none."""
    if date_of_birth is None:
        return SCHOOL_AGE
    if date_of_birth > day:
        return None
    age = age_at_start_of_school_year(date_of_birth, day)
    if age >= 18:
        return None
    return SCHOOL_AGE if age >= 4 else EARLY_YEARS


def _person(subject: ContactSubject) -> Person | None:
    return person_standing(subject.person) if subject.person_id else None


def school_for(subject: ContactSubject, *, on: date) -> SchoolMatch:
    """The child's school, with how sure it is; ``SchoolMatch(None)`` when nothing says."""
    return schools_for([subject], on={subject.pk: on})[subject.pk]


def schools_for(subjects: list[ContactSubject], *, on: dict[int, date]) -> dict[int, SchoolMatch]:
    """``school_for`` for each child, by subject id (``on``: each one's day), in a
    fixed number of queries however many: a force's file raises thousands at once."""
    people = {subject.pk: _person(subject) for subject in subjects}
    person_ids = {person.pk for person in people.values() if person is not None}
    links = {
        link.person_id: link
        for link in PupilSchool.objects.filter(person_id__in=person_ids).select_related("school")
    }
    referred: dict[int, list[tuple[int, int]]] = {}  # person: (contact, school), latest first
    if person_ids:
        for person_id, contact_id, school_id in (
            ContactSubject.objects.filter(
                person_id__in=person_ids,
                contact__source_agency__school__isnull=False,
                contact__source_agency__school__is_open=True,
            )
            .order_by("-contact__received_at")
            .values_list("person_id", "contact_id", "contact__source_agency__school")
        ):
            referred.setdefault(person_id, []).append((contact_id, school_id))
    upns = {
        subject.pk: (
            subject.unique_pupil_number
            or (people[subject.pk].unique_pupil_number if people[subject.pk] else "")
        ).strip()
        for subject in subjects
    }
    codes = {(upn[1:4], upn[4:8]) for upn in upns.values() if len(upn) == UPN_LENGTH}
    by_code: dict[tuple[str, str], School] = {}
    if codes:
        wanted = Q()
        for la_code, number in codes:
            wanted |= Q(la_code=la_code, establishment_number=number)
        for school in School.objects.filter(wanted, is_open=True):
            by_code.setdefault((school.la_code, school.establishment_number), school)
    schools = School.objects.in_bulk({school for pairs in referred.values() for _, school in pairs})
    found = {}
    for subject in subjects:
        person = people[subject.pk]
        match = None
        if person is not None:
            link = links.get(person.pk)
            if link is not None and link.school.is_open:
                if timezone.localdate(link.confirmed_at) >= school_year_start(on[subject.pk]):
                    match = SchoolMatch(
                        link.school, certain=True, reason="Confirmed this school year"
                    )
                else:
                    match = SchoolMatch(
                        link.school, reason="Confirmed for the child last school year"
                    )
            else:
                school_id = next(
                    (
                        school
                        for contact_id, school in referred.get(person.pk, [])
                        if contact_id != subject.contact_id
                    ),
                    None,
                )
                if school_id is not None:
                    match = SchoolMatch(
                        schools[school_id], reason="The school referred the child before"
                    )
        upn = upns[subject.pk]
        if match is None and len(upn) == UPN_LENGTH and (upn[1:4], upn[4:8]) in by_code:
            match = SchoolMatch(
                by_code[(upn[1:4], upn[4:8])], reason="The school that gave the child their UPN"
            )
        found[subject.pk] = match or SchoolMatch(None)
    return found


def school_remember(*, subject: ContactSubject, school: School, actor) -> None:
    """Keep a screener's confirmation on the child's person record, for the next notice."""
    person = _person(subject)
    if person is None:
        return
    PupilSchool.objects.update_or_create(
        person=person,
        defaults={"school": school, "confirmed_by": actor, "confirmed_at": timezone.now()},
    )
