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
    person = _person(subject)
    if person is not None:
        link = PupilSchool.objects.filter(person=person).select_related("school").first()
        if link is not None and link.school.is_open:
            if timezone.localdate(link.confirmed_at) >= school_year_start(on):
                return SchoolMatch(link.school, certain=True, reason="Confirmed this school year")
            return SchoolMatch(link.school, reason="Confirmed for the child last school year")
        referred = (
            ContactSubject.objects.filter(
                person=person,
                contact__source_agency__school__isnull=False,
                contact__source_agency__school__is_open=True,
            )
            .exclude(contact_id=subject.contact_id)
            .order_by("-contact__received_at")
            .values_list("contact__source_agency__school", flat=True)
            .first()
        )
        if referred is not None:
            return SchoolMatch(
                School.objects.get(pk=referred), reason="The school referred the child before"
            )
    upn = (subject.unique_pupil_number or (person.unique_pupil_number if person else "")).strip()
    if len(upn) == UPN_LENGTH:
        first_school = School.objects.filter(
            la_code=upn[1:4], establishment_number=upn[4:8], is_open=True
        ).first()
        if first_school is not None:
            return SchoolMatch(first_school, reason="The school that gave the child their UPN")
    return SchoolMatch(None)


def school_remember(*, subject: ContactSubject, school: School, actor) -> None:
    """Keep a screener's confirmation on the child's person record, for the next notice."""
    person = _person(subject)
    if person is None:
        return
    PupilSchool.objects.update_or_create(
        person=person,
        defaults={"school": school, "confirmed_by": actor, "confirmed_at": timezone.now()},
    )
