"""Writes for relationships between person records: suggested from a contact's people
when they are matched, then confirmed, corrected, ended or added by a screener.

Nothing here deletes or rewrites a relationship's history: ending one records who, when
and why; a change of kind ends the old version ("Corrected to …") and starts the new one
pointing back at it. Each change writes an audit row on both people's records, so it
shows in either person's access log.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from frontdoor.limits import LIMITS
from frontdoor.models import AuditEvent, User
from referrals.models import Contact, ContactSubject, Relationship, Restriction

Kind = Relationship.Kind
Role = ContactSubject.Role

END_REASON_MAX = LIMITS.reason

_STEP = re.compile(r"\bstep", re.IGNORECASE)
# "Mum's partner" is about mum, not a parent: a possessive does not count.
_PARENT = re.compile(
    r"\b(mother|father|mum|mom|mam|dad|daddy|mummy|parent)s?\b(?!['\u2019]s)", re.IGNORECASE
)
_SIBLING = re.compile(r"\b(brother|sister|sibling)s?\b", re.IGNORECASE)
_HALF = re.compile(r"\bhalf", re.IGNORECASE)

# Kinds that answer the same question ("who looks after the child?", "are they
# siblings?"): a suggestion is not made beside a current relationship of its group, so
# a screener's correction (parent to step-parent) is not undone by the next contact.
_GROUPS = (
    {Kind.PARENT, Kind.STEP_PARENT, Kind.CARER},
    {Kind.SIBLING, Kind.HALF_SIBLING},
)


class RelationshipRefused(Exception):
    """A change the relationship's state or the actor's access does not allow."""


def kind_guess(*, role: str, said: str) -> list[str]:
    """The relationship to the children an adult on a contact most likely has, from
    their role and the referrer's words ("mum's partner", "step-dad", "father"): the
    first guess a screener confirms or corrects. An alleged perpetrator named as a
    parent is both."""
    kinds: list[str] = []
    if _STEP.search(said):
        kinds.append(Kind.STEP_PARENT)
    elif _SIBLING.search(said):
        kinds.append(Kind.HALF_SIBLING if _HALF.search(said) else Kind.SIBLING)
    elif _PARENT.search(said) or role == Role.PARENT:
        kinds.append(Kind.PARENT)
    elif role == Role.CARER:
        kinds.append(Kind.CARER)
    elif role == Role.HOUSEHOLD_MEMBER:
        kinds.append(Kind.HOUSEHOLD_MEMBER)
    if role == Role.ALLEGED_PERPETRATOR:
        kinds.append(Kind.ALLEGED_PERPETRATOR)
    return kinds or [Kind.OTHER]


def _group(kind: str) -> set[str]:
    return next((group for group in _GROUPS if kind in group), {kind})


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _audit(actor: User, relationships: Iterable[Relationship], *, change: str, via: str) -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            action=AuditEvent.Action.CREATE if change == "suggested" else AuditEvent.Action.CHANGE,
            record_type="person",
            record_id=str(person_id),
            via=via,
            detail={
                "relationship": relationship.pk,
                "kind": relationship.kind,
                "person": relationship.person_id,
                "relative": relationship.relative_id,
                "change": change,
            },
        )
        for relationship in relationships
        for person_id in (relationship.person_id, relationship.relative_id)
    )


def relationships_suggest(
    *, actor: User, contact: Contact, subjects: list[ContactSubject] | None = None
) -> list[Relationship]:
    """First guesses from the contact's matched people: each adult to each child (kind
    from their role and the referrer's words), and children on one contact as
    siblings. None where the two already have a current relationship of that kind's
    group. Safe to call again after each match: it adds only what is missing. Callers
    lock the contact's people first (``services.locks``), so none is a tombstone.
    ``subjects``: all the contact's people as just saved (intake has them in hand), in
    place of reading them again."""
    return relationships_suggest_many(
        actor=actor,
        contacts=[contact],
        known=None if subjects is None else {contact.pk: subjects},
    )


def _wanted(subjects: list[ContactSubject]) -> dict[tuple[int, int, str], tuple[int, int]]:
    """One contact's guesses: (lower id, higher id, kind) to (person, relative)."""
    children = [s for s in subjects if s.is_child]
    adults = [s for s in subjects if not s.is_child]
    wanted: dict[tuple[int, int, str], tuple[int, int]] = {}
    for child in children:
        for adult in adults:
            for kind in kind_guess(role=adult.role, said=adult.relationship_to_children):
                if adult.person_id != child.person_id:
                    key = (*_pair(adult.person_id, child.person_id), kind)
                    wanted.setdefault(key, (adult.person_id, child.person_id))
        for other in children:
            if other.person_id != child.person_id:
                key = (*_pair(child.person_id, other.person_id), Kind.SIBLING)
                wanted.setdefault(key, _pair(child.person_id, other.person_id))
    return wanted


def relationships_suggest_many(
    *,
    actor: User,
    contacts: list[Contact],
    known: dict[int, list[ContactSubject]] | None = None,
) -> list[Relationship]:
    """``relationships_suggest`` for many new contacts at once (a force's file): a
    statement per kind of row however many. A pair two of the contacts both suggest
    is suggested once, on the first of them. ``known``: each contact's people as just
    saved, when the caller has them all (none is read then)."""
    on: dict[int, list[ContactSubject]] = {contact.pk: [] for contact in contacts}
    if known is not None:
        for contact_id in on:
            on[contact_id] = sorted(
                (s for s in known[contact_id] if s.person_id is not None),
                key=lambda s: (s.position, s.pk),
            )
    else:
        for subject in ContactSubject.objects.filter(
            contact_id__in=list(on), person__isnull=False
        ).order_by("contact_id", "position", "pk"):
            on[subject.contact_id].append(subject)
    wanted: dict[tuple[int, int, str], tuple[int, int, int]] = {}
    for contact in contacts:
        for key, pair in _wanted(on[contact.pk]).items():
            wanted.setdefault(key, (*pair, contact.pk))
    if not wanted:
        return []
    people = {s.person_id for subjects in on.values() for s in subjects}
    current: dict[tuple[int, int], set[str]] = {}
    for person_id, relative_id, kind in (
        Relationship.objects.current()
        .filter(person_id__in=people, relative_id__in=people)
        .values_list("person_id", "relative_id", "kind")
    ):
        current.setdefault(_pair(person_id, relative_id), set()).add(kind)
    now = timezone.now()
    made = [
        Relationship(
            person_id=person_id,
            relative_id=relative_id,
            kind=kind,
            basis=Relationship.Basis.SUGGESTED,
            recorded_on_id=contact_id,
            recorded_by=actor,
            recorded_at=now,
        )
        for (low, high, kind), (person_id, relative_id, contact_id) in wanted.items()
        if not current.get((low, high), set()) & _group(kind)
    ]
    if made:
        # Two intakes naming the same family at once: the constraint keeps one each.
        Relationship.objects.bulk_create(made, ignore_conflicts=True)
        made = list(
            Relationship.objects.filter(
                recorded_on_id__in=list(on), recorded_at=now, basis=Relationship.Basis.SUGGESTED
            ).order_by("pk")
        )
        _audit(actor, made, change="suggested", via="referrals.relationships_suggest")
    return made


def _locked(relationship: Relationship, actor: User) -> Relationship:
    locked = Relationship.objects.select_for_update().get(pk=relationship.pk)
    if locked.ended_at is not None:
        raise RelationshipRefused("This relationship has already ended.")
    if (
        Restriction.objects.closed_to(actor)
        .filter(person_id__in=[locked.person_id, locked.relative_id])
        .exists()
    ):
        raise RelationshipRefused(
            "One of these people's records is restricted: ask whoever is named on it."
        )
    return locked


@transaction.atomic
def relationship_confirm(*, actor: User, relationship: Relationship) -> Relationship:
    locked = _locked(relationship, actor)
    if locked.basis == Relationship.Basis.CONFIRMED:
        raise RelationshipRefused("This relationship is already confirmed.")
    locked.basis = Relationship.Basis.CONFIRMED
    locked.confirmed_by, locked.confirmed_at = actor, timezone.now()
    locked.save(update_fields=["basis", "confirmed_by", "confirmed_at"])
    _audit(actor, [locked], change="confirmed", via="referrals.relationship_confirm")
    return locked


def _end(locked: Relationship, *, actor: User, reason: str) -> None:
    locked.ended_at, locked.ended_by, locked.end_reason = timezone.now(), actor, reason
    locked.save(update_fields=["ended_at", "ended_by", "end_reason"])


def _reason_clean(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise RelationshipRefused("Enter why the relationship has ended.")
    if len(reason) > END_REASON_MAX:
        raise RelationshipRefused(f"The reason must be {END_REASON_MAX} characters or fewer.")
    return reason


@transaction.atomic
def relationship_end(*, actor: User, relationship: Relationship, reason: str) -> Relationship:
    reason = _reason_clean(reason)
    locked = _locked(relationship, actor)
    _end(locked, actor=actor, reason=reason)
    _audit(actor, [locked], change="ended", via="referrals.relationship_end")
    return locked


def _create_confirmed(
    *, actor: User, contact: Contact, person_id: int, relative_id: int, kind: str, replaces=None
) -> Relationship:
    now = timezone.now()
    try:
        with transaction.atomic():
            return Relationship.objects.create(
                person_id=person_id,
                relative_id=relative_id,
                kind=kind,
                basis=Relationship.Basis.CONFIRMED,
                recorded_on=contact,
                recorded_by=actor,
                recorded_at=now,
                confirmed_by=actor,
                confirmed_at=now,
                replaces=replaces,
            )
    except IntegrityError:
        raise RelationshipRefused(
            f"They already have a current relationship of that kind ({Kind(kind).label.lower()})."
        ) from None


@transaction.atomic
def relationship_change_kind(
    *, actor: User, relationship: Relationship, kind: str, contact: Contact
) -> Relationship:
    """Correct the kind: the old version ends ("Corrected to …") and a confirmed one
    of the new kind replaces it, recorded on ``contact``."""
    if kind not in Kind.values:
        raise RelationshipRefused("Select a kind of relationship.")
    locked = _locked(relationship, actor)
    if kind == locked.kind:
        raise RelationshipRefused("That is already the kind of relationship recorded.")
    _end(locked, actor=actor, reason=f"Corrected to {Kind(kind).label.lower()}")
    corrected = _create_confirmed(
        actor=actor,
        contact=contact,
        person_id=locked.person_id,
        relative_id=locked.relative_id,
        kind=kind,
        replaces=locked,
    )
    _audit(actor, [locked, corrected], change="corrected", via="referrals.relationship_change_kind")
    return corrected


@transaction.atomic
def relationship_add(
    *, actor: User, contact: Contact, person_id: int, relative_id: int, kind: str
) -> Relationship:
    """A relationship a screener records between two people on ``contact`` (the view
    offers only those people; checked here again)."""
    if kind not in Kind.values:
        raise RelationshipRefused("Select a kind of relationship.")
    if person_id == relative_id:
        raise RelationshipRefused("Choose two different people.")
    on_contact = set(
        ContactSubject.objects.filter(contact=contact, person__isnull=False).values_list(
            "person_id", flat=True
        )
    )
    if not {person_id, relative_id} <= on_contact:
        raise RelationshipRefused("Both people must be on this contact and matched to a record.")
    if Restriction.objects.closed_to(actor).filter(person_id__in=[person_id, relative_id]).exists():
        raise RelationshipRefused(
            "One of these people's records is restricted: ask whoever is named on it."
        )
    added = _create_confirmed(
        actor=actor, contact=contact, person_id=person_id, relative_id=relative_id, kind=kind
    )
    _audit(actor, [added], change="added", via="referrals.relationship_add")
    return added
