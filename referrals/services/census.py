"""A child's census details (ethnicity, disabilities, Unique Pupil Number): checked
against the return year's code lists, kept on the contact and the person record."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from frontdoor.audit import audit_record
from frontdoor.census_codes import (
    ETHNICITY_NOT_OBTAINED,
    census_code_lists,
    return_year_key,
    return_year_of,
)
from frontdoor.models import AuditEvent, User
from frontdoor.roles import Permission
from referrals import selectors
from referrals.models import ContactSubject, Person, Restriction
from referrals.services.inputs import ContactRejected

DISABILITY_NONE = "NONE"


class CensusDetailsInvalid(ContactRejected):
    """A child's ethnicity or disabilities are not codes of the census year; says which."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field_name = field_name


def census_return_year(contact_received_at: datetime) -> int:
    """The census return year a contact belongs to (by its London date of receipt)."""
    return return_year_of(timezone.localdate(contact_received_at))


def census_details_clean(
    *, ethnicity: str, disabilities: Iterable[str], year: int
) -> tuple[str, list[str]]:
    """A child's ethnicity and disabilities as kept: codes of the return year's lists,
    NOBT kept as blank (one way to say "not yet obtained"), disabilities once each in
    the list's order, "NONE" only on its own. Raises CensusDetailsInvalid."""
    ethnicity = ethnicity.strip().upper()
    if ethnicity == ETHNICITY_NOT_OBTAINED:
        ethnicity = ""
    wanted = {code.strip().upper() for code in disabilities if code.strip()}
    if not ethnicity and not wanted:
        return "", []
    # The lists needed in one query: intake checks every child on a contact.
    needed = ["ethnicity"] if ethnicity else []
    lists = census_code_lists([*needed, "disability"] if wanted else needed, year)
    if ethnicity and ethnicity not in {c.code for c in lists["ethnicity"]}:
        raise CensusDetailsInvalid(
            "ethnicity",
            f"{ethnicity} is not an ethnicity code in the {return_year_key(year)} census.",
        )
    known = [c.code for c in lists["disability"]] if wanted else []
    unknown = sorted(wanted - set(known))
    if unknown:
        raise CensusDetailsInvalid(
            "disabilities",
            f"{', '.join(unknown)}: not a disability code in the {return_year_key(year)} census.",
        )
    if DISABILITY_NONE in wanted and len(wanted) > 1:
        raise CensusDetailsInvalid(
            "disabilities", "NONE (no disability) cannot be given with a disability."
        )
    return ethnicity, [code for code in known if code in wanted]


@transaction.atomic
def subject_census_set(
    *, actor: User, subject: ContactSubject, ethnicity: str, disabilities: list[str]
) -> ContactSubject:
    """Record a child's ethnicity and disabilities (CIN census codes of the contact's
    return year) on the contact and, when matched, on their person record: a
    screener asking the family is the better source, so it replaces what was there."""
    if not actor.has_perm(Permission.SCREEN_CONTACTS.perm):
        raise ContactRejected("Your role does not allow this.")
    subject = (
        ContactSubject.objects.select_for_update(of=("self",))
        .select_related("contact", "person")
        .get(pk=subject.pk)
    )
    if not subject.is_child:
        raise ContactRejected("Ethnicity and disabilities are recorded for children only.")
    ethnicity, disabilities = census_details_clean(
        ethnicity=ethnicity,
        disabilities=disabilities,
        year=census_return_year(subject.contact.received_at),
    )
    changed = {
        name: value
        for name, value in (("ethnicity", ethnicity), ("disabilities", disabilities))
        if getattr(subject, name) != value
    }
    if not changed:
        return subject
    for name, value in changed.items():
        setattr(subject, name, value)
    subject.save(update_fields=list(changed))
    detail = {"subject": subject.pk, "fields": sorted(changed)}
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="contact",
        record_id=subject.contact.reference,
        via="referrals.subject_census_set",
        detail=detail,
    )
    person = subject.person
    if person is not None:
        person.ethnicity, person.disabilities = ethnicity, disabilities
        person.save(update_fields=["ethnicity", "disabilities", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CHANGE,
            record_type="person",
            record_id=person.pk,
            via="referrals.subject_census_set",
            detail=detail,
        )
    return subject


@transaction.atomic
def person_upn_set(*, actor: User, person: Person, unique_pupil_number: str) -> Person:
    """Add or correct a child's Unique Pupil Number on their person record after
    intake: the census sends the person's before any a referrer gave. ``upn`` is
    already checked (``validators.clean_unique_pupil_number``). Audited by field, not
    value: the log says that the number changed; the record's history keeps what it was."""
    if not actor.has_perm(Permission.SCREEN_CONTACTS.perm):
        raise ContactRejected("Your role does not allow this.")
    if Restriction.objects.closed_to(actor).filter(person_id=person.pk).exists():
        raise ContactRejected("This record is restricted to named people.")
    if not unique_pupil_number:
        raise ContactRejected("Enter the Unique Pupil Number")
    if not selectors.person_is_a_child(person):
        raise ContactRejected("Only a child on a contact has a Unique Pupil Number.")
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.unique_pupil_number == unique_pupil_number:
        return person
    was = "blank" if not person.unique_pupil_number else "another number"
    person.unique_pupil_number = unique_pupil_number
    person.save(update_fields=["unique_pupil_number", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        record_type="person",
        record_id=person.pk,
        via="referrals.person_upn_set",
        detail={"fields": ["unique_pupil_number"], "was": was},
    )
    return person
