"""Reads for contacts, subjects and person records, always scoped to the acting user.

``contacts_visible_to`` is the one place that decides who may see which contact;
every view and API endpoint reads through it (or ``contact_get``), so a record a
user may not see is indistinguishable from one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.postgres.search import TrigramSimilarity
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Greatest, Lower
from django.http import Http404
from django.utils import timezone

from frontdoor.models import AuditEvent, User
from frontdoor.roles import Permission
from referrals.models import (
    Contact,
    ContactSubject,
    MatchCandidate,
    Person,
    ReferralDraft,
    Restriction,
)

REPEAT_CONTACT_WINDOW = timedelta(days=365)


def can_screen(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Permission.SCREEN_CONTACTS.perm)


def can_refer(user: User) -> bool:
    return user.is_authenticated and user.has_perm(Permission.SUBMIT_REFERRALS.perm)


class RecordRestricted(PermissionDenied):
    """The record exists but is restricted to named people; says whom to ask."""

    def __init__(self, restriction: Restriction):
        super().__init__("This record is restricted")
        self.restriction = restriction


def _active_restrictions() -> QuerySet[Restriction]:
    return Restriction.objects.filter(lifted_at__isnull=True).select_related("ask")


def restriction_on_contact(contact: Contact) -> Restriction | None:
    """An active restriction on the contact, or on a person it is about."""
    return (
        _active_restrictions()
        .filter(Q(contact=contact) | Q(person__appearances__contact=contact))
        .order_by("pk")
        .first()
    )


def restriction_on_person(person: Person) -> Restriction | None:
    return _active_restrictions().filter(person=person).order_by("pk").first()


def _restricted_contact_ids():
    """Subquery: contacts restricted themselves or through a person on them."""
    return Exists(
        Restriction.objects.filter(lifted_at__isnull=True).filter(
            Q(contact=OuterRef("pk")) | Q(person__appearances__contact=OuterRef("pk"))
        )
    )


def contacts_visible_to(*, user: User) -> QuerySet[Contact]:
    """Screening staff see every contact; a referrer only the contacts they made.
    Each carries ``is_restricted``, so lists can leave out the names on it."""
    contacts = Contact.objects.select_related("referral_source", "source_agency").annotate(
        is_restricted=_restricted_contact_ids()
    )
    if can_screen(user):
        return contacts
    if can_refer(user):
        return contacts.filter(referrer=user)
    return contacts.none()


def contact_get(*, user: User, reference: str) -> Contact:
    """The contact, with its people, or 404 whether it is missing or not theirs."""
    subjects = ContactSubject.objects.select_related("person").prefetch_related(
        Prefetch(
            "match_candidates",
            queryset=MatchCandidate.objects.select_related("person"),
        )
    )
    try:
        contact = (
            contacts_visible_to(user=user)
            .select_related("referrer", "recorded_by", "api_client")
            .prefetch_related(Prefetch("subjects", queryset=subjects))
            .get(reference=reference)
        )
    except Contact.DoesNotExist:
        raise Http404("No contact found") from None
    # The referrer who wrote it may always read what they sent.
    if contact.is_restricted and contact.referrer_id != user.pk:
        restriction = restriction_on_contact(contact)
        if restriction is not None and not restriction.opens_for(user):
            raise RecordRestricted(restriction)
    return contact


def recent_contacts(*, user: User, limit: int = 25) -> QuerySet[Contact]:
    return contacts_visible_to(user=user).prefetch_related("subjects")[:limit]


@dataclass(frozen=True)
class HistoryEntry:
    contact: Contact
    role: str


@dataclass(frozen=True)
class PersonHistory:
    person: Person
    entries: list[HistoryEntry]
    repeat_contact: bool


def person_history(*, user: User, person: Person, before: Contact | None = None) -> PersonHistory:
    """Every contact this person appears on (newest first), for screening staff only.

    ``repeat_contact`` flags another contact within 12 months of ``before``.
    """
    if not can_screen(user):
        return PersonHistory(person=person, entries=[], repeat_contact=False)
    appearances = (
        ContactSubject.objects.filter(person=person)
        .select_related("contact", "contact__referral_source")
        .order_by("-contact__received_at")
    )
    if before is not None:
        appearances = appearances.exclude(contact=before)
    entries = [HistoryEntry(a.contact, a.get_role_display()) for a in appearances]
    window_start = (before.received_at if before else timezone.now()) - REPEAT_CONTACT_WINDOW
    repeat = any(entry.contact.received_at >= window_start for entry in entries)
    return PersonHistory(person=person, entries=entries, repeat_contact=repeat)


def person_get(*, user: User, person_id: int) -> Person:
    if not can_screen(user):
        raise Http404("No person found")
    try:
        person = Person.objects.get(pk=person_id)
    except Person.DoesNotExist:
        raise Http404("No person found") from None
    restriction = restriction_on_person(person)
    if restriction is not None and not restriction.opens_for(user):
        raise RecordRestricted(restriction)
    return person


def people_search(
    *, user: User, name: str, date_of_birth: date | None = None, limit: int = 20
) -> list[Person]:
    """People whose name is like ``name`` (either way round), best first."""
    if not can_screen(user) or not name.strip():
        return []
    words = name.lower().split()
    first, last = words[0], words[-1]
    people = Person.objects.annotate(
        first_lower=Lower("first_name"), last_lower=Lower("last_name")
    ).filter(
        Q(last_lower__trigram_similar=last)
        | Q(last_lower__trigram_similar=first)
        | Q(first_lower__trigram_similar=first)
    )
    if date_of_birth is not None:
        people = people.filter(
            Q(date_of_birth=date_of_birth) | Q(expected_date_of_birth=date_of_birth)
        )
    return list(
        people.annotate(
            likeness=Greatest(
                TrigramSimilarity("first_lower", first) + TrigramSimilarity("last_lower", last),
                TrigramSimilarity("first_lower", last) + TrigramSimilarity("last_lower", first),
            )
        ).order_by("-likeness", "last_name")[:limit]
    )


def draft_get(*, owner: User, kind: str) -> dict:
    draft = ReferralDraft.objects.filter(owner=owner, kind=kind).first()
    return draft.data if draft else {}


def person_access_log(*, user: User, person: Person) -> QuerySet[AuditEvent]:
    """Who has looked at or changed this person's record or any contact about them,
    newest first: managers only (it names staff and where they worked from)."""
    if not user.has_perm(Permission.APPROVE_DECISIONS.perm):
        raise Http404("No person found")
    references = Contact.objects.filter(subjects__person=person).values_list("reference", flat=True)
    return (
        AuditEvent.objects.filter(
            Q(record_type="person", record_id=str(person.pk))
            | Q(record_type="contact", record_id__in=list(references))
        )
        .select_related("actor__agency")
        .order_by("-occurred_at", "-pk")
    )


def restrictions_for_review(*, user: User) -> QuerySet[Restriction]:
    """Every active restriction, soonest review first: managers only."""
    if not user.has_perm(Permission.APPROVE_DECISIONS.perm):
        raise PermissionDenied
    return (
        _active_restrictions()
        .select_related("contact", "person", "created_by")
        .prefetch_related("allowed")
        .order_by("review_due", "pk")
    )


def restriction_candidates(*, user: User) -> QuerySet[User]:
    """Staff who could be named on a restriction."""
    return (
        User.objects.filter(is_active=True, groups__permissions__codename="screen_contacts")
        .distinct()
        .order_by("full_name")
    )
