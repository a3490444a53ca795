"""The scorecard's measures as a steering group reads them: each headline's title,
definition and kind, and which are counted forward (``maturing_until``). What each
counts is worked out in ``measures.py``; the definitions where DOMAIN.md leaves a choice
are in its docstring and docs/adr/0008-scorecard-definitions.md."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from frontdoor.london import one_year_after, start_of
from outcomes.scorecard.periods import Period


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
    # Counted forward over the 12 months after each contact: a period's figure can
    # still rise until 12 months after the period ends ("still maturing").
    counted_forward: bool = False


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
        "Help, and who came back with another contact within the 12 months after it. "
        "Counted forward, so the figure can still rise until 12 months after the period "
        "ends (still maturing until then).",
        Kind.RATE,
        "children who came back within 12 months",
        "children not progressed",
        higher_is_better=False,
        counted_forward=True,
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
        "assessment_within_45_days",
        "Assessments completed within 45 working days",
        "Assessments completed in the period, per child, within 45 working days of the "
        "referral date (the date the contact was received).",
        Kind.RATE,
        "within 45 working days",
        "assessments completed",
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
        "encompass_on_time",
        "Operation Encompass notices on time",
        "Notices to a child's school after a domestic abuse incident, due in the period, "
        "sent before 08:30 on the school's next school day; one not sent by then is late.",
        Kind.RATE,
        "sent on time",
        "notices due",
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
# Raised whenever a measure's definition changes, so a count kept under the old
# definition is counted afresh rather than shown under the new one's name (selectors).
DEFINITIONS_VERSION = 2  # 2: repeat contacts not progressed counted forward (ADR 0008)
# Figures shown outside the headline whose absence makes a kept count out of date.
CHECKS_WITHOUT_CONSENT = "checks_without_consent"
ALWAYS_COUNTED = (*MEASURES_BY_KEY, CHECKS_WITHOUT_CONSENT)


def maturing_until(key: str, period: Period, as_at: datetime) -> date | None:
    """For a figure counted forward (repeat contacts not progressed), the last London
    day on which its figure for ``period`` can still rise (a contact on the period's
    last day can come back until the same date a year later), while that day has not
    ended at ``as_at``: the figure is *still maturing*. None once it is final, and for
    every figure final when its period ends."""
    measure = MEASURES_BY_KEY.get(key.split(":")[0])
    if measure is None or not measure.counted_forward:
        return None
    last = one_year_after(period.end - timedelta(days=1))
    return last if as_at < start_of(last + timedelta(days=1)) else None
