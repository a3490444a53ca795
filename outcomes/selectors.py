"""Reads for notices and outcomes, scoped to the acting user."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from frontdoor.models import User
from frontdoor.roles import Permission
from outcomes.models import Notice
from referrals import selectors as referral_selectors
from referrals.models import Contact, ContactSubject
from screening.models import STANDING_APPROVALS, Decision


def standing_decision(contact: Contact) -> Decision | None:
    """The decision that stands (final or approved), if any; pending ones do not."""
    decisions = getattr(contact, "standing_decisions", None)
    if decisions is None:
        decisions = list(
            contact.decisions.filter(approval__in=STANDING_APPROVALS).order_by("-decided_at")[:1]
        )
    return decisions[0] if decisions else None


def my_referrals(*, user: User) -> QuerySet[Contact]:
    """The contacts this referrer made, with their standing decision; nobody else's."""
    if not user.has_perm(Permission.SUBMIT_REFERRALS.perm):
        return Contact.objects.none()
    return (
        referral_selectors.contacts_visible_to(user=user)
        .filter(referrer=user)
        .prefetch_related(
            Prefetch(
                "subjects",
                queryset=ContactSubject.objects.filter(role__in=ContactSubject.CHILD_ROLES),
                to_attr="child_subjects",
            ),
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(approval__in=STANDING_APPROVALS).order_by(
                    "-decided_at"
                ),
                to_attr="standing_decisions",
            ),
        )
    )


@dataclass(frozen=True)
class ReferralOutcome:
    contact: Contact
    decision: Decision | None


def my_referral(*, user: User, reference: str) -> ReferralOutcome:
    contact = referral_selectors.contact_get(user=user, reference=reference)
    if contact.referrer_id != user.pk:
        from django.http import Http404

        raise Http404("No referral found")
    return ReferralOutcome(contact=contact, decision=standing_decision(contact))


def notices_for_staff(*, user: User, contact: Contact) -> list[Notice]:
    if not user.has_perm(Permission.SCREEN_CONTACTS.perm):
        return []
    return list(
        Notice.objects.filter(contact=contact)
        .select_related("decision", "requested_by", "resend_of")
        .order_by("created_at")
    )


def failed_notices(*, user: User) -> QuerySet[Notice]:
    if not user.has_perm(Permission.APPROVE_DECISIONS.perm):
        return Notice.objects.none()
    return Notice.objects.filter(status=Notice.Status.PERMANENT_FAILURE, resends__isnull=True)
