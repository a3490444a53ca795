"""Which children on which contacts the statutory returns count as referred, and
which referrals ended in no further action: one rule for Annex A and the CIN census
(see ``annex_a`` for the rule in words)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet

from frontdoor.london import start_of
from outcomes.models import DownstreamOutcome
from referrals.models import ContactSubject
from screening.models import Decision, is_referral

# Social care acted on the referral: what makes a closure not an NFA.
ACTED_ON = (
    DownstreamOutcome.Event.ASSESSMENT_STARTED,
    DownstreamOutcome.Event.ASSESSMENT_COMPLETED,
    DownstreamOutcome.Event.S47_ENQUIRY,
    DownstreamOutcome.Event.ICPC,
)


def child_subjects_received(
    *, first_day: date, last_day: date, as_at: datetime.datetime
) -> QuerySet[ContactSubject]:
    """Children on contacts received from ``first_day`` to ``last_day`` (London dates,
    inclusive) as recorded at ``as_at``, each annotated with ``standing_route``: the
    route of the contact's decision that stood at ``as_at`` (as the scorecard works it
    out), so a download made later for the same moment lists the same rows."""
    return ContactSubject.objects.filter(
        role__in=ContactSubject.CHILD_ROLES,
        contact__received_at__gte=start_of(first_day),
        contact__received_at__lt=start_of(last_day + timedelta(days=1)),
        contact__created_at__lte=as_at,
    ).annotate(standing_route=Decision.objects.standing_at(as_at).route_for("contact"))


def is_return_referral(standing_route: str | None, pathway: str = "") -> bool:
    """Advice on a phone consultation stands as information and advice: never one; nor
    is a specialist pathway's contact (``screening.models.is_referral``)."""
    return is_referral(standing_route, pathway, census=True)


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
