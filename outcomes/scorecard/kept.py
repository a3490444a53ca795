"""Reads of kept months (docs/adr/0049): which months' kept counts hold for a moment.

A kept month holds for ``as_at`` when it was counted under today's definitions at or
before ``as_at``, and nothing recorded since its count changes it by then: no mark
(``ScorecardMonthMark``) written after the count (less ``settle()``, for a change
committed just after a count that began before it) takes effect by ``as_at``. Any
other moment is counted live, so figures as at a moment never change.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.conf import settings

from outcomes.models import ScorecardMonth, ScorecardMonthMark
from outcomes.scorecard.definitions import DEFINITIONS_VERSION
from outcomes.scorecard.parts import MonthPart
from outcomes.scorecard.periods import Granularity, Period


def settle() -> timedelta:
    """Longer than any transaction writing a contact, decision or outcome: a change
    whose mark was written up to this long before a count began may not be in it."""
    return timedelta(seconds=settings.SCORECARD_MONTH_SETTLE_SECONDS)


ALL = ""  # the agency key of a month's figures for everyone


def month_periods(start: date, end: date) -> list[Period]:
    """The months from ``start``'s to the one before ``end``."""
    months, month = [], Period.containing(start, Granularity.MONTH)
    while month.start < end:
        months.append(month)
        month = month.next()
    return months


def _counted(months: list[date]) -> dict[date, datetime]:
    return dict(
        ScorecardMonth.objects.filter(
            month__in=months, agency=ALL, definitions=DEFINITIONS_VERSION
        ).values_list("month", "counted_at")
    )


def months_holding(months: list[date], as_at: datetime) -> set[date]:
    """Those of ``months`` whose kept count holds as at ``as_at``."""
    counted = {month: at for month, at in _counted(months).items() if at <= as_at}
    marks = ScorecardMonthMark.objects.filter(
        month__in=list(counted), effective_at__lte=as_at
    ).values_list("month", "marked_at")
    broken = {month for month, marked_at in marks if marked_at > counted[month] - settle()}
    return set(counted) - broken


def kept_parts(months: list[date], as_at: datetime) -> dict[date, dict[str, MonthPart]]:
    """For each of ``months`` whose kept count holds at ``as_at``: its parts by agency
    key (``ALL`` for everyone), without the arrays the merge reads in the database."""
    holding = months_holding(months, as_at)
    parts: dict[date, dict[str, MonthPart]] = defaultdict(dict)
    rows = ScorecardMonth.objects.filter(month__in=holding, definitions=DEFINITIONS_VERSION).defer(
        "hours", "children", "returned"
    )
    for row in rows:
        parts[row.month][row.agency] = MonthPart.from_row(row)
    return dict(parts)


def months_to_keep(months: list[date], now: datetime) -> list[date]:
    """Those of ``months`` (closed by ``now``) with no kept count that holds now."""
    return sorted(set(months) - months_holding(months, now))
