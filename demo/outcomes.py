"""Synthetic downstream outcomes for the demo referrals, recorded through
``outcomes.downstream`` so the scorecard has assessments, strategy discussions,
conferences and plans to count, and a CIN census export of the demo passes the DfE's
rules: for every child on a referral the work is in order (an assessment starts after
the referral and ends with its factors; an s47 enquiry ends in a conference on a
weekday or in "no conference needed"), a case closes only after its work, with the
census reason, and before the child's next referral. Late assessments and conferences
say why, as the service requires.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise

from django.utils import timezone

from demo.common import (
    FACTORS,
    LATE_ASSESSMENT_REASONS,
    LATE_ICPC_REASONS,
    OTHER_FACTORS,
)
from frontdoor.census_codes import census_codes, return_year_of
from frontdoor.london import london_date
from frontdoor.models import User
from frontdoor.roles import Role
from frontdoor.working_days import add_working_days, is_working_day
from outcomes import downstream, notify
from outcomes.models import DownstreamOutcome, Notice
from outcomes.selectors import standing_decision
from referrals.models import Contact, ContactSubject
from screening.models import CENSUS_REFERRAL_ROUTES, Route

Event = DownstreamOutcome.Event
Outcome = DownstreamOutcome.AssessmentOutcome
ASSESSMENT_OUTCOMES = [
    (Outcome.NO_FURTHER_ACTION, 45),
    (Outcome.CHILD_IN_NEED, 35),
    (Outcome.CHILD_PROTECTION, 15),
    (Outcome.LOOKED_AFTER, 5),
]
S47_OUTCOMES = [(Outcome.NO_FURTHER_ACTION, 55), (Outcome.CHILD_IN_NEED, 45)]
NO_ASSESSMENT_SHARE = 0.08  # closed with nothing more done (the census's referral NFA)
LATE_ASSESSMENT_SHARE = 0.17  # England: ~83 % within 45 working days
LATE_ICPC_SHARE = 0.19  # England: ~81 % within 15 working days
ASSESSMENT_DAYS, ICPC_DAYS = 45, 15
CLOSE_AFTER = {  # working days from the end of the work to the case closing
    Outcome.NO_FURTHER_ACTION: (0, 10),
    Outcome.CHILD_IN_NEED: (40, 250),
    Outcome.CHILD_PROTECTION: (120, 400),
    Outcome.LOOKED_AFTER: (150, 450),
}
# Order of events recorded on the same day (a conference needs its strategy discussion).
ORDER = [
    Event.STRATEGY_DISCUSSION,
    Event.S47_ENQUIRY,
    Event.ASSESSMENT_STARTED,
    Event.ICPC,
    Event.ICPC_NOT_REQUIRED,
    Event.CP_PLAN,
    Event.ASSESSMENT_COMPLETED,
    Event.CASE_CLOSED,
]


@dataclass(frozen=True)
class _Planned:
    event: str
    on: date
    outcome: str = ""
    factors: tuple[str, ...] = ()
    reason_for_closure: str = ""
    late_reason: str = ""


def _pick(rng: random.Random, weights):
    return rng.choices([value for value, _ in weights], weights=[w for _, w in weights])[0]


def _weekday(day: date) -> date:
    """Conferences are held Monday to Friday, never on a bank holiday."""
    while day.weekday() >= 5 or not is_working_day(day):
        day = add_working_days(day, 1)
    return day


class _Plan:
    """What social care did for the children on one referral, in dates. ``by`` is the
    day the cases must be closed by (the day of a child's next referral), if any: the
    work is then kept short enough to end before it."""

    def __init__(self, rng: random.Random, contact: Contact, route: str, decided_on: date):
        self.rng, self.contact, self.route = rng, contact, route
        self.referral_on = london_date(contact.received_at)
        self.decided_on = decided_on

    def events(self, children: int, by: date | None) -> list[list[_Planned]]:
        rng, short = self.rng, by is not None
        plans: list[list[_Planned]] = [[] for _ in range(children)]
        if self.route == Route.SOCIAL_CARE_ASSESSMENT:
            start = add_working_days(self.decided_on, rng.randint(0, 3))
            self._assessment(plans, start, short=short)
        else:
            held = add_working_days(self.decided_on, rng.randint(0, 1))
            for plan in plans:
                plan.append(_Planned(Event.STRATEGY_DISCUSSION, held))
            if rng.random() < 0.85:
                self._s47(plans, held, short=short)
            elif rng.random() < 0.7:
                self._assessment(plans, held, short=short)
            else:
                self._closed(plans, held)
        if by is not None:
            for plan in plans:
                self._close_by(plan, by)
        return plans

    def _closed(self, plans, after: date) -> None:
        closed = add_working_days(after, self.rng.randint(0, 3))
        for plan in plans:
            plan.append(_Planned(Event.CASE_CLOSED, closed, reason_for_closure="RC7"))

    def _completed(self, start: date, *, short: bool) -> tuple[date, str]:
        rng = self.rng
        if short:
            took = rng.randint(10, 25)
        elif rng.random() < LATE_ASSESSMENT_SHARE:
            took = rng.randint(ASSESSMENT_DAYS + 1, ASSESSMENT_DAYS + 30)
        else:
            took = int(rng.triangular(10, ASSESSMENT_DAYS + 1, 30))
        completed = add_working_days(self.referral_on, took)
        completed = max(completed, add_working_days(start, 3))
        return completed, self._late_assessment(completed)

    def _late_assessment(self, completed: date) -> str:
        if completed > add_working_days(self.referral_on, ASSESSMENT_DAYS):
            return self.rng.choice(LATE_ASSESSMENT_REASONS)
        return ""

    def _factors(self, outcome: str, on: date, *, none_allowed: bool) -> tuple[str, ...]:
        rng = self.rng
        if none_allowed and outcome == Outcome.NO_FURTHER_ACTION and rng.random() < 0.3:
            return ("21",)  # nothing found: factor 21 alone
        valid = {code.code for code in census_codes("assessment_factor", return_year_of(on))}
        codes = []
        for category in self.contact.concern_categories or ["other"]:
            weights = [(c, w) for c, w in FACTORS[category] if c in valid] or [("20", 1)]
            codes.append(_pick(rng, weights))
        if rng.random() < 0.4:
            codes.append(_pick(rng, [(c, w) for c, w in OTHER_FACTORS if c in valid]))
        return tuple(dict.fromkeys(codes))

    def _closure(self, outcome: str, after: date, *, s47: bool, factors=()) -> _Planned:
        """RC8 or RC9 only after an assessment ending in no further action with no s47
        (DfE rule 2990); an assessment that found nothing closes the day it ends."""
        rng = self.rng
        low, high = (0, 0) if factors == ("21",) else CLOSE_AFTER[outcome]
        closed = add_working_days(after, rng.randint(low, high))
        if outcome == Outcome.NO_FURTHER_ACTION and not s47:
            reason = "RC9" if rng.random() < 0.4 else "RC8"
        elif outcome == Outcome.LOOKED_AFTER:
            reason = _pick(rng, [("RC7", 50), ("RC3", 20), ("RC4", 20), ("RC1", 10)])
        else:
            reason = "RC7"
        return _Planned(Event.CASE_CLOSED, closed, reason_for_closure=reason)

    def _assessment(self, plans, start: date, *, short: bool) -> None:
        rng = self.rng
        if rng.random() < NO_ASSESSMENT_SHARE:
            self._closed(plans, start)
            return
        completed, late = self._completed(start, short=short)
        shared = Outcome.NO_FURTHER_ACTION if short else _pick(rng, ASSESSMENT_OUTCOMES)
        for plan in plans:
            outcome = shared
            if not short and rng.random() < 0.15:  # siblings' assessments can end differently
                outcome = _pick(rng, ASSESSMENT_OUTCOMES)
            factors = self._factors(outcome, completed, none_allowed=True)
            plan += [
                _Planned(Event.ASSESSMENT_STARTED, start),
                _Planned(Event.ASSESSMENT_COMPLETED, completed, outcome, factors, late_reason=late),
                self._closure(outcome, completed, s47=False, factors=factors),
            ]

    def _s47(self, plans, held: date, *, short: bool) -> None:
        rng = self.rng
        outcomes = None
        if not short and rng.random() < 0.365:  # 31 % of strategy discussions
            took = rng.randint(16, 26) if rng.random() < LATE_ICPC_SHARE else rng.randint(5, 15)
            conference = _weekday(add_working_days(held, took))
            late = conference > add_working_days(held, ICPC_DAYS)
            ending = [
                _Planned(
                    Event.ICPC,
                    conference,
                    late_reason=rng.choice(LATE_ICPC_REASONS) if late else "",
                )
            ]
            completed = add_working_days(held, rng.randint(max(took - 4, 1), took))
            if rng.random() < 0.8:  # most conferences make a child protection plan
                ending.append(_Planned(Event.CP_PLAN, conference))
            outcome = Outcome.CHILD_PROTECTION if len(ending) > 1 else Outcome.CHILD_IN_NEED
            ended = conference
        else:
            ended = add_working_days(held, rng.randint(3, 15))
            ending = [_Planned(Event.ICPC_NOT_REQUIRED, ended)]
            completed = max(self._completed(held, short=short)[0], held)
            outcomes = None if short else S47_OUTCOMES
            outcome = Outcome.NO_FURTHER_ACTION if short else _pick(rng, S47_OUTCOMES)
        late = self._late_assessment(completed)
        for plan in plans:
            child_outcome = outcome
            if outcomes and rng.random() < 0.15:
                child_outcome = _pick(rng, outcomes)
            factors = self._factors(child_outcome, completed, none_allowed=False)
            plan += [
                _Planned(Event.S47_ENQUIRY, held),
                _Planned(Event.ASSESSMENT_STARTED, held),
                *ending,
                _Planned(
                    Event.ASSESSMENT_COMPLETED, completed, child_outcome, factors, late_reason=late
                ),
                self._closure(child_outcome, max(ended, completed), s47=True),
            ]

    @staticmethod
    def _close_by(plan: list[_Planned], by: date) -> None:
        """Close no later than the next referral (the work was kept short to fit)."""
        closing = plan[-1]
        work_ends = max(event.on for event in plan[:-1]) if len(plan) > 1 else closing.on
        if closing.on > by:
            plan[-1] = _Planned(
                Event.CASE_CLOSED,
                max(by, work_ends),
                reason_for_closure=closing.reason_for_closure,
            )


def _next_referrals(referrals: list[tuple[Contact, object]]) -> dict[int, date]:
    """For each contact, the first later referral of any child on it (by person)."""
    by_person: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for contact, _ in referrals:
        day = london_date(contact.received_at)
        for subject in contact.subjects.all():
            if subject.role in ContactSubject.CHILD_ROLES and subject.person_id:
                by_person[subject.person_id].append((day, contact.pk))
    following: dict[int, date] = {}
    for days in by_person.values():
        days.sort()
        for (_, contact_id), (later, _) in pairwise(days):
            if contact_id not in following or later < following[contact_id]:
                following[contact_id] = later
    return following


def demo_outcomes_load(*, seed: int = 2026, now: datetime | None = None) -> int:
    """Record what social care did after each demo referral; return how many events.
    Safe to run again: each event carries an id and each contact's plan its own seed,
    so a repeat records only what has fallen due since."""
    recorder = User.objects.filter(groups__name=Role.MANAGER).first()
    if recorder is None:
        return 0
    today = timezone.localdate(now or timezone.now())
    contacts = Contact.objects.filter(decisions__isnull=False).distinct().order_by("received_at")
    referrals = [
        (contact, decision)
        for contact in contacts.prefetch_related("subjects")
        if (decision := standing_decision(contact)) is not None
        and decision.route in CENSUS_REFERRAL_ROUTES
    ]
    next_referral = _next_referrals(referrals)
    # Recorded by an earlier run: kept as they were, even if the demo has grown since.
    done = set(
        DownstreamOutcome.objects.filter(external_id__startswith="demo-").values_list(
            "external_id", flat=True
        )
    )
    recorded = 0
    for contact, decision in referrals:
        rng = random.Random(f"{seed}:{contact.reference}")
        children = [s for s in contact.subjects.all() if s.role in ContactSubject.CHILD_ROLES]
        decided_on = london_date(decision.decided_at)
        plan = _Plan(rng, contact, decision.route, decided_on)
        for number, events in enumerate(plan.events(len(children), next_referral.get(contact.pk))):
            for event in sorted(events, key=lambda e: (e.on, ORDER.index(e.event))):
                if event.on > today:
                    break  # not happened yet; nor has anything after it
                external_id = f"demo-{contact.reference}-{number + 1}-{event.event}"
                if external_id in done:
                    continue
                downstream.outcome_event_record(
                    actor=recorder,
                    data=downstream.OutcomeEventInput(
                        contact_reference=contact.reference,
                        child=str(number + 1),
                        event=event.event,
                        occurred_on=event.on,
                        assessment_outcome=event.outcome,
                        external_id=external_id,
                        factors=event.factors,
                        reason_for_closure=event.reason_for_closure,
                        late_reason=event.late_reason,
                    ),
                    source=DownstreamOutcome.Source.FORM,
                )
                recorded += 1
    return recorded


def demo_notices_summary(*, emails_go: str) -> str:
    """One line on what becomes of the notices the demo's contacts and decisions made,
    instead of a line per delivery: emails are written as files in development; texts
    need GOV.UK Notify, so without it they fail, as a real service's would; family
    letters go through Notify when it is set up, and into the council's own print
    batch (Letters to post) when it is not."""
    notices = Notice.objects.all()
    emails = notices.filter(channel=Notice.Channel.EMAIL).count()
    texts = notices.filter(channel=Notice.Channel.SMS).count()
    family = notices.filter(channel=Notice.Channel.LETTER)
    unaddressed = family.filter(status=Notice.Status.PERMANENT_FAILURE).count()
    addressed = family.count() - unaddressed
    if notify.enabled():
        line = f"{texts} texts and {addressed} letters go through GOV.UK Notify"
    else:
        line = (
            f"{addressed} family letters go in the print batch a manager downloads from "
            "Letters to post, as GOV.UK Notify is not set up (NOTIFY_API_KEY)"
        )
        if texts:
            line += f"; {texts} texts are marked failed without it"
    if unaddressed:
        line += f"; {unaddressed} family letters had no postal address and are marked failed"
    return f"Notices: {emails} emails, {emails_go}; {line}."
