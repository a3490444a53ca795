"""Decisions made in a chosen past week, for the decision audits and the joint review:
each on a contact of its own, received two hours before it was decided, approved an
hour later by ``approver`` where its route needs a manager."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from frontdoor.london import start_of
from screening import services as screening_services
from screening.audits.weeks import last_complete_week
from screening.models import Decision, Route, ThresholdLevel
from tests.factories import submit_contact
from tests.support.screening import decide

LEVELS = {Route.EARLY_HELP: 2, Route.INFORMATION_AND_ADVICE: 1}


def moment_in(week_start: date, *, day: int = 1, hour: int = 10) -> datetime:
    """``hour`` o'clock London time, ``day`` days after the week's Monday."""
    return start_of(week_start + timedelta(days=day)) + timedelta(hours=hour)


def decided_in_week(
    *,
    screener,
    referrer,
    week_start: date | None = None,
    route: Route = Route.EARLY_HELP,
    approver=None,
    day: int = 1,
    hour: int = 10,
    rationale: str | None = None,
    **contact_fields,
) -> Decision:
    week_start = week_start or last_complete_week()
    at = moment_in(week_start, day=day, hour=hour)
    contact = submit_contact(referrer, received_at=at - timedelta(hours=2), **contact_fields)
    screening_services.screening_claim(actor=screener, contact=contact)
    level = ThresholdLevel.objects.get(number=LEVELS.get(route, 4))
    extra = {"rationale": rationale} if rationale else {}
    decision = decide(screener, contact, level, route=route, decided_at=at, **extra)
    if decision.approval == Decision.Approval.PENDING:
        assert approver is not None, "this route needs a manager to approve it"
        decision = screening_services.decision_approve(
            actor=approver, decision=decision, approved_at=at + timedelta(hours=1)
        )
    return decision
