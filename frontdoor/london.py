"""The London calendar: every date the front door counts by is a London date.

Moments are stored in UTC; a day, a month or "the 12 months before" is a London
wall-clock day (a contact received at 00:30 BST on 1 April is an April contact).
The year arithmetic follows ADR 0008: the same date a year earlier, 29 February
falling back to the 28th. Working days (``frontdoor.working_days``) build on this.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db import models

LONDON = ZoneInfo("Europe/London")


def london_date(moment: datetime) -> date:
    """The London date of an aware ``moment``."""
    return moment.astimezone(LONDON).date()


def start_of(day: date) -> datetime:
    """London midnight at the start of ``day``: a day runs from ``start_of(day)`` up
    to, not including, ``start_of(day + 1 day)``."""
    return datetime.combine(day, time.min, tzinfo=LONDON)


def years_before[When: (date, datetime)](when: When, years: int) -> When:
    """The same date (and time) ``years`` years earlier; 29 February falls back to
    the 28th."""
    try:
        return when.replace(year=when.year - years)
    except ValueError:
        return when.replace(year=when.year - years, day=28)


def one_year_before(day: date) -> date:
    """The same date a year earlier; 29 February falls back to the 28th (ADR 0008)."""
    return years_before(day, 1)


def one_year_after(day: date) -> date:
    """The same date a year later; 29 February falls back to the 28th (ADR 0008)."""
    return years_before(day, -1)


def twelve_months_before(moment: datetime) -> datetime:
    """Where "within the 12 months before" ``moment`` starts: the start of the same
    London date a year before (ADR 0008)."""
    return start_of(one_year_before(london_date(moment)))


def months_before(day: date, months: int) -> date:
    """The same date ``months`` calendar months earlier; a day the month lacks (31 April)
    falls back to that month's last day."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


class TwelveMonthsBefore(models.Func):
    """``twelve_months_before`` in the database, for a moment column or ``OuterRef``:
    the start of the same London date a year before (PostgreSQL's year arithmetic also
    takes 29 February back to the 28th), so a query and the Python rule agree on the
    anniversary day."""

    template = (
        "(date_trunc('day', (%(expressions)s AT TIME ZONE 'Europe/London') - interval '1 year')"
        " AT TIME ZONE 'Europe/London')"
    )
    output_field = models.DateTimeField()
