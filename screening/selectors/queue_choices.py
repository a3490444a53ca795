"""Whom and which agencies the queue may be filtered by: everyone a link to the queue
may name (the today page links to each screener holding contacts and each agency with
checks overdue), not only those active now."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from frontdoor.models import Agency, User
from screening.models import CHECK_AGENCY_TYPES, AgencyCheck, Screening
from screening.models_checks import WAITING_STATUSES
from screening.selectors.access import can_approve
from screening.selectors.decisions import screeners
from screening.selectors.queue import in_queue


def queue_screeners(*, user: User) -> QuerySet[User]:
    """The active screeners, and anyone (still) holding a contact in the queue."""
    if not can_approve(user):
        return User.objects.none()
    # Asked per person (there are few), so the queue's size never matters.
    holding = Screening.objects.filter(in_queue("contact__"), assigned_to=OuterRef("pk"))
    return User.objects.filter(Q(pk__in=screeners(user=user)) | Exists(holding)).order_by(
        "full_name", "pk"
    )


def queue_check_agencies() -> QuerySet[Agency]:
    """The active agencies asked for checks, and any agency still awaited on a contact
    in the queue: only an awaited check can be overdue, which is what the queue is
    filtered by, and the awaited checks are few however many have been answered."""
    awaited = AgencyCheck.objects.filter(
        in_queue("contact__"), status__in=WAITING_STATUSES, agency=OuterRef("pk")
    )
    return Agency.objects.filter(
        Q(is_active=True, type__in=CHECK_AGENCY_TYPES) | Exists(awaited)
    ).order_by("name", "pk")
