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
  ended in Information and Advice or Early Help; of those, the children who came
  back with another contact (any outcome, but not one withdrawn) in the 12 months
  after it, counted forward as recorded at the counting moment. Each child counts
  once. A period's figure can still rise until 12 months after it ends: it is
  *still maturing* until then (``maturing_until``).
* Assessments, strategy discussions and ICPCs are counted per child, as social
  care records them.
* Working-day deadlines (outcomes/deadlines.py): an assessment completed on or
  before 45 working days after the referral date (the London date the contact was
  received) is in time; an ICPC on or before 15 working days after the latest
  strategy discussion for that child on that referral on or before it.
* Timeliness counts contacts received in the period that were decided or are past
  their due time; one still inside its time counts once it is decided. A contact
  withdrawn before any decision (docs/adr/0036) is in neither: it is counted by
  outcome as "Withdrawn".
* Checks by basis for sharing: multi-agency checks asked in the period (the London
  date the screener asked), by the basis recorded; a check waiting for a manager or
  refused by one counts, as it was asked. A check goes with its contact's source
  agency in the split by agency. Checks asked before the basis was recorded count
  as "not recorded".
* Median: the middle value (mean of the middle two). 90th percentile: the
  nearest-rank value (the smallest value at or above 90% of the decisions).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date

from frontdoor.working_days import decided_in_time
from outcomes.deadlines import assessment_due, icpc_due, strategy_for_icpc
from outcomes.encompass.schooldays import sent_in_time
from outcomes.models import DownstreamOutcome
from outcomes.scorecard.by_service import service_figures
from outcomes.scorecard.definitions import CHECKS_WITHOUT_CONSENT
from outcomes.scorecard.fact_queries import NOTHING_MORE, Needs
from outcomes.scorecard.facts import ChildKey, ContactFact, Facts, Item
from outcomes.scorecard.periods import Period
from screening.models import Route, SharingBasis, is_referral

NOT_PROGRESSED_ROUTES = (Route.INFORMATION_AND_ADVICE, Route.EARLY_HELP)
NOT_DECIDED = "not_decided"
# Contacts withdrawn before any decision (docs/adr/0036): counted by outcome as their
# own row, never in timeliness (their clock stopped without a decision).
WITHDRAWN = "withdrawn"
ASSESSMENT_EVENTS = (
    DownstreamOutcome.Event.ASSESSMENT_STARTED,
    DownstreamOutcome.Event.ASSESSMENT_COMPLETED,
)


@dataclass(frozen=True)
class Figure:
    """One number on the scorecard, with what it counted: contact ids, or Items where
    a figure counts children (kept as ids because a year's scorecard holds millions)."""

    numerator: tuple[int | Item, ...]
    denominator: tuple[int | Item, ...] | None = None
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
        """What the numerator (or the denominator) counted, in order."""
        counted = self.numerator
        if part == "denominator" and self.denominator is not None:
            counted = self.denominator
        return tuple(sorted(x if isinstance(x, Item) else Item(x) for x in counted))

    def totals(self) -> Totals:
        return Totals(self.count, self.base, self.hours)


@dataclass(frozen=True)
class Totals:
    """A figure's numbers without what it counted: what a kept scorecard holds."""

    count: int
    base: int | None = None
    hours: float | None = None

    @property
    def percent(self) -> float | None:
        if not self.base:
            return None
        return 100 * self.count / self.base


# A breakdown row's key reads "<dimension>:<value>", e.g. "source:2A", "route:early_help".
Figures = dict[str, Figure | Totals]
AgencyFilter = Callable[[ContactFact], bool]


def _contact_items(facts: Iterable[ContactFact]) -> tuple[int, ...]:
    return tuple(fact.id for fact in facts)


def _pair_items(pairs: Iterable[tuple[int, int]]) -> tuple[Item, ...]:
    return tuple(Item(*pair) for pair in sorted(pairs))


def _nearest_rank(sorted_values: list[float], percentile: int) -> float:
    rank = math.ceil(percentile / 100 * len(sorted_values))
    return sorted_values[max(rank, 1) - 1]


def _months(period: Period) -> list[date]:
    return [month.start for month in period.months()]


# Which figures are counted together (a figure's key, or its breakdown's dimension),
# so a drill-down counts only its own figure's section (``compute(only=...)``), from
# only the facts that section reads (``needs_of``).
SECTION_OF = {
    **dict.fromkeys(("contacts", "source", "channel", "route", "service", "referrals"), "received"),
    "route_share": "decided",
    "re_referrals": "re_referrals",
    "assessment_conversion": "assessed",
    **dict.fromkeys(
        ("assessment_outcome", "assessment_nfa", "assessment_within_45_days"), "assessments"
    ),
    "repeat_not_progressed": "repeat",
    **dict.fromkeys(("cp_plans", "strategy_icpc", "icpc_within_15_days"), "conferences"),
    **dict.fromkeys(
        ("timeliness", "overdue", "decision_hours_median", "decision_hours_p90"), "timeliness"
    ),
    **dict.fromkeys(("check_basis", CHECKS_WITHOUT_CONSENT), "checks"),
    "encompass_on_time": "encompass",
}
_READS = {
    "decided": {"decided": True},
    # A child's history: every agency's contacts about them (fact_queries.linked_ids).
    "re_referrals": {"children": True, "lookback": True},
    "assessed": {"outcomes": True},
    "assessments": {"outcomes": True},
    "conferences": {"outcomes": True},
    "repeat": {"children": True, "came_back": True},
    "checks": {"checks": True},
    "encompass": {"notices": True},
}


def section_of(key: str) -> str | None:
    return SECTION_OF.get(key.split(":")[0])


def needs_of(key: str, agency: str = "") -> Needs:
    """What of the facts the figure ``key`` reads, for ``agency`` ("" for everyone)."""
    return replace(NOTHING_MORE, **_READS.get(section_of(key) or "", {}), agency=agency)


def compute(
    facts: Facts,
    period: Period,
    belongs: AgencyFilter | None = None,
    *,
    only: str | None = None,
) -> Figures:
    """Every figure for one period; with ``belongs``, for one source agency's contacts;
    with ``only`` (a figure's key), just the figures of its section (``SECTION_OF``),
    which is all ``needs_of(only)`` loads the facts for."""
    months = _months(period)
    received = facts.received_in(months)
    decided = facts.decided_in(months)
    if belongs is not None:
        received = [fact for fact in received if belongs(fact)]
        decided = [fact for fact in decided if belongs(fact)]
    wanted = section_of(only) if only is not None else None

    def want(section: str) -> bool:
        return only is None or wanted == section

    def mine(contact_id: int) -> bool:
        return belongs is None or belongs(facts.contacts[contact_id])

    figures: Figures = {}
    contacts = _contact_items(received)
    referrals = [f for f in received if is_referral(f.route)]  # facts hold no pathways
    referral_items = _contact_items(referrals)
    if want("received"):
        figures["contacts"] = Figure(contacts)
        for dimension, attribute in (
            ("source", "source_code"),
            ("channel", "channel"),
            ("route", "route"),
        ):
            groups: dict[str, list[ContactFact]] = {}
            for fact in received:
                groups.setdefault(getattr(fact, attribute) or _undecided(fact), []).append(fact)
            for value, members in groups.items():
                figures[f"{dimension}:{value}"] = Figure(_contact_items(members), contacts)
        figures.update(service_figures(received, contacts))  # routes split by service
    if want("decided"):
        decided_items = _contact_items(decided)
        for route in Route:
            figures[f"route_share:{route.value}"] = Figure(
                _contact_items(f for f in decided if f.route == route), decided_items
            )
    if want("received"):
        figures["referrals"] = Figure(referral_items, contacts)
    if want("re_referrals"):
        figures["re_referrals"] = Figure(
            _contact_items(f for f in referrals if f.id in facts.re_referrals), referral_items
        )
    if want("assessed"):
        assessed = facts.outcome_maps.assessed_contacts
        figures["assessment_conversion"] = Figure(
            _contact_items(f for f in referrals if f.id in assessed), referral_items
        )
    if want("assessments"):
        figures.update(_assessment_figures(facts, period, mine))
    if want("repeat"):
        figures["repeat_not_progressed"] = _repeat_figure(facts, received)
    if want("conferences"):
        figures.update(_conference_figures(facts, period, mine))
    if want("timeliness"):
        figures.update(_timeliness_figures(facts, received))
    if want("checks"):
        figures.update(_check_figures(facts, months, belongs))
    if want("encompass"):
        figures["encompass_on_time"] = _encompass_figure(facts, months, belongs)
    return figures


def _encompass_figure(facts: Facts, months: list[date], belongs: AgencyFilter | None) -> Figure:
    """Notices due in the period, once due or sent; on time by the Encompass page's test.
    A notice goes with its contact's source agency (which it carries)."""
    due = [
        n
        for n in facts.notices_due_in(months)
        if (n.sent_at is not None or n.due_at <= facts.as_at) and (belongs is None or belongs(n))  # type: ignore[arg-type]
    ]
    on_time = [n for n in due if sent_in_time(sent_at=n.sent_at, due_at=n.due_at)]
    return Figure(
        _pair_items((n.contact_id, n.subject_id) for n in on_time),
        _pair_items((n.contact_id, n.subject_id) for n in due),
    )


def _undecided(fact: ContactFact) -> str:
    return WITHDRAWN if fact.withdrawn_at is not None else NOT_DECIDED


def _check_figures(facts: Facts, months: list[date], belongs: AgencyFilter | None) -> Figures:
    """Checks asked in the period by basis for sharing, each counted as its contact
    (a contact asked about twice is listed twice); the reasons without consent are
    always shown, a zero included, as the steering group looks for them."""
    checks = facts.checks_asked_in(months)
    if belongs is not None:
        # A check carries its contact's source agency, which is all the filter reads.
        checks = [check for check in checks if belongs(check)]  # type: ignore[arg-type]
    asked = tuple(check.contact_id for check in checks)
    shown = {*SharingBasis.choosable(), *(check.basis for check in checks)}
    figures: Figures = {
        f"check_basis:{basis.value}": Figure(
            tuple(check.contact_id for check in checks if check.basis == basis), asked
        )
        for basis in SharingBasis
        if basis in shown
    }
    without = SharingBasis.without_consent()
    figures[CHECKS_WITHOUT_CONSENT] = Figure(
        tuple(check.contact_id for check in checks if check.basis in without), asked
    )
    return figures


def _assessment_figures(facts: Facts, period: Period, mine) -> Figures:
    in_period = {
        pair: result
        for pair, result in facts.outcome_maps.completed.items()
        if period.contains(result[0]) and mine(pair[0])
    }
    denominator = _pair_items(in_period)
    figures = {
        f"assessment_outcome:{outcome.value}": Figure(
            _pair_items(pair for pair, result in in_period.items() if result[1] == outcome),
            denominator,
        )
        for outcome in DownstreamOutcome.AssessmentOutcome
    }
    figures["assessment_nfa"] = figures[
        f"assessment_outcome:{DownstreamOutcome.AssessmentOutcome.NO_FURTHER_ACTION.value}"
    ]
    # The referral date is the contact's London date of receipt (outcomes/deadlines.py).
    in_time = (
        pair
        for pair, result in in_period.items()
        if result[0] <= assessment_due(facts.contacts[pair[0]].received_on)
    )
    figures["assessment_within_45_days"] = Figure(_pair_items(in_time), denominator)
    return figures


def _repeat_figure(facts: Facts, received: list[ContactFact]) -> Figure:
    """Children on contacts in the period that ended in advice or early help, and of
    them those who came back within the 12 months after (``Facts.came_back``). One item
    per child: their latest such contact in the period, or for the numerator the
    latest one they came back after."""
    children, returned = repeat_children(facts, received)
    return Figure(tuple(sorted(returned.values())), tuple(sorted(children.values())))


def repeat_children(
    facts: Facts, received: list[ContactFact]
) -> tuple[dict[ChildKey, Item], dict[ChildKey, Item]]:
    """(children not progressed, those of them who came back), each child once: what
    ``_repeat_figure`` counts, by child, so kept months can be merged (parts.py)."""
    children: dict[ChildKey, Item] = {}
    returned: dict[ChildKey, Item] = {}
    came_back = facts.came_back
    not_progressed = [fact for fact in received if fact.route in NOT_PROGRESSED_ROUTES]
    for fact in sorted(not_progressed, key=lambda fact: (fact.received_at, fact.id)):
        for subject_id, child in fact.children:
            children[child] = Item(fact.id, subject_id)
            if (fact.id, subject_id) in came_back:
                returned[child] = Item(fact.id, subject_id, came_back[fact.id, subject_id])
    return children, returned


def _conference_figures(facts: Facts, period: Period, mine) -> Figures:
    maps = facts.outcome_maps
    strategy, icpc = maps.strategy, maps.icpc
    held = [pair for pair, day in strategy.items() if period.contains(day) and mine(pair[0])]
    led = [pair for pair in held if pair in icpc and icpc[pair] >= strategy[pair]]
    # Each conference is timed from the latest strategy discussion on or before it,
    # the same rule as when it is recorded and on the contact page.
    started_by = {
        pair: strategy_for_icpc(maps.strategy_dates.get(pair, ()), day)
        for pair, day in icpc.items()
        if period.contains(day) and mine(pair[0])
    }
    conferences = [pair for pair, strategy_on in started_by.items() if strategy_on is not None]
    in_time = [pair for pair in conferences if icpc[pair] <= icpc_due(started_by[pair])]
    plans = [pair for pair, day in maps.plans.items() if period.contains(day) and mine(pair[0])]
    return {
        "cp_plans": Figure(_pair_items(plans)),
        "strategy_icpc": Figure(_pair_items(led), _pair_items(held)),
        "icpc_within_15_days": Figure(_pair_items(in_time), _pair_items(conferences)),
    }


def _timeliness_figures(facts: Facts, received: list[ContactFact]) -> Figures:
    decided = [f for f in received if f.first_decided_at is not None]
    # A withdrawn contact is neither decided nor overdue: its clock stopped when it was
    # withdrawn, and it is not in the "decided within one working day" denominator.
    overdue = [
        f
        for f in received
        if f.first_decided_at is None and f.withdrawn_at is None and f.due_at <= facts.as_at
    ]
    in_time = [
        f for f in decided if decided_in_time(decided_at=f.first_decided_at, due_at=f.due_at)
    ]
    hours = sorted(f.decision_working_hours for f in decided)
    decided_items = _contact_items(decided)
    counted = decided + overdue
    return {
        "timeliness": Figure(_contact_items(in_time), _contact_items(counted)),
        "overdue": Figure(_contact_items(overdue)),
        "decision_hours_median": Figure(
            decided_items, hours=statistics.median(hours) if hours else None
        ),
        "decision_hours_p90": Figure(
            decided_items, hours=_nearest_rank(hours, 90) if hours else None
        ),
    }
