"""Whom and which agencies the queue may be filtered by: everyone a link to the queue
may name (the today page links to each screener holding contacts and each agency with
checks overdue), not only those active now."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from frontdoor.models import Agency, User
from referrals.models import Contact
from screening.models import CHECK_AGENCY_TYPES, AgencyCheck
from screening.selectors.access import can_approve
from screening.selectors.decisions import screeners
from screening.selectors.queue import in_queue


def queue_screeners(*, user: User) -> QuerySet[User]:
    """The active screeners, and anyone (still) holding a contact in the queue."""
    if not can_approve(user):
        return User.objects.none()
    holding = Contact.objects.filter(in_queue(), screening__assigned_to__isnull=False).values(
        "screening__assigned_to"
    )
    return User.objects.filter(Q(pk__in=screeners(user=user)) | Q(pk__in=holding)).order_by(
        "full_name", "pk"
    )


def queue_check_agencies() -> QuerySet[Agency]:
    """The active agencies asked for checks, and any agency with a check on a contact in
    the queue."""
    asked = AgencyCheck.objects.filter(in_queue("contact__")).values("agency")
    return Agency.objects.filter(
        Q(is_active=True, type__in=CHECK_AGENCY_TYPES) | Q(pk__in=asked)
    ).order_by("name", "pk")
