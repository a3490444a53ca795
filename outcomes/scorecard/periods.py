"""Reporting periods: a calendar month, quarter or year, or a financial year (April
to March), in London time.

A period has a key, used in links and the API: ``2026-11`` (November 2026),
``2026-Q3`` (July to September 2026), ``2026`` (the year) or ``FY2025-26`` (April
2025 to March 2026). ``Period.parse`` also takes the ways people write them: "Q3
2026", "q3-2026", "July 2026", "Jul 2026", "2025/26", "FY 2025-26" and so on.
Moments belong to the period holding their London date, so a contact received at
00:30 on 1 July British Summer Time (23:30 UTC on 30 June) is a July contact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from frontdoor.london import start_of


class Granularity(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    FINANCIAL_YEAR = "financial year"


MONTHS_IN = {
    Granularity.MONTH: 1,
    Granularity.QUARTER: 3,
    Granularity.YEAR: 12,
    Granularity.FINANCIAL_YEAR: 12,
}
# How many earlier periods the trend shows beside the chosen one.
TREND_LENGTH = {
    Granularity.MONTH: 12,
    Granularity.QUARTER: 4,
    Granularity.YEAR: 2,
    Granularity.FINANCIAL_YEAR: 2,
}
FIRST_YEAR, LAST_YEAR = 2000, 2100
# Longer than any spelling below: anything longer is refused before it is looked at.
LONGEST = 40

EXAMPLES = "a month (July 2026), a quarter (Q3 2026), a year (2026) or a financial year (2025-26)"
GENERAL = f"Enter a period as {EXAMPLES}"

MONTH_NAMES = {
    name: number
    for number in range(1, 13)
    for name in (
        date(2000, number, 1).strftime("%B").lower(),
        date(2000, number, 1).strftime("%b").lower(),
    )
} | {"sept": 9}

# Separators people type between the parts; a boundary between letters and digits
# ("Q3", "2026Q3", "Jul2026", "FY2025") splits the same way.
_SEPARATORS = re.compile(r"[\s\-/_.,:]+")
_LETTERS_DIGITS = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
_WORDS = (("financial year", "fy"), ("quarter", "q"), ("qtr", "q"))
_KINDS = {"q": "q", "fy": "f"}


class PeriodError(ValueError):
    """The text does not name a period; the message says what to type."""


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    start: date  # first day
    granularity: Granularity

    @classmethod
    def parse(cls, text: str) -> Period:
        """The period ``text`` names, in any of the spellings people use; the one
        parser for the page, the downloads, the API and the worker's task."""
        return _parse(text)

    @classmethod
    def containing(cls, day: date, granularity: Granularity) -> Period:
        if granularity is Granularity.MONTH:
            return cls(date(day.year, day.month, 1), granularity)
        if granularity is Granularity.QUARTER:
            return cls(date(day.year, (day.month - 1) // 3 * 3 + 1, 1), granularity)
        if granularity is Granularity.FINANCIAL_YEAR:
            return cls(date(day.year if day.month >= 4 else day.year - 1, 4, 1), granularity)
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
        if self.granularity is Granularity.FINANCIAL_YEAR:
            return f"FY{self.start.year}-{(self.start.year + 1) % 100:02d}"
        return str(self.start.year)

    @property
    def label(self) -> str:
        if self.granularity is Granularity.MONTH:
            return f"{self.start:%B %Y}"
        if self.granularity is Granularity.QUARTER:
            last = _add_months(self.start, 2)
            return f"{self.start:%B} to {last:%B %Y}"
        if self.granularity is Granularity.FINANCIAL_YEAR:
            return f"Financial year {self.start.year} to {self.start.year + 1}"
        return str(self.start.year)

    @property
    def short_label(self) -> str:
        if self.granularity is Granularity.MONTH:
            return f"{self.start:%b %Y}"
        if self.granularity is Granularity.FINANCIAL_YEAR:
            return f"{self.start.year}-{(self.start.year + 1) % 100:02d}"
        return self.key

    @property
    def starts_at(self) -> datetime:
        return start_of(self.start)

    @property
    def ends_at(self) -> datetime:
        return start_of(self.end)

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


def _year(text: str) -> int:
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(f"Enter a year from {FIRST_YEAR} to {LAST_YEAR}")
    return year


def _month(year: str, month: int) -> Period:
    if not 1 <= month <= 12:
        raise PeriodError("Enter a month from 1 to 12, like 2026-07 or July 2026")
    return Period(date(_year(year), month, 1), Granularity.MONTH)


def _quarter(year: str, quarter: str) -> Period:
    if not 1 <= int(quarter) <= 4:
        raise PeriodError("Enter a quarter from Q1 to Q4, like Q3 2026")
    return Period(date(_year(year), (int(quarter) - 1) * 3 + 1, 1), Granularity.QUARTER)


def _financial_year(first: str, second: str) -> Period:
    """April of ``first`` to March of the next year; ``second`` must be that next
    year, in two or four digits (2025-26, 2025/2026)."""
    start = _year(first)
    following = str(start + 1)
    if second not in (following, following[-2:]):
        raise PeriodError(
            "Enter a financial year as two years in a row, like 2025-26: "
            "it runs from April to March"
        )
    return Period(date(start, 4, 1), Granularity.FINANCIAL_YEAR)


def _named_month(name: str, year: str) -> Period:
    if name not in MONTH_NAMES:
        raise PeriodError("Enter a month by its name or number, like July 2026 or 2026-07")
    return _month(year, MONTH_NAMES[name])


def _parse(text: str) -> Period:
    text = (text or "").strip()
    if not text or len(text) > LONGEST or not text.isascii() or not text.isprintable():
        raise PeriodError(GENERAL)
    words = text.lower()
    for long, short in _WORDS:
        words = words.replace(long, f" {short} ")
    words = _LETTERS_DIGITS.sub(" ", _SEPARATORS.sub(" ", words)).strip()
    parts = tuple(words.split(" ")) if words else ()
    shape = tuple(_KINDS.get(part, "n" if part.isdigit() else "w") for part in parts)
    match shape, parts:
        case ("n",), (year,) if len(year) == 4:
            return Period(date(_year(year), 1, 1), Granularity.YEAR)
        case ("q", "n", "n"), (_, quarter, year) if len(year) == 4 and len(quarter) == 1:
            return _quarter(year, quarter)
        case ("n", "q", "n"), (year, _, quarter) if len(year) == 4 and len(quarter) == 1:
            return _quarter(year, quarter)
        case ("f", "n", "n"), (_, first, second) if len(first) == 4:
            return _financial_year(first, second)
        case ("n", "n"), (first, second) if len(first) == 4 and len(second) == 4:
            # Two whole years: nobody writes a month as four digits.
            return _financial_year(first, second)
        case ("n", "n"), (year, month) if len(year) == 4 and len(month) <= 2:
            # 2025-26 is a financial year, 2026-07 a month; the few spellings that
            # could be both (2011-12) are months, except written with a slash
            # (2011/12), the way finance teams write a financial year.
            following = f"{(int(year) + 1) % 100:02d}"
            if month == following and (int(month) > 12 or "/" in text):
                return _financial_year(year, month)
            if int(month) > 12:
                raise PeriodError(
                    "Enter a month from 01 to 12 (2026-07), or a financial year as two "
                    "years in a row (2025-26)"
                )
            return _month(year, int(month))
        case ("n", "n"), (month, year) if len(year) == 4 and len(month) <= 2:
            return _month(year, int(month))
        case ("w", "n"), (name, year) if len(year) == 4:
            return _named_month(name, year)
        case ("n", "w"), (year, name) if len(year) == 4:
            return _named_month(name, year)
    raise PeriodError(GENERAL)


@dataclass(frozen=True)
class Choice:
    label: str
    period: Period


def recent_choices(today: date) -> list[Choice]:
    """The periods a steering group usually asks for, named from ``today``."""
    choices = []
    for granularity, noun in (
        (Granularity.QUARTER, "quarter"),
        (Granularity.MONTH, "month"),
        (Granularity.FINANCIAL_YEAR, "financial year"),
        (Granularity.YEAR, "year"),
    ):
        current = Period.containing(today, granularity)
        choices += [
            Choice(f"Last {noun}", current.previous()),
            Choice(f"This {noun} so far", current),
        ]
    return choices
