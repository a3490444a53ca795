"""Reads of warnings on person records, scoped to the acting user: screening staff
see them, on records open to them (a restricted person's warnings stay with the
record). Every page that shows people asks ``warnings_active`` (or
``warnings_on_contacts``, the same read keyed by contact) once for all of its
people, never once a row."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Exists, F, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from frontdoor.models import User
from frontdoor.roles import Permission
from referrals.models import Person, PersonWarning, Restriction
from referrals.selectors import can_screen, person_get


def _active(user: User) -> QuerySet[PersonWarning]:
    """Active warnings on people whose record ``user`` may open, in one query."""
    closed = Restriction.objects.closed_to(user).filter(person=OuterRef("person_id"))
    return (
        PersonWarning.objects.active()
        .exclude(Exists(closed))
        .select_related("person", "set_by", "reviewed_by")
        .order_by("set_at", "pk")
    )


def warnings_active(*, user: User, person_ids) -> dict[int, list[PersonWarning]]:
    """Person id to that person's active warnings, for every person given, in one
    query; people with none are left out."""
    ids = {pk for pk in person_ids if pk is not None}
    if not can_screen(user) or not ids:
        return {}
    found: dict[int, list[PersonWarning]] = defaultdict(list)
    for warning in _active(user).filter(person_id__in=ids):
        found[warning.person_id].append(warning)
    return dict(found)


@dataclass
class PersonWarnings:
    """One person on a contact with their active warnings."""

    person: Person
    warnings: list[PersonWarning] = field(default_factory=list)


def warnings_on_contacts(*, user: User, contact_ids) -> dict[int, list[PersonWarnings]]:
    """Contact id to the people on it who carry a warning (children and adults), for
    a list of contacts (the queue, a meeting) in one query."""
    ids = set(contact_ids)
    if not can_screen(user) or not ids:
        return {}
    rows = _active(user).filter(person__appearances__contact_id__in=ids)
    rows = rows.annotate(on_contact=F("person__appearances__contact_id")).distinct()
    found: dict[int, dict[int, PersonWarnings]] = defaultdict(dict)
    for warning in rows:
        people = found[warning.on_contact]
        entry = people.setdefault(warning.person_id, PersonWarnings(person=warning.person))
        entry.warnings.append(warning)
    return {contact_id: list(people.values()) for contact_id, people in found.items()}


def person_warnings(*, user: User, person: Person) -> tuple[list, list]:
    """A person record's warnings, active and ended (newest ended first), for the
    person page: ``person`` comes from ``person_get``."""
    if not can_screen(user):
        return [], []
    warnings = list(
        PersonWarning.objects.filter(person=person).select_related(
            "set_by", "reviewed_by", "ended_by"
        )
    )
    active = [w for w in warnings if w.ended_at is None]
    ended = sorted((w for w in warnings if w.ended_at), key=lambda w: w.ended_at, reverse=True)
    return active, ended


def warning_get(*, user: User, person_id: int, warning_id: int) -> PersonWarning:
    """The access function for a warning: ``person_get``'s rule (404 for anyone not
    screening staff, the restricted-record refusal), then 404 for a warning that is
    not this person's."""
    person = person_get(user=user, person_id=person_id)
    try:
        warning = PersonWarning.objects.select_related("set_by", "reviewed_by", "ended_by").get(
            pk=warning_id, person=person
        )
    except PersonWarning.DoesNotExist:
        raise Http404("No warning found") from None
    warning.person = person
    return warning


def warnings_for_review(*, user: User, notice: timedelta) -> list[PersonWarning]:
    """Active warnings past their review date or within ``notice`` of it, soonest
    first: for managers' review page."""
    if not user.has_perm(Permission.APPROVE_DECISIONS.perm):
        return []
    due_by = timezone.localdate() + notice
    return list(_active(user).filter(review_due__lte=due_by).order_by("review_due", "pk"))
