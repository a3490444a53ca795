"""School days, and when an Operation Encompass notice is due (docs/adr/0038).

A school day is a weekday that is not one of England's bank holidays
(``frontdoor.working_days``) and, unless the school is open all year, falls in one of
its calendar's terms (the school's own calendar, else the default one) when that
calendar covers the day. A calendar covers the school years (1 September to 31 August)
it has terms in, holidays and all: so the summer holiday after its last term is a
holiday, and a day in a school year it has no terms for (before its first term's year,
or after its last) is decided by no calendar, and every such weekday counts. Only a
calendar that covers a day says it is a holiday: a missing calendar may send a notice
early, never hold it for ever.

A notice is due at 08:30 (``ENCOMPASS_DUE_TIME``) on the first school day whose 08:30
comes after the incident, or after police told the front door if that was later. A
notice whose wait takes in a school holiday (a weekday the school is closed) is held
and released at ``ENCOMPASS_HOLD_RELEASE_TIME`` the day before the first day back;
any other goes at once. ``sent_in_time`` is the one test of "on time".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings

from frontdoor.london import LONDON
from frontdoor.working_days import is_working_day
from outcomes.models_encompass import School, TermCalendar

# No school is closed for longer than this; a calendar that says otherwise is wrong.
LONGEST_CLOSURE_DAYS = 120


@dataclass(frozen=True)
class Terms:
    """The term dates a school keeps, as (first day, last day) pairs; empty: none known."""

    periods: tuple[tuple[date, date], ...]
    open_all_year: bool = False

    @property
    def school_years(self) -> frozenset[int]:
        """The school years the calendar covers, each by the year its September is in."""
        return frozenset(school_year(day) for period in self.periods for day in period)

    def covers(self, day: date) -> bool:
        return school_year(day) in self.school_years

    def in_term(self, day: date) -> bool:
        """Open: in a term, or on a day no calendar covers (never held on a guess)."""
        if self.open_all_year or not self.covers(day):
            return True
        return any(start <= day <= end for start, end in self.periods)


def school_year(day: date) -> int:
    """The school year a day falls in, named by its first calendar year: 1 September
    2026 to 31 August 2027 is 2026."""
    return day.year if day.month >= 9 else day.year - 1


def terms_for(school: School | None) -> Terms:
    if school is not None and school.open_all_year:
        return Terms((), open_all_year=True)
    calendar = school.term_calendar if school is not None else None
    if calendar is None:
        calendar = TermCalendar.objects.filter(is_default=True).first()
    if calendar is None:
        return Terms(())
    return Terms(tuple(calendar.terms.values_list("starts_on", "ends_on")))


def is_weekday_open(day: date) -> bool:
    """Monday to Friday and not a bank holiday, whatever the working-day settings say."""
    return day.weekday() < 5 and is_working_day(day)


def is_school_day(day: date, terms: Terms) -> bool:
    return is_weekday_open(day) and terms.in_term(day)


def _first_school_day(day: date, terms: Terms) -> date:
    for offset in range(LONGEST_CLOSURE_DAYS):
        candidate = day + timedelta(days=offset)
        if is_school_day(candidate, terms):
            return candidate
    # A calendar closing a school for months is wrong: take the next weekday instead.
    return _first_school_day(day, Terms(()))


@dataclass(frozen=True)
class Timing:
    due_at: datetime
    # None: it may go at once.
    release_at: datetime | None


def notice_timing(*, since: datetime, terms: Terms) -> Timing:
    """When a notice about an incident at (or reported at) ``since`` is due, and when it
    may be released if it must be held over a school holiday."""
    local = since.astimezone(LONDON)
    due_time = settings.ENCOMPASS_DUE_TIME
    start = local.date()
    if local.time() >= due_time:
        start += timedelta(days=1)
    due_day = _first_school_day(start, terms)
    due_at = datetime.combine(due_day, due_time, tzinfo=LONDON)
    waited = (local.date() + timedelta(days=n) for n in range((due_day - local.date()).days))
    holiday = any(is_weekday_open(day) and not terms.in_term(day) for day in waited)
    release_at = None
    if holiday:
        release_at = datetime.combine(
            due_day - timedelta(days=1), settings.ENCOMPASS_HOLD_RELEASE_TIME, tzinfo=LONDON
        )
    return Timing(due_at=due_at, release_at=release_at)


def sent_in_time(*, sent_at: datetime | None, due_at: datetime) -> bool:
    """Whether a notice met its time: sent before 08:30 on the next school day. The one
    test the Encompass page and the scorecard both use."""
    return sent_at is not None and sent_at < due_at


def is_late(*, sent_at: datetime | None, due_at: datetime, now: datetime) -> bool:
    """Sent after its time, or not sent and its time has passed."""
    if sent_at is not None:
        return not sent_in_time(sent_at=sent_at, due_at=due_at)
    return now >= due_at
