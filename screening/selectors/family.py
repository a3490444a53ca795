"""The family on the screening contact page: every adult on the contact and every
person related on record to someone on it, each with the count of their earlier
contacts (the contacts themselves one click away, ``member_history``), and the
relationships a screener confirms, corrects or ends (one page each).

A fixed number of queries however large the family (tests/screening/test_family.py):
the relationships, the restrictions barring related people, the counts of everyone's
earlier contacts and their warnings. What social care is doing with each of them (an
assessment, a child protection plan) is outcomes', added by the view from
``frontdoor.page_parts.SCREENING_FAMILY``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Max, Q
from django.http import Http404

from frontdoor.models import User
from referrals import selectors as referral_selectors
from referrals.models import (
    OPEN_STATUSES,
    Contact,
    ContactSubject,
    Person,
    PersonWarning,
    Relationship,
)
from referrals.selectors_relationships import people_on_contact, relationships_of
from referrals.selectors_warnings import warnings_active
from screening.models import Decision
from screening.selectors.access import can_screen

# A family member's most recent contacts, when asked for; the rest are on their record.
FAMILY_HISTORY_SHOWN = 10
ADULT_AT = 18


@dataclass(frozen=True)
class FamilyRow:
    """One earlier contact a family member was on. On a contact restricted to others
    only its reference and date are shown, as in a child's history."""

    reference: str
    received_at: datetime
    role: str
    is_open: bool
    restricted: bool
    status: str
    decision: Decision | None


@dataclass(frozen=True)
class RelationshipItem:
    relationship: Relationship
    # Either person's record is closed to the user: only that a relationship exists.
    masked: bool


@dataclass
class FamilyMember:
    person_id: int | None
    person: Person | None  # None when not yet matched, or masked
    name: str  # as given on this contact, or the record's name; empty when masked
    described: str = ""  # their role on this contact, in words
    subject_id: int | None = None
    links: list[str] = field(default_factory=list)  # "Parent of Amelia Harrison"
    earlier_contacts: int = 0  # besides this one; listed on asking (member_history)
    latest_contact: datetime | None = None
    open_contacts: int = 0
    restricted_ask: User | None = None
    warnings: list[PersonWarning] = field(default_factory=list)


@dataclass
class Family:
    adults: list[FamilyMember]  # on this contact
    related: list[FamilyMember]  # adults related on record, not on this contact
    children: list[FamilyMember]  # other children related on record
    current: list[RelationshipItem]
    ended: list[RelationshipItem]
    people: list[Person]  # on this contact, matched: whom a screener may relate
    person_ids: list[int]  # every family member with a record the user may open
    # Active warnings by person id: the family's and those of everyone on the contact,
    # children too, read together for the page's warnings (one query, not two).
    warnings: dict[int, list[PersonWarning]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.adults or self.related or self.children or self.current)


def _is_child(person: Person, on: date, appeared_as_child: bool) -> bool:
    if person.expected_date_of_birth is not None and person.date_of_birth is None:
        return True
    if person.date_of_birth is not None:
        born = person.date_of_birth
        return (on.year - born.year - ((on.month, on.day) < (born.month, born.day))) < ADULT_AT
    return appeared_as_child


def _counts(*, contact: Contact, person_ids: set[int]) -> dict[int, dict]:
    """Each person's earlier contacts besides this one, counted (all, still open, as a
    child) with the latest one's date: one query however many people. The contacts
    themselves are one click away (``member_history``): a large family's tables of
    earlier contacts were most of the page's time and length."""
    earlier = ContactSubject.objects.filter(person_id__in=person_ids).exclude(contact=contact)
    return {
        row["person_id"]: row
        for row in earlier.values("person_id").annotate(
            total=Count("contact_id", distinct=True),
            open=Count("contact_id", distinct=True, filter=Q(contact__status__in=OPEN_STATUSES)),
            as_child=Count("pk", filter=Q(role__in=ContactSubject.CHILD_ROLES)),
            latest=Max("contact__received_at"),
        )
    }


@dataclass(frozen=True)
class MemberHistory:
    rows: list[FamilyRow]
    not_shown: int  # earlier contacts beyond those shown: on their person record


def family_member_get(*, user: User, reference: str, person_id: int) -> tuple[Contact, Person]:
    """A family member of the contact's family panel, to show their earlier contacts:
    someone on the contact or related now, on record, to someone on it. 404 alike for
    a missing person, one not in this family and a user who does not screen; the
    restricted-record refusal when the person's record is closed to ``user``."""
    if not can_screen(user):
        raise Http404("No family member found")
    contact = referral_selectors.contact_get(user=user, reference=reference)
    on_contact = {s.person_id for s in contact.subjects.all() if s.person_id}
    if person_id not in on_contact and not (
        Relationship.objects.current()
        .involving(on_contact)
        .filter(Q(person_id=person_id) | Q(relative_id=person_id))
        .exists()
    ):
        raise Http404("No family member found")
    return contact, referral_selectors.person_get(user=user, person_id=person_id)


def member_history(*, user: User, contact: Contact, person: Person) -> MemberHistory:
    """``person``'s most recent FAMILY_HISTORY_SHOWN contacts besides ``contact``, each
    with its latest decision; on a contact restricted to others only its reference and
    date. Three queries, however long their history."""
    earlier = ContactSubject.objects.filter(person_id=person.pk).exclude(contact=contact)
    recent = earlier.order_by("-contact__received_at", "-pk")[:FAMILY_HISTORY_SHOWN]
    # By subquery, so the query runs (and the count stays the same) with no history too.
    latest = {
        decision.contact_id: decision
        for decision in Decision.objects.current()
        .filter(contact_id__in=recent.values("contact_id"))
        .select_related("threshold_level")
    }
    recent = recent.annotate(
        restricted=referral_selectors.closed_to(user, "contact_id")
    ).select_related("contact")
    rows = [
        FamilyRow(
            reference=appearance.contact.reference,
            received_at=appearance.contact.received_at,
            role=appearance.get_role_display(),
            is_open=appearance.contact.status in OPEN_STATUSES,
            restricted=appearance.restricted,
            status=appearance.contact.get_status_display(),
            # A withdrawn contact's decision left waiting never stood: "Withdrawn" says it.
            decision=None
            if appearance.restricted or appearance.contact.status == Contact.Status.WITHDRAWN
            else latest.get(appearance.contact_id),
        )
        for appearance in recent
    ]
    total = earlier.values("contact_id").distinct().count()
    return MemberHistory(rows=rows, not_shown=total - len(rows))


def _links(person_id: int, items: list[RelationshipItem]) -> list[str]:
    links = []
    for item in items:
        rel = item.relationship
        if item.masked or person_id not in (rel.person_id, rel.relative_id):
            continue
        other = rel.other(person_id)
        suffix = " (suggested)" if rel.basis == Relationship.Basis.SUGGESTED else ""
        links.append(f"{rel.reads_from(person_id)} {other.full_name}{suffix}")
    return links


def family_of(*, user: User, contact: Contact) -> Family | None:
    """The family panel of ``contact`` (fetched with ``contact_get``, so its subjects
    and their records are loaded): screening staff only."""
    if not can_screen(user):
        return None
    people = people_on_contact(contact)
    on_contact = {p.pk for p in people}
    relationships = relationships_of(user=user, person_ids=on_contact)
    related: dict[int, Person] = {}  # related now, not on this contact
    others: set[int] = set()  # anyone not on this contact, related now or before
    for rel in relationships:
        for person in (rel.person, rel.relative):
            if person.pk not in on_contact:
                others.add(person.pk)
                if rel.is_current:
                    related.setdefault(person.pk, person)
    # Asked about everyone, not only those off this contact, so the query runs for a
    # family with nobody else on record too: the panel's query count must not depend
    # on the family. Only those off the contact are masked (the rest are the contact's).
    barring = {
        person_id: restriction
        for person_id, restriction in referral_selectors.restrictions_barring_people(
            user=user, person_ids=others | on_contact
        ).items()
        if person_id in others
    }
    items = [
        RelationshipItem(rel, masked=bool({rel.person_id, rel.relative_id} & set(barring)))
        for rel in relationships
    ]
    current = [item for item in items if item.relationship.is_current]
    adult_subjects = [s for s in contact.subjects.all() if not s.is_child]
    open_ids = {s.person_id for s in adult_subjects if s.person_id} | (set(related) - set(barring))
    counts = _counts(contact=contact, person_ids=open_ids)
    warned = warnings_active(user=user, person_ids=open_ids | on_contact)

    def member(person_id: int, **values) -> FamilyMember:
        count = counts.get(person_id, {"total": 0, "open": 0, "latest": None})
        return FamilyMember(
            person_id=person_id,
            links=_links(person_id, current),
            earlier_contacts=count["total"],
            latest_contact=count["latest"],
            open_contacts=count["open"],
            warnings=warned.get(person_id, []),
            **values,
        )

    adults = []
    for subject in adult_subjects:
        said = subject.get_role_display()
        if subject.relationship_to_children:
            said = f"{said}: {subject.relationship_to_children}"
        if subject.person_id is None:
            adults.append(FamilyMember(None, None, subject.full_name, said, subject_id=subject.pk))
            continue
        adults.append(
            member(
                subject.person_id,
                person=subject.person,
                name=subject.full_name,
                described=said,
                subject_id=subject.pk,
            )
        )
    grown, young = [], []
    on = contact.received_at.date()
    for person_id, person in related.items():
        if person_id in barring:
            grown.append(FamilyMember(person_id, None, "", restricted_ask=barring[person_id].ask))
            continue
        as_child = counts.get(person_id, {}).get("as_child", 0) > 0
        target = young if _is_child(person, on, as_child) else grown
        target.append(member(person_id, person=person, name=person.full_name))
    return Family(
        adults=adults,
        related=grown,
        children=young,
        current=current,
        ended=[item for item in items if not item.relationship.is_current],
        people=people,
        person_ids=sorted(open_ids),
        warnings=warned,
    )
