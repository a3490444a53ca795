"""The scorecard's measures (DOMAIN.md, "The scorecard"), each a pure function of
the facts, so the page, the exports, the API and the drill-down lists all count
exactly the same records.

Definitions, where DOMAIN.md leaves a choice (docs/adr/0008-scorecard-definitions.md):

* A contact is *decided* when its first decision that stands (made and, where it
  needed one, approved) was made; it is timed from receipt to that decision. Its
  *route* is that of the latest standing decision, so a superseded decision no
  longer counts. Advice given on a phone consultation is an Information and Advice
  decision made at the call.
* *Within 12 months before* means received earlier, on or after the same date a
  year before (so exactly 12 months apart counts).
* Re-referral: a referral in the period where a child on it had another referral
  (a contact whose standing route is a referral) within the 12 months before.
* Repeat contacts not progressed: children on contacts received in the period that
  ended in Information and Advice or Early Help; of those, the children who had
  another contact (any outcome) in the 12 months before. Each child counts once.
* Assessments, strategy discussions and ICPCs are counted per child, as social
  care records them.
* Timeliness counts contacts received in the period that were decided or are past
  their due time; one still inside its time counts once it is decided.
* Median: the middle value (mean of the middle two). 90th percentile: the
  nearest-rank value (the smallest value at or above 90% of the decisions).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from frontdoor.working_days import add_working_days
from outcomes.models import DownstreamOutcome
from outcomes.scorecard.facts import ChildKey, ContactFact, Facts, Item
from outcomes.scorecard.periods import Period, one_year_before
from referrals.models import Contact
from screening.models import REFERRAL_ROUTES, Route

NOT_PROGRESSED_ROUTES = (Route.INFORMATION_AND_ADVICE, Route.EARLY_HELP)
NOT_DECIDED = "not_decided"
ASSESSMENT_EVENTS = (
    DownstreamOutcome.Event.ASSESSMENT_STARTED,
    DownstreamOutcome.Event.ASSESSMENT_COMPLETED,
)
ICPC_DAYS = 15


class Kind(StrEnum):
    COUNT = "count"
    RATE = "rate"
    HOURS = "hours"


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    definition: str
    kind: Kind
    numerator_label: str = ""
    denominator_label: str = ""
    # A higher figure is better (timeliness) or worse (re-referrals); None: neither.
    higher_is_better: bool | None = None


HEADLINE_MEASURES: tuple[Measure, ...] = (
    Measure(
        "contacts",
        "Contacts",
        "Contacts received in the period.",
        Kind.COUNT,
        numerator_label="contacts received",
    ),
    Measure(
        "referrals",
        "Contacts that became referrals",
        "Contacts received in the period whose standing decision made them a referral "
        "to children's social care (assessment, strategy discussion or already open).",
        Kind.RATE,
        "referrals",
        "contacts received",
    ),
    Measure(
        "re_referrals",
        "Re-referrals",
        "Referrals in the period for a child with another referral received in the "
        "12 months before.",
        Kind.RATE,
        "re-referrals",
        "referrals",
        higher_is_better=False,
    ),
    Measure(
        "assessment_conversion",
        "Referrals that led to an assessment",
        "Referrals received in the period for which a Child and Family assessment has "
        "been recorded as started or completed.",
        Kind.RATE,
        "referrals with an assessment",
        "referrals",
    ),
    Measure(
        "assessment_nfa",
        "Assessments ending in no further action",
        "Assessments completed in the period, per child, whose outcome was no further action.",
        Kind.RATE,
        "ended in no further action",
        "assessments completed",
        higher_is_better=False,
    ),
    Measure(
        "repeat_not_progressed",
        "Repeat contacts not progressed",
        "Children whose contact in the period ended in Information and Advice or Early "
        "Help, and who had another contact in the 12 months before.",
        Kind.RATE,
        "children with an earlier contact",
        "children not progressed",
        higher_is_better=False,
    ),
    Measure(
        "strategy_icpc",
        "Strategy discussions leading to an ICPC",
        "Strategy discussions held in the period, per child, followed by an initial "
        "child protection conference.",
        Kind.RATE,
        "followed by an ICPC",
        "strategy discussions",
    ),
    Measure(
        "icpc_within_15_days",
        "ICPCs within 15 working days",
        "Initial child protection conferences held in the period within 15 working days "
        "of the strategy discussion.",
        Kind.RATE,
        "within 15 working days",
        "ICPCs held",
        higher_is_better=True,
    ),
    Measure(
        "timeliness",
        "Decided within one working day",
        "Contacts received in the period decided within one working day; contacts still "
        "waiting past their due time count as late.",
        Kind.RATE,
        "decided in time",
        "decided or overdue",
        higher_is_better=True,
    ),
    Measure(
        "decision_hours_median",
        "Median time to decision",
        "Middle decision time, in working hours, of contacts received in the period.",
        Kind.HOURS,
        higher_is_better=False,
    ),
    Measure(
        "decision_hours_p90",
        "90th percentile time to decision",
        "Nine in ten contacts received in the period were decided within this many working hours.",
        Kind.HOURS,
        higher_is_better=False,
    ),
)
MEASURES_BY_KEY = {measure.key: measure for measure in HEADLINE_MEASURES}


@dataclass(frozen=True)
class Figure:
    """One number on the scorecard, with what it counted."""

    numerator: tuple[Item, ...]
    denominator: tuple[Item, ...] | None = None
    hours: float | None = None

    @property
    def count(self) -> int:
        return len(self.numerator)

    @property
    def base(self) -> int | None:
        return None if self.denominator is None else len(self.denominator)

    @property
    def percent(self) -> float | None:
        if not self.denominator:
            return None
        return 100 * len(self.numerator) / len(self.denominator)

    def items(self, part: str) -> tuple[Item, ...]:
        if part == "denominator" and self.denominator is not None:
            return self.denominator
        return self.numerator


# A breakdown row's key reads "<dimension>:<value>", e.g. "source:2A", "route:early_help".
Figures = dict[str, Figure]
AgencyFilter = Callable[[ContactFact], bool]


def _contact_items(facts: Iterable[ContactFact]) -> tuple[Item, ...]:
    return tuple(sorted(Item(fact.id) for fact in facts))


def _within_year_before(earlier: ContactFact, later: ContactFact) -> bool:
    return (
        earlier.id != later.id
        and (earlier.received_at, earlier.id) < (later.received_at, later.id)
        and earlier.received_on >= one_year_before(later.received_on)
    )


def _nearest_rank(sorted_values: list[float], percentile: int) -> float:
    rank = math.ceil(percentile / 100 * len(sorted_values))
    return sorted_values[max(rank, 1) - 1]


def compute(facts: Facts, period: Period, belongs: AgencyFilter | None = None) -> Figures:
    """Every figure for one period; with ``belongs``, for one source agency's contacts."""

    def mine(fact: ContactFact) -> bool:
        return belongs is None or belongs(fact)

    received = [f for f in facts.contacts.values() if period.contains(f.received_on) and mine(f)]
    decided = [
        f
        for f in facts.contacts.values()
        if f.first_decided_at is not None and period.contains(f.decided_on) and mine(f)
    ]
    figures: Figures = {}

    figures["contacts"] = Figure(_contact_items(received))
    for dimension, value_of in (
        ("source", lambda fact: fact.source_code),
        ("channel", lambda fact: fact.channel),
        ("route", lambda fact: fact.route or NOT_DECIDED),
    ):
        groups: dict[str, list[ContactFact]] = {}
        for fact in received:
            groups.setdefault(value_of(fact), []).append(fact)
        for value, members in groups.items():
            figures[f"{dimension}:{value}"] = Figure(
                _contact_items(members), figures["contacts"].numerator
            )

    decided_items = _contact_items(decided)
    for route in Route:
        figures[f"route_share:{route.value}"] = Figure(
            _contact_items(f for f in decided if f.route == route), decided_items
        )

    referrals = [f for f in received if f.route in REFERRAL_ROUTES]
    figures["referrals"] = Figure(_contact_items(referrals), figures["contacts"].numerator)

    def earlier_referral(fact: ContactFact) -> bool:
        return any(
            other.route in REFERRAL_ROUTES and _within_year_before(other, fact)
            for _, child in fact.children
            if child[0] == "person"
            for other in facts.contacts_by_child.get(child, ())
        )

    figures["re_referrals"] = Figure(
        _contact_items(f for f in referrals if earlier_referral(f)), _contact_items(referrals)
    )

    assessed_contacts = {
        outcome.contact_id for outcome in facts.outcomes if outcome.event in ASSESSMENT_EVENTS
    }
    figures["assessment_conversion"] = Figure(
        _contact_items(f for f in referrals if f.id in assessed_contacts),
        _contact_items(referrals),
    )

    figures.update(_assessment_figures(facts, period, mine))
    figures["repeat_not_progressed"] = _repeat_figure(facts, received)
    figures.update(_conference_figures(facts, period, mine))
    figures.update(_timeliness_figures(facts, received))
    return figures


def _assessment_figures(facts: Facts, period: Period, mine) -> Figures:
    # The latest completion recorded for each child's assessment on a referral.
    completed: dict[tuple[int, int], tuple[date, str]] = {}
    for outcome in facts.outcomes:
        if outcome.event != DownstreamOutcome.Event.ASSESSMENT_COMPLETED:
            continue
        pair = (outcome.contact_id, outcome.subject_id)
        if pair not in completed or outcome.occurred_on >= completed[pair][0]:
            completed[pair] = (outcome.occurred_on, outcome.assessment_outcome)
    in_period = {
        pair: result
        for pair, result in completed.items()
        if period.contains(result[0]) and mine(facts.contacts[pair[0]])
    }
    nfa = DownstreamOutcome.AssessmentOutcome.NO_FURTHER_ACTION
    return {
        "assessment_nfa": Figure(
            tuple(sorted(Item(*pair) for pair, result in in_period.items() if result[1] == nfa)),
            tuple(sorted(Item(*pair) for pair in in_period)),
        ),
        **{
            f"assessment_outcome:{outcome.value}": Figure(
                tuple(
                    sorted(
                        Item(*pair) for pair, result in in_period.items() if result[1] == outcome
                    )
                ),
                tuple(sorted(Item(*pair) for pair in in_period)),
            )
            for outcome in DownstreamOutcome.AssessmentOutcome
        },
    }


def _repeat_figure(facts: Facts, received: list[ContactFact]) -> Figure:
    # One item per child: the child's latest not-progressed contact in the period, or
    # for the numerator the latest one that followed an earlier contact.
    children: dict[ChildKey, Item] = {}
    repeats: dict[ChildKey, Item] = {}
    for fact in sorted(received, key=lambda fact: (fact.received_at, fact.id)):
        if fact.route not in NOT_PROGRESSED_ROUTES:
            continue
        for subject_id, child in fact.children:
            children[child] = Item(fact.id, subject_id)
            if child[0] == "person" and any(
                _within_year_before(other, fact) for other in facts.contacts_by_child[child]
            ):
                repeats[child] = Item(fact.id, subject_id)
    return Figure(tuple(sorted(repeats.values())), tuple(sorted(children.values())))


def _conference_figures(facts: Facts, period: Period, mine) -> Figures:
    strategy: dict[tuple[int, int], date] = {}
    icpc: dict[tuple[int, int], date] = {}
    for outcome in facts.outcomes:
        pair = (outcome.contact_id, outcome.subject_id)
        if outcome.event == DownstreamOutcome.Event.STRATEGY_DISCUSSION:
            strategy[pair] = min(outcome.occurred_on, strategy.get(pair, outcome.occurred_on))
        elif outcome.event == DownstreamOutcome.Event.ICPC:
            icpc[pair] = min(outcome.occurred_on, icpc.get(pair, outcome.occurred_on))

    held = [
        pair
        for pair, day in strategy.items()
        if period.contains(day) and mine(facts.contacts[pair[0]])
    ]
    led = [pair for pair in held if pair in icpc and icpc[pair] >= strategy[pair]]
    conferences = [
        pair
        for pair, day in icpc.items()
        if period.contains(day) and pair in strategy and mine(facts.contacts[pair[0]])
    ]
    in_time = [
        pair for pair in conferences if icpc[pair] <= add_working_days(strategy[pair], ICPC_DAYS)
    ]
    plans = {
        (outcome.contact_id, outcome.subject_id)
        for outcome in facts.outcomes
        if outcome.event == DownstreamOutcome.Event.CP_PLAN
        and period.contains(outcome.occurred_on)
        and mine(facts.contacts[outcome.contact_id])
    }
    return {
        "cp_plans": Figure(tuple(sorted(Item(*pair) for pair in plans))),
        "strategy_icpc": Figure(
            tuple(sorted(Item(*pair) for pair in led)), tuple(sorted(Item(*pair) for pair in held))
        ),
        "icpc_within_15_days": Figure(
            tuple(sorted(Item(*pair) for pair in in_time)),
            tuple(sorted(Item(*pair) for pair in conferences)),
        ),
    }


def _timeliness_figures(facts: Facts, received: list[ContactFact]) -> Figures:
    decided = [f for f in received if f.first_decided_at is not None]
    overdue = [f for f in received if f.first_decided_at is None and f.due_at <= facts.as_at]
    in_time = [f for f in decided if f.first_decided_at <= f.due_at]
    hours = sorted(f.decision_working_hours for f in decided)
    decided_items = _contact_items(decided)
    return {
        "timeliness": Figure(_contact_items(in_time), _contact_items(decided + overdue)),
        "overdue": Figure(_contact_items(overdue)),
        "decision_hours_median": Figure(
            decided_items, hours=statistics.median(hours) if hours else None
        ),
        "decision_hours_p90": Figure(
            decided_items, hours=_nearest_rank(hours, 90) if hours else None
        ),
    }


def funnel(figures: Figures) -> list[tuple[str, str, int]]:
    """Steps from contact to plan, each (figure key, label, count), for the chart."""
    return [
        ("contacts", "Contacts", figures["contacts"].count),
        ("referrals", "Referrals", figures["referrals"].count),
        ("assessment_conversion", "Referrals assessed", figures["assessment_conversion"].count),
        (
            "assessment_nfa:denominator",
            "Assessments completed",
            figures["assessment_nfa"].base or 0,
        ),
        ("assessment_nfa", "Ended in no further action", figures["assessment_nfa"].count),
        ("cp_plans", "Child protection plans started", figures["cp_plans"].count),
        ("strategy_icpc:denominator", "Strategy discussions", figures["strategy_icpc"].base or 0),
        ("strategy_icpc", "Followed by an ICPC", figures["strategy_icpc"].count),
    ]


def route_label(value: str) -> str:
    if value == NOT_DECIDED:
        return "Not decided yet"
    return Route(value).label


def channel_label(value: str) -> str:
    return Contact.Channel(value).label
