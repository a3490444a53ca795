"""Synthetic downstream outcomes for the demo referrals, so the scorecard has
assessments, strategy discussions, conferences and plans to count."""

from __future__ import annotations

import random
from datetime import date

from django.utils import timezone

from frontdoor.models import User
from frontdoor.roles import Role
from frontdoor.working_days import add_working_days
from outcomes import downstream
from outcomes.models import DownstreamOutcome
from outcomes.selectors import standing_decision
from referrals.models import Contact
from screening.models import Route

Event = DownstreamOutcome.Event
ASSESSMENT_OUTCOMES = [
    (DownstreamOutcome.AssessmentOutcome.NO_FURTHER_ACTION, 45),
    (DownstreamOutcome.AssessmentOutcome.CHILD_IN_NEED, 35),
    (DownstreamOutcome.AssessmentOutcome.CHILD_PROTECTION, 15),
    (DownstreamOutcome.AssessmentOutcome.LOOKED_AFTER, 5),
]


def demo_outcomes_load(*, seed: int = 2026) -> int:
    """Record what social care did after each demo referral; return how many events.
    Safe to run again: each event carries an id, so a repeat changes nothing."""
    rng = random.Random(seed)
    recorder = User.objects.filter(groups__name=Role.MANAGER).first()
    if recorder is None:
        return 0
    today = timezone.localdate()
    recorded = 0

    def record(contact: Contact, event: str, on: date, outcome: str = "") -> bool:
        nonlocal recorded
        if on > today:
            return False
        _, created = downstream.outcome_event_record(
            actor=recorder,
            data=downstream.OutcomeEventInput(
                contact_reference=contact.reference,
                child="1",
                event=event,
                occurred_on=on,
                assessment_outcome=outcome,
                external_id=f"demo-{contact.reference}-{event}",
            ),
            source=DownstreamOutcome.Source.FORM,
        )
        recorded += created
        return True

    contacts = Contact.objects.filter(decisions__isnull=False).distinct().order_by("received_at")
    for contact in contacts.prefetch_related("subjects"):
        decision = standing_decision(contact)
        if decision is None or not decision.is_referral:
            continue
        decided_on = timezone.localtime(decision.decided_at).date()
        if decision.route == Route.SOCIAL_CARE_ASSESSMENT and rng.random() < 0.9:
            started = add_working_days(decided_on, rng.randint(0, 3))
            if record(contact, Event.ASSESSMENT_STARTED, started):
                outcome = rng.choices(*zip(*ASSESSMENT_OUTCOMES, strict=True))[0]
                finished = add_working_days(started, rng.randint(10, 50))
                record(contact, Event.ASSESSMENT_COMPLETED, finished, outcome)
        elif decision.route == Route.STRATEGY_DISCUSSION:
            held = add_working_days(decided_on, rng.randint(0, 1))
            if not record(contact, Event.STRATEGY_DISCUSSION, held):
                continue
            if rng.random() < 0.8:
                record(contact, Event.S47_ENQUIRY, held)
            if rng.random() < 0.35:
                conference = add_working_days(held, rng.randint(8, 20))
                if record(contact, Event.ICPC, conference) and rng.random() < 0.85:
                    record(contact, Event.CP_PLAN, conference)
    return recorded
