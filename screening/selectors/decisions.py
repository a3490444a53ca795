"""Decisions: when a contact was decided (its first standing decision), its chain of
decisions, and those waiting for a manager's approval."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from frontdoor.census_codes import census_codes, return_year_of
from frontdoor.models import User
from frontdoor.roles import Permission
from referrals import selectors as referral_selectors
from referrals.models import Contact
from screening.models import Decision
from screening.selectors.access import can_approve, can_screen


def decided_at(contact: Contact) -> datetime | None:
    """When ``contact`` was decided (``DecisionQuerySet.decided_at_for``), for its clock."""
    return (
        Contact.objects.filter(pk=contact.pk)
        .annotate(decided=Decision.objects.standing().decided_at_for())
        .values_list("decided", flat=True)
        .first()
    )


def previous_standing(decision: Decision) -> Decision | None:
    """What stood before ``decision`` did: what the referrer and family were told, and
    what a case system was last sent."""
    return previous_standing_of([decision])[decision.pk]


def previous_standing_of(decisions: Iterable[Decision]) -> dict[int, Decision | None]:
    """``previous_standing`` for each of ``decisions``, by decision id, in one query:
    the latest standing decision on its contact made no later than it, itself aside."""
    decisions = list(decisions)
    if not decisions:
        return {}
    standing: dict[int, list[Decision]] = defaultdict(list)
    for earlier in Decision.objects.standing().filter(
        contact_id__in={decision.contact_id for decision in decisions},
        decided_at__lte=max(decision.decided_at for decision in decisions),
    ):
        standing[earlier.contact_id].append(earlier)
    found: dict[int, Decision | None] = {}
    for decision in decisions:
        before = [
            earlier
            for earlier in standing[decision.contact_id]
            if earlier.pk != decision.pk and earlier.decided_at <= decision.decided_at
        ]
        # latest_first: the latest made, the last written of those made at once.
        found[decision.pk] = max(before, key=lambda d: (d.decided_at, d.pk), default=None)
    return found


def decision_chain(*, user: User, contact: Contact) -> list[Decision]:
    """Every decision on the contact, newest first, with who made and approved it."""
    if not can_screen(user):
        return []
    return list(
        Decision.objects.filter(contact=contact)
        .select_related("decided_by", "approved_by", "threshold_level", "service")
        .order_by("-decided_at")
    )


def primary_need_labels(*, contact: Contact) -> dict[str, str]:
    """Primary need codes with their census labels, for the contact's return year."""
    year = return_year_of(timezone.localdate(contact.received_at))
    return {code.code: f"{code.code}: {code.label}" for code in census_codes("primary_need", year)}


def approvals_pending(*, user: User) -> QuerySet[Decision]:
    """Decisions waiting for a manager; each carries ``closed`` (its contact is
    restricted to people other than this manager), for the list to leave it out."""
    if not can_approve(user):
        return Decision.objects.none()
    return (
        Decision.objects.filter(approval=Decision.Approval.PENDING)
        # A contact withdrawn while its decision waited: that decision never stands.
        .exclude(contact__status=Contact.Status.WITHDRAWN)
        .annotate(closed=referral_selectors.closed_to(user, "contact_id"))
        .select_related("contact", "decided_by", "threshold_level", "service")
        .order_by("decided_at")
    )


def approval_get(*, user: User, decision_id: int) -> Decision:
    """A decision waiting for approval, to read and approve: the restricted-record
    refusal when its contact is not open to this manager."""
    try:
        decision = approvals_pending(user=user).get(pk=decision_id)
    except Decision.DoesNotExist:
        raise Http404("No decision found") from None
    referral_selectors.contact_ensure_open(user=user, contact=decision.contact)
    return decision


def screeners(*, user: User) -> QuerySet[User]:
    if not can_approve(user):
        return User.objects.none()
    return User.objects.filter(
        is_active=True, groups__permissions__codename=Permission.SCREEN_CONTACTS.value
    ).distinct()
