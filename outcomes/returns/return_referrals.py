"""Which children on which contacts the statutory returns count as referred, and
which referrals ended in no further action: one rule for Annex A and the CIN census
(see ``annex_a`` for the rule in words)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from frontdoor.working_days import LONDON
from outcomes.models import DownstreamOutcome
from referrals.models import ContactSubject
from screening.models import CENSUS_REFERRAL_ROUTES, Decision

# Social care acted on the referral: what makes a closure not an NFA.
ACTED_ON = (
    DownstreamOutcome.Event.ASSESSMENT_STARTED,
    DownstreamOutcome.Event.ASSESSMENT_COMPLETED,
    DownstreamOutcome.Event.S47_ENQUIRY,
    DownstreamOutcome.Event.ICPC,
)


def _midnight(day: date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0, 0), LONDON)


def _standing_route(as_at: datetime.datetime) -> Subquery:
    """The route of the contact's decision that stood at ``as_at``: the latest of
    ``screening.models.STANDING_APPROVALS`` made by then and, where it needed a
    manager, approved by then (as the scorecard works it out), so a download made
    later for the same moment lists the same rows."""
    standing = Decision.objects.filter(
        contact=OuterRef("contact_id"), decided_at__lte=as_at
    ).filter(
        Q(approval=Decision.Approval.NOT_NEEDED)
        | Q(approval=Decision.Approval.APPROVED, approval_at__lte=as_at)
    )
    return Subquery(standing.order_by("-decided_at", "-pk").values("route")[:1])


def child_subjects_received(
    *, first_day: date, last_day: date, as_at: datetime.datetime
) -> QuerySet[ContactSubject]:
    """Children on contacts received from ``first_day`` to ``last_day`` (London dates,
    inclusive) as recorded at ``as_at``, each annotated with ``standing_route``."""
    return ContactSubject.objects.filter(
        role__in=ContactSubject.CHILD_ROLES,
        contact__received_at__gte=_midnight(first_day),
        contact__received_at__lt=_midnight(last_day + timedelta(days=1)),
        contact__created_at__lte=as_at,
    ).annotate(standing_route=_standing_route(as_at))


def is_return_referral(standing_route: str | None, advice_only: bool) -> bool:
    return not advice_only and standing_route in CENSUS_REFERRAL_ROUTES


def referral_nfa_subject_ids(subject_ids: Iterable[int], as_of: date) -> set[int]:
    """The children (ContactSubject ids, one child on one referral) whose referral
    ended in no further action by ``as_of``: social care closed the case on or before
    it, and no assessment, section 47 enquiry or conference is recorded for the child
    on that referral. One query."""
    ids = list(subject_ids)
    if not ids:
        return set()
    Event = DownstreamOutcome.Event
    rows = (
        DownstreamOutcome.objects.filter(subject_id__in=ids)
        .values("subject_id")
        .annotate(
            closed=Count("pk", filter=Q(event=Event.CASE_CLOSED, occurred_on__lte=as_of)),
            acted=Count("pk", filter=Q(event__in=ACTED_ON)),
        )
        .filter(closed__gt=0, acted=0)
        .values_list("subject_id", flat=True)
    )
    return set(rows)
