"""Decisions: when a contact was decided (its first standing decision), its chain of
decisions, and those waiting for a manager's approval."""

from __future__ import annotations

from datetime import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from frontdoor.census_codes import census_codes, return_year_of
from frontdoor.models import User
from frontdoor.roles import Permission
from referrals import selectors as referral_selectors
from referrals.models import Contact
from screening.models import STANDING_APPROVALS, Decision
from screening.selectors.access import can_approve, can_screen


def standing_decisions(as_at: datetime | None = None) -> QuerySet[Decision]:
    """Decisions that stood (at ``as_at``, or now): needing no approval, or approved.
    The first of a contact's is when it was decided, for its clock and the scorecard."""
    if as_at is None:
        return Decision.objects.filter(approval__in=STANDING_APPROVALS)
    return Decision.objects.filter(decided_at__lte=as_at).filter(
        Q(approval=Decision.Approval.NOT_NEEDED)
        | Q(approval=Decision.Approval.APPROVED, approval_at__lte=as_at)
    )


def first_decided_at() -> Subquery:
    """When the contact (the outer row) was decided: its first standing decision."""
    return Subquery(
        standing_decisions()
        .filter(contact=OuterRef("pk"))
        .order_by("decided_at", "pk")
        .values("decided_at")[:1]
    )


def decided_at(contact: Contact) -> datetime | None:
    """When ``contact`` was decided; advice given on a phone consultation is the
    decision, made during the call."""
    if contact.advice_only:
        return contact.received_at
    return (
        standing_decisions()
        .filter(contact=contact)
        .order_by("decided_at", "pk")
        .values_list("decided_at", flat=True)
        .first()
    )


def decision_chain(*, user: User, contact: Contact) -> list[Decision]:
    """Every decision on the contact, newest first, with who made and approved it."""
    if not can_screen(user):
        return []
    return list(
        Decision.objects.filter(contact=contact)
        .select_related("decided_by", "approved_by", "threshold_level")
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
        .annotate(closed=referral_selectors.closed_to(user, "contact_id"))
        .select_related("contact", "decided_by", "threshold_level")
        .order_by("decided_at")
    )


def approval_get(*, user: User, decision_id: int) -> Decision:
    """A decision waiting for approval, to read and approve: the restricted-record
    refusal when its contact is not open to this manager."""
    try:
        decision = approvals_pending(user=user).get(pk=decision_id)
    except Decision.DoesNotExist:
        raise Http404("No decision found") from None
    if decision.closed:
        restriction = referral_selectors.restriction_barring_contact(
            user=user, contact_id=decision.contact_id
        )
        if restriction is not None:
            raise referral_selectors.RecordRestricted(restriction)
    return decision


def screeners(*, user: User) -> QuerySet[User]:
    if not can_approve(user):
        return User.objects.none()
    return User.objects.filter(
        is_active=True, groups__permissions__codename=Permission.SCREEN_CONTACTS.value
    ).distinct()
