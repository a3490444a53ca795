"""The London calendar: every date the front door counts by is a London date.

Moments are stored in UTC; a day, a month or "the 12 months before" is a London
wall-clock day (a contact received at 00:30 BST on 1 April is an April contact).
The year arithmetic follows ADR 0008: the same date a year earlier, 29 February
falling back to the 28th. Working days (``frontdoor.working_days``) build on this.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
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


class NoSuchLondonTime(ValueError):
    """A wall-clock time that did not happen in London: the hour the clocks skip when
    they go forward in March."""


def london_wall_clock(day: date, at: time) -> datetime:
    """The moment a London clock showed ``at`` on ``day``, as a person types it (a form,
    a spreadsheet). Raises ``NoSuchLondonTime`` for a time the spring change skipped
    (01:00 to 01:59). A time the autumn change repeats (01:00 to 01:59 twice) is taken
    as the first, still on summer time: at most an hour early, never later than it was
    (docs/adr/0037)."""
    moment = datetime.combine(day, at, tzinfo=LONDON)  # fold=0: the first of two
    if moment.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != moment.replace(
        tzinfo=None
    ):
        raise NoSuchLondonTime(
            f"{at:%H:%M} on {day:%-d %B %Y} did not happen in the UK: the clocks went "
            "forward an hour at 01:00 that night. Check the time"
        )
    return moment


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
