"""Locking person records before writing what points at them.

Every write that links a row to a person record, or moves rows between records (a
merge), locks the people first, lower id first, and only then the contact's subjects:
one order everywhere, so two of them wait for each other and never deadlock. A person
read afresh under its lock shows whether it has been merged meanwhile (a tombstone is
never linked to)."""

from __future__ import annotations

from collections.abc import Iterable

from referrals.models import ContactSubject, Person


def people_locked(person_ids: Iterable[int]) -> dict[int, Person]:
    """These person records locked until the transaction ends, lower id first, read
    afresh (a merge committed while waiting shows)."""
    ids = sorted({pk for pk in person_ids if pk is not None})
    if not ids:
        return {}
    rows = Person.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {person.pk: person for person in rows}


def contact_people_locked(contact_id: int, *also: int) -> dict[int, Person]:
    """The records of the people on a contact (and ``also``), locked: before a
    contact's subject is locked, so a merge moving that subject waits or is waited for,
    and the relationships suggested from the contact never name a tombstone."""
    on_contact = ContactSubject.objects.filter(contact_id=contact_id, person__isnull=False)
    return people_locked([*on_contact.values_list("person_id", flat=True), *also])
