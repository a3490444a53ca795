"""The people on a new contact as intake writes them (``contact_submit`` for one contact,
``contacts_submit_many`` for a force's file): each one's row as given, linked to the
record with the same NHS number, given a new record, or left for a screener with the
likely matches (``MatchPlan``, found by ``intake``). Three inserts however many."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from referrals import matching
from referrals.models import Contact, ContactSubject, MatchCandidate, Person
from referrals.services.inputs import SubjectInput


@dataclass(frozen=True)
class MatchPlan:
    """What matching found for one person on a new contact, before anything is written."""

    person: Person | None = None  # the record with the same NHS number
    candidates: tuple[matching.Candidate, ...] = ()


def subject_row(
    *,
    contact: Contact,
    position: int,
    given: SubjectInput,
    ethnicity: str = "",
    disabilities: list[str] | None = None,
) -> ContactSubject:
    """Someone on a contact as the referrer gave them (not yet saved, nor matched)."""
    return ContactSubject(
        contact=contact,
        position=position,
        role=given.role,
        relationship_to_children=given.relationship_to_children,
        first_name=given.first_name.strip(),
        last_name=given.last_name.strip(),
        other_names=given.other_names.strip(),
        date_of_birth=given.date_of_birth,
        expected_date_of_birth=given.expected_date_of_birth,
        sex=given.sex,
        nhs_number=given.nhs_number,
        unique_pupil_number=given.unique_pupil_number,
        address=given.address,
        postcode=given.postcode,
        ethnicity=ethnicity,
        disabilities=disabilities or [],
        child_seen=given.child_seen,
        child_seen_on=given.child_seen_on if given.child_seen else None,
        child_seen_by=given.child_seen_by.strip() if given.child_seen else "",
        child_said=given.child_said.strip() if given.child_seen else "",
        child_not_seen_reason=given.child_not_seen_reason.strip()
        if given.child_seen is False
        else "",
    )


def person_row(subject: ContactSubject) -> Person:
    """A new person record for someone on a contact matching found no one for (not
    yet saved)."""
    return Person(
        first_name=subject.first_name,
        last_name=subject.last_name,
        aliases=[subject.other_names] if subject.other_names else [],
        date_of_birth=subject.date_of_birth,
        expected_date_of_birth=subject.expected_date_of_birth,
        sex=subject.sex,
        nhs_number=subject.nhs_number,
        unique_pupil_number=subject.unique_pupil_number,
        address=subject.address,
        postcode=subject.postcode,
        ethnicity=subject.ethnicity,
        disabilities=list(subject.disabilities),
    )


def _person_from_subject(subject: ContactSubject) -> Person:
    person = person_row(subject)
    person.save(force_insert=True)
    return person


def _person_census_fill(person: Person, subject: ContactSubject) -> None:
    """Give a linked person record the census details it lacks from what this contact
    says; what the record already holds (perhaps confirmed by a screener) stays."""
    changed = []
    if subject.ethnicity and not person.ethnicity:
        person.ethnicity = subject.ethnicity
        changed.append("ethnicity")
    if subject.disabilities and not person.disabilities:
        person.disabilities = list(subject.disabilities)
        changed.append("disabilities")
    if changed:
        person.save(update_fields=[*changed, "updated_at"])


def contact_people_write(kept: list, contacts: list[Contact]) -> dict[int, list[ContactSubject]]:
    """Every contact's people, linked by NHS number, given a new record, or left for a
    screener with their likely matches: three inserts for the batch."""
    subjects: list[ContactSubject] = []
    plans: list[MatchPlan] = []
    # A later person with the NHS number of one given a new record just now: that record.
    twins: dict[int, ContactSubject] = {}
    for contact, (_, item, _, _, census, contact_plans) in zip(contacts, kept, strict=True):
        # One NHS number is one person, as contact_submit links it.
        by_nhs_number: dict[str, Person] = {}
        first_new: dict[str, ContactSubject] = {}
        for position, (given, plan, (ethnicity, disabilities)) in enumerate(
            zip(item.subjects, contact_plans, census, strict=True)
        ):
            if plan.person is None and given.nhs_number in by_nhs_number:
                plan = MatchPlan(person=by_nhs_number[given.nhs_number])
            subject = subject_row(
                contact=contact,
                position=position,
                given=given,
                ethnicity=ethnicity,
                disabilities=disabilities,
            )
            if plan.person is not None:
                subject.person = plan.person
                subject.match_status = ContactSubject.MatchStatus.NHS_NUMBER
                _person_census_fill(plan.person, subject)
                if given.nhs_number:
                    by_nhs_number.setdefault(given.nhs_number, plan.person)
            elif given.nhs_number in first_new:
                twins[len(subjects)] = first_new[given.nhs_number]
                plan = MatchPlan()
            elif given.nhs_number and not plan.candidates:
                first_new[given.nhs_number] = subject
            subjects.append(subject)
            plans.append(plan)
    new = [
        (subject, person_row(subject))
        for index, (subject, plan) in enumerate(zip(subjects, plans, strict=True))
        if plan.person is None and not plan.candidates and index not in twins
    ]
    Person.objects.bulk_create(person for _, person in new)
    for subject, person in new:
        subject.person, subject.match_status = person, ContactSubject.MatchStatus.NEW_PERSON
    for index, first in twins.items():
        subjects[index].person = first.person
        subjects[index].match_status = ContactSubject.MatchStatus.NHS_NUMBER
        _person_census_fill(first.person, subjects[index])
    ContactSubject.objects.bulk_create(subjects)
    MatchCandidate.objects.bulk_create(
        MatchCandidate(subject=subject, person_id=c.person_id, score=c.score, reasons=c.reasons)
        for subject, plan in zip(subjects, plans, strict=True)
        for c in plan.candidates
    )
    on: dict[int, list[ContactSubject]] = defaultdict(list)
    for subject in subjects:
        on[subject.contact_id].append(subject)
    return on
