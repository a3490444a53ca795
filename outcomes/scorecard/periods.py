"""Reporting periods: a calendar month, quarter or year, in London time.

A period is named the way people write it and the API takes it: ``2026-11``
(November 2026), ``2026-Q3`` (July to September 2026) or ``2026`` (the year).
Moments belong to the period holding their London date, so a contact received at
00:30 on 1 July British Summer Time (23:30 UTC on 30 June) is a July contact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from frontdoor.working_days import LONDON


class Granularity(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


MONTHS_IN = {Granularity.MONTH: 1, Granularity.QUARTER: 3, Granularity.YEAR: 12}
# How many earlier periods the trend shows beside the chosen one.
TREND_LENGTH = {Granularity.MONTH: 12, Granularity.QUARTER: 4, Granularity.YEAR: 2}

_PATTERNS = (
    (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), Granularity.MONTH),
    (re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE), Granularity.QUARTER),
    (re.compile(r"^(\d{4})$"), Granularity.YEAR),
)


class PeriodError(ValueError):
    """The text does not name a period."""


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def one_year_before(day: date) -> date:
    """The same date a year earlier; 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True, order=True)
class Period:
    start: date  # first day
    granularity: Granularity

    @classmethod
    def parse(cls, text: str) -> Period:
        text = (text or "").strip()
        for pattern, granularity in _PATTERNS:
            match = pattern.match(text)
            if not match:
                continue
            year = int(match.group(1))
            if not 2000 <= year <= 2100:
                break
            if granularity is Granularity.MONTH:
                return cls(date(year, int(match.group(2)), 1), granularity)
            if granularity is Granularity.QUARTER:
                return cls(date(year, (int(match.group(2)) - 1) * 3 + 1, 1), granularity)
            return cls(date(year, 1, 1), granularity)
        raise PeriodError(
            "Enter a period as a month (2026-07), a quarter (2026-Q3) or a year (2026)"
        )

    @classmethod
    def containing(cls, day: date, granularity: Granularity) -> Period:
        if granularity is Granularity.MONTH:
            return cls(date(day.year, day.month, 1), granularity)
        if granularity is Granularity.QUARTER:
            return cls(date(day.year, (day.month - 1) // 3 * 3 + 1, 1), granularity)
        return cls(date(day.year, 1, 1), granularity)

    @property
    def end(self) -> date:
        """The first day after the period."""
        return _add_months(self.start, MONTHS_IN[self.granularity])

    @property
    def key(self) -> str:
        if self.granularity is Granularity.MONTH:
            return f"{self.start:%Y-%m}"
        if self.granularity is Granularity.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    @property
    def label(self) -> str:
        if self.granularity is Granularity.MONTH:
            return f"{self.start:%B %Y}"
        if self.granularity is Granularity.QUARTER:
            last = _add_months(self.start, 2)
            return f"{self.start:%B} to {last:%B %Y}"
        return str(self.start.year)

    @property
    def short_label(self) -> str:
        if self.granularity is Granularity.MONTH:
            return f"{self.start:%b %Y}"
        return self.key

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time(0, 0), tzinfo=LONDON)

    @property
    def ends_at(self) -> datetime:
        return datetime.combine(self.end, time(0, 0), tzinfo=LONDON)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def shifted(self, count: int) -> Period:
        return Period(
            _add_months(self.start, count * MONTHS_IN[self.granularity]), self.granularity
        )

    def previous(self) -> Period:
        return self.shifted(-1)

    def next(self) -> Period:
        return self.shifted(1)

    def trend(self) -> list[Period]:
        """The earlier periods and this one, oldest first."""
        count = TREND_LENGTH[self.granularity]
        return [self.shifted(offset) for offset in range(-count, 1)]

    def months(self) -> list[Period]:
        return [
            Period(_add_months(self.start, offset), Granularity.MONTH)
            for offset in range(MONTHS_IN[self.granularity])
        ]

    def __str__(self) -> str:
        return self.key
