"""Reads for relationships between person records, and the access function for one.

Screening staff only, like person records. A relationship is reached through a contact
one of its people is on (``relationship_get``), so the contact's rule applies first,
then the rule of both people's records: one of them may be a relative not on the
contact, whose record is restricted to others.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F
from django.http import Http404

from frontdoor.models import User
from referrals.models import Contact, Person, Relationship
from referrals.selectors import can_screen, contact_get, person_ensure_open


def relationships_of(*, user: User, person_ids: Iterable[int]) -> list[Relationship]:
    """Every relationship, current and ended, of these people, oldest first: one
    query, with both people, who confirmed and ended it and the reference of the
    contact it was recorded on (``recorded_on_reference``), none with a merged record's
    tombstone."""
    if not can_screen(user):
        return []
    ids = set(person_ids)
    if not ids:
        return []
    return list(
        Relationship.objects.involving(ids)
        # A merged record's tombstone is no one's relative: what a merge leaves on it is
        # the ended relationship between the two records of one person.
        .filter(person__merged_into__isnull=True, relative__merged_into__isnull=True)
        # Not who recorded it, which the panel does not show: each join costs planning
        # time on every contact page. Of the contact only its reference: a whole
        # contact for each of a large family's sixty relationships was a third of what
        # the query built.
        .select_related("person", "relative", "confirmed_by", "ended_by")
        .annotate(recorded_on_reference=F("recorded_on__reference"))
        .order_by("recorded_at", "pk")
    )


def relationship_get(
    *, user: User, reference: str, relationship_id: int
) -> tuple[Contact, Relationship]:
    """A current relationship of someone on the contact, for a screener to confirm,
    correct or end it from that contact's page: 404 alike for a missing one, an ended
    one and one of nobody on the contact; the restricted-record refusal when either
    person's record is closed to ``user``."""
    if not can_screen(user):
        raise Http404("No relationship found")
    contact = contact_get(user=user, reference=reference)
    people = {s.person_id for s in contact.subjects.all() if s.person_id}
    relationship = (
        Relationship.objects.current()
        .involving(people)
        .select_related("person", "relative", "recorded_on", "confirmed_by")
        .filter(pk=relationship_id)
        .first()
    )
    if relationship is None:
        raise Http404("No relationship found")
    for person in (relationship.person, relationship.relative):
        person_ensure_open(user=user, person=person)
    return contact, relationship


def people_on_contact(contact: Contact) -> list[Person]:
    """The distinct person records of a contact's people, in the contact's order, from
    its prefetched subjects: whom a screener may relate to each other on it."""
    seen: dict[int, Person] = {}
    for subject in contact.subjects.all():
        if subject.person_id and subject.person_id not in seen:
            seen[subject.person_id] = subject.person
    return list(seen.values())
