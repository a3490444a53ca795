"""A month's scorecard as parts that add up (docs/adr/0049-kept-month-counts.md).

A period's figures are the sums of its months' parts: a closed month's part is kept
(``ScorecardMonth``, counted once), the open month's is counted live. What does not
simply add is kept so that merging gives exactly what a fresh count of the whole
period gives:

* breakdown rows (``source:2A``, ``route:early_help``, ``check_basis:...``) exist in a
  month only where something was counted; a month without one adds its base
  (the month's contacts, or checks asked) and nothing counted;
* decision times: every month's values (sorted), so the median and the nearest-rank
  90th percentile of the merged values are those of a fresh count;
* repeat contacts not progressed count each child once a period: the children
  counted (and those who came back), so the merge counts the union;
* contacts still waiting for a decision when the month was kept: their due times, so
  "overdue" (and timeliness' base) is worked out for the moment asked.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction

from frontdoor.replica import reporting_connection
from outcomes.models import ScorecardMonth
from outcomes.scorecard.definitions import CHECKS_WITHOUT_CONSENT
from outcomes.scorecard.fact_queries import NO_AGENCY
from outcomes.scorecard.facts import ChildKey, Facts
from outcomes.scorecard.measures import AgencyFilter, Totals, compute, repeat_children
from outcomes.scorecard.periods import Period

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Worked out at merge rather than summed (see the module docstring).
MERGED_APART = (
    "timeliness",
    "overdue",
    "decision_hours_median",
    "decision_hours_p90",
    "repeat_not_progressed",
)
# A breakdown row a month does not have adds that month's base: (figure, count or base).
FAMILY_BASE = {
    "source": ("contacts", 0),
    "channel": ("contacts", 0),
    "route": ("contacts", 0),
    "service": ("contacts", 0),
    "check_basis": (CHECKS_WITHOUT_CONSENT, 1),
}


def micros(moment: datetime) -> int:
    """A moment as whole microseconds since 1970, exact (kept due times compare so)."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def child_number(child: ChildKey) -> int:
    """A child as one number: the person record's id, or minus the subject's id."""
    kind, number = child
    return number if kind == "person" else -number


@dataclass
class MonthPart:
    """One month's figures for everyone or one source agency. Kept ones leave their
    decision times and children in the database (``row_id``) for the merge to read."""

    n: dict[str, list]  # figure key -> [count, base]
    due: list[int] = field(default_factory=list)  # micros() of contacts awaiting decision
    hours: list[float] = field(default_factory=list)
    children: list[int] = field(default_factory=list)
    returned: list[int] = field(default_factory=list)
    row_id: int | None = None
    counted_at: datetime | None = None  # a kept row's: with its id, which row it is

    @classmethod
    def from_row(cls, row: ScorecardMonth) -> MonthPart:
        return cls(
            n=row.figures["n"], due=row.figures["due"], row_id=row.pk, counted_at=row.counted_at
        )

    def figures_json(self) -> dict:
        return {"n": self.n, "due": self.due}


def month_part(facts: Facts, month: Period, belongs: AgencyFilter | None = None) -> MonthPart:
    """``month``'s part from facts loaded for it (and for the year before it)."""
    figures = compute(facts, month, belongs)
    received = [
        fact for fact in facts.received_in([month.start]) if belongs is None or belongs(fact)
    ]
    decided = [fact for fact in received if fact.first_decided_at is not None]
    n = {key: [f.count, f.base] for key, f in figures.items() if key not in MERGED_APART}
    n["timeliness"] = [figures["timeliness"].count, len(decided)]
    n["decided"] = [len(decided), None]
    children, returned = repeat_children(facts, received)
    return MonthPart(
        n=n,
        due=sorted(
            micros(fact.due_at)
            for fact in received
            if fact.first_decided_at is None and fact.withdrawn_at is None
        ),
        hours=sorted(fact.decision_working_hours for fact in decided),
        children=sorted(child_number(child) for child in children),
        returned=sorted(child_number(child) for child in returned),
    )


def agencies_in(facts: Facts, month: Period) -> set[str]:
    """The keys of the source agencies with anything counted in ``month`` (an agency's
    id, or ``NO_AGENCY``): each has a part of its own."""
    months = [month.start]
    ids = {fact.agency_id for fact in facts.received_in(months)}
    ids |= {fact.agency_id for fact in facts.decided_in(months)}
    ids |= {check.agency_id for check in facts.checks_asked_in(months)}
    ids |= {
        facts.contacts[outcome.contact_id].agency_id
        for outcome in facts.outcomes
        if month.contains(outcome.occurred_on)
    }
    ids |= {notice.agency_id for notice in facts.notices_due_in(months)}
    return {NO_AGENCY if agency_id is None else str(agency_id) for agency_id in ids}


def is_empty(part: MonthPart) -> bool:
    return not (part.due or part.hours or any(count for count, _ in part.n.values()))


def _summed(parts: list[MonthPart]) -> dict[str, Totals]:
    keys = {key for part in parts for key in part.n}
    totals = {}
    for key in keys - {"decided"}:
        count, base, has_base = 0, 0, False
        for part in parts:
            if key in part.n:
                part_count, part_base = part.n[key]
                count += part_count
                if part_base is not None:
                    base, has_base = base + part_base, True
                continue
            family = FAMILY_BASE.get(key.split(":")[0])
            if family is not None:
                numbers = part.n.get(family[0])
                base += (numbers[family[1]] or 0) if numbers else 0
        totals[key] = Totals(count, base if has_base else None)
    return totals


def merge(parts: list[MonthPart], as_at: datetime) -> dict[str, Totals]:
    """The figures of the months these parts are, as a fresh count at ``as_at`` gives."""
    totals = _summed(parts)
    now = micros(as_at)
    overdue = sum(1 for part in parts for due in part.due if due <= now)
    decided = sum(part.n["decided"][0] for part in parts)
    median, p90, children, returned = _arrays(parts, decided)
    in_time = totals["timeliness"].count
    totals["timeliness"] = Totals(in_time, decided + overdue)
    totals["overdue"] = Totals(overdue)
    totals["decision_hours_median"] = Totals(decided, None, median)
    totals["decision_hours_p90"] = Totals(decided, None, p90)
    totals["repeat_not_progressed"] = Totals(returned, children)
    return totals


def _ranks(count: int) -> tuple[list[int], int]:
    """1-based ranks of the middle value(s) and of the nearest-rank 90th percentile
    (the same arithmetic as measures._nearest_rank)."""
    middle = [count // 2 + 1] if count % 2 else [count // 2, count // 2 + 1]
    return middle, max(math.ceil(90 / 100 * count), 1)


# One row: the hours at the ranks asked (percentile_disc at a fraction just under each
# rank, so PostgreSQL picks exactly that rank, with one sort and no window over every
# value), the distinct children and those who came back, and how many kept rows were
# found (a month kept again since its rows were found has other rows).
_ARRAYS_SQL = """
WITH kept AS (SELECT hours, children, returned FROM {table} WHERE id = ANY(%(ids)s))
SELECT
    (SELECT percentile_disc(%(fractions)s::float8[]) WITHIN GROUP (ORDER BY value) FROM (
        SELECT unnest(kept.hours) AS value FROM kept
        UNION ALL SELECT unnest(%(hours)s::float8[])
    ) hours),
    (SELECT count(DISTINCT child) FROM (
        SELECT unnest(kept.children) AS child FROM kept
        UNION ALL SELECT unnest(%(children)s::int8[])
    ) children),
    (SELECT count(DISTINCT child) FROM (
        SELECT unnest(kept.returned) AS child FROM kept
        UNION ALL SELECT unnest(%(returned)s::int8[])
    ) returned),
    (SELECT count(*) FROM kept)
"""


class KeptMonthGone(Exception):
    """A kept row found a moment ago is gone: its month was kept again since (new rows).
    The figures are counted again from what holds then (``selectors.scorecard_count``)."""


def _arrays(parts: list[MonthPart], decided: int):
    """(median hours, 90th percentile hours, children not progressed, of them came
    back) over the parts: in Python when all are live, else one query over the kept
    rows' arrays with the live parts' values beside them."""
    hours = [value for part in parts for value in part.hours]
    children = [child for part in parts for child in part.children]
    returned = [child for part in parts for child in part.returned]
    ids = [part.row_id for part in parts if part.row_id is not None]
    if not ids:
        hours.sort()
        median = statistics.median(hours) if hours else None
        p90 = hours[_ranks(len(hours))[1] - 1] if hours else None
        return median, p90, len(set(children)), len(set(returned))
    # Kept rows are never changed (a month counted again is new rows), so what their
    # arrays give alone is the same every time: a period of kept months (a past year's
    # trend, each month of the chart) is read once per process. Read where the rows
    # were found (the replica inside a report: on the primary a month kept again since
    # the replica replayed is other rows), and remembered by the rows' ids with when
    # each was counted: an id given again (a database restored from a backup rewinds
    # its sequence) is another count.
    connection = reporting_connection(ScorecardMonth)
    if len(ids) < len(parts) or hours or children or returned:  # a part counted live
        return _arrays_query(connection, ids, decided, hours, children, returned)
    key = (
        connection.alias,
        decided,
        tuple(sorted((part.row_id or 0, part.counted_at) for part in parts)),
    )
    if key in _KEPT_ARRAYS:
        return _KEPT_ARRAYS[key]
    result = _arrays_query(connection, ids, decided, hours, children, returned)
    if len(_KEPT_ARRAYS) >= _KEPT_ARRAYS_MAX:
        _KEPT_ARRAYS.clear()
    _KEPT_ARRAYS[key] = result
    return result


_KEPT_ARRAYS: dict[tuple, tuple] = {}
_KEPT_ARRAYS_MAX = 4096


def _arrays_query(connection, ids: list[int], decided: int, hours, children, returned) -> tuple:
    middle, p90_rank = _ranks(decided)
    ranks = [*middle, p90_rank]
    sql = _ARRAYS_SQL.format(table=connection.ops.quote_name(ScorecardMonth._meta.db_table))
    # Sorted in memory, not on disk: a year's decision times are a few megabytes.
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.SCORECARD_WORK_MEM])
        cursor.execute(
            sql,
            {
                "ids": ids,
                "hours": hours,
                "fractions": [(rank - 0.5) / decided for rank in ranks] if decided else [],
                "children": children,
                "returned": returned,
            },
        )
        at_ranks, children_count, returned_count, found = cursor.fetchone()
    if found < len(set(ids)):
        raise KeptMonthGone
    median = p90 = None
    if decided:
        at_rank = dict(zip(ranks, at_ranks, strict=True))
        values = [at_rank[rank] for rank in middle]
        median = values[0] if len(values) == 1 else (values[0] + values[1]) / 2
        p90 = at_rank[p90_rank]
    return median, p90, children_count, returned_count
