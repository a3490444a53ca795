"""Immediate risk handled as such (issue 23, part 5): a contact marked immediate risk
(by its referrer, or a police notification graded high) has its own short clock, and
closing it with information and advice or early help needs a manager's approval. The
scorecard still measures the statutory one working day from receipt."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from frontdoor.london import LONDON
from frontdoor.models import AuditEvent
from frontdoor.working_days import decision_due
from outcomes.scorecard.periods import Period
from outcomes.scorecard.selectors import scorecard_count
from referrals.models import Contact
from screening import services
from screening.models import Decision, Route
from tests.factories import submit_contact
from tests.support.screening import decide

pytestmark = pytest.mark.django_db

# A Monday in term, no bank holiday near.
MONDAY_10 = datetime(2026, 11, 16, 10, 0, tzinfo=LONDON)


def _contact(referrer, urgency, received_at=MONDAY_10):
    return submit_contact(referrer, urgency=urgency, received_at=received_at)


def test_an_immediate_risk_contact_is_due_two_working_hours_after_receipt(referrer):
    immediate = _contact(referrer, Contact.Urgency.IMMEDIATE)
    soon = _contact(referrer, Contact.Urgency.SOON)

    assert immediate.decision_due_at == MONDAY_10 + timedelta(hours=2)
    assert soon.decision_due_at == decision_due(MONDAY_10) == MONDAY_10 + timedelta(days=1)


@override_settings(IMMEDIATE_RISK_WORKING_HOURS=60)
def test_the_short_clock_is_never_longer_than_one_working_day(referrer):
    assert _contact(referrer, Contact.Urgency.IMMEDIATE).decision_due_at == decision_due(MONDAY_10)


@pytest.mark.parametrize(
    ("urgency", "route", "approval"),
    [
        (Contact.Urgency.IMMEDIATE, Route.INFORMATION_AND_ADVICE, Decision.Approval.PENDING),
        (Contact.Urgency.IMMEDIATE, Route.EARLY_HELP, Decision.Approval.PENDING),
        (Contact.Urgency.SOON, Route.INFORMATION_AND_ADVICE, Decision.Approval.NOT_NEEDED),
        (Contact.Urgency.ROUTINE, Route.EARLY_HELP, Decision.Approval.NOT_NEEDED),
    ],
)
def test_advice_or_early_help_on_an_immediate_risk_contact_waits_for_a_manager(
    referrer, screener, manager, level, urgency, route, approval
):
    contact = _contact(referrer, urgency, received_at=None)
    services.screening_claim(actor=screener, contact=contact)

    decision = decide(screener, contact, level, route=route)

    assert decision.approval == approval
    contact.refresh_from_db()
    if approval == Decision.Approval.PENDING:
        assert contact.status == Contact.Status.AWAITING_APPROVAL
        services.decision_approve(actor=manager, decision=decision)
        contact.refresh_from_db()
        assert contact.status == Contact.Status.DECIDED
        assert AuditEvent.objects.filter(record_id=contact.reference).exists()
    else:
        assert contact.status == Contact.Status.DECIDED


def test_the_scorecard_measures_one_working_day_whatever_the_shorter_clock(
    referrer, screener, manager, level
):
    """Decided five hours after receipt: late on its own two-hour clock, in time on the
    statutory one working day the steering group is shown."""
    contact = _contact(referrer, Contact.Urgency.IMMEDIATE)
    services.screening_claim(actor=screener, contact=contact)
    decision = decide(
        screener,
        contact,
        level,
        route=Route.SOCIAL_CARE_ASSESSMENT,
        decided_at=MONDAY_10 + timedelta(hours=5),
    )
    services.decision_approve(actor=manager, decision=decision)
    card = scorecard_count(period=Period.parse("2026-11"), as_at=timezone.now())

    assert (card.figures["timeliness"].count, card.figures["timeliness"].base) == (1, 1)
