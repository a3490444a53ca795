"""Working-day arithmetic for statutory time limits, in London time.

Working days are Monday to Friday less England's bank holidays, from the
maintained ``holidays`` library. The clock:

* A contact received on a working day is due at the same London wall-clock time
  on the next working day (Friday 15:00 is due Monday 15:00; the Friday before a
  bank-holiday Monday is due Tuesday 15:00).
* A contact received on a weekend or bank holiday starts its clock at the start
  of the next working day, so it is due at the end of that day.

"Working time" counts only the hours that fall on working days; the amber and red
states of the queue's clock measure time left in working time, so a weekend
neither turns a contact amber nor eats its allowance.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

from frontdoor.london import LONDON, start_of

UTC = ZoneInfo("UTC")
ONE_WORKING_DAY = timedelta(hours=24)


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def _weekends_count() -> bool:
    return bool(getattr(settings, "WORKING_DAYS_INCLUDE_WEEKENDS", False))


def is_working_day(day: date) -> bool:
    return _is_working_day(day, _weekends_count())


@lru_cache(maxsize=16384)
def _is_working_day(day: date, include_weekends: bool) -> bool:
    # Cached: the scorecard asks about the same few hundred days tens of thousands of times.
    if day.weekday() >= 5 and not include_weekends:
        return False
    return day not in _bank_holidays(day.year)


def next_working_day(day: date) -> date:
    return add_working_days(day, 1)


def add_working_days(day: date, count: int) -> date:
    return _add_working_days(day, count, _weekends_count())


@lru_cache(maxsize=16384)
def _add_working_days(day: date, count: int, include_weekends: bool) -> date:
    for _ in range(count):
        day += timedelta(days=1)
        while not _is_working_day(day, include_weekends):
            day += timedelta(days=1)
    return day


def _local(moment: datetime) -> datetime:
    return moment.astimezone(LONDON)


def _at(day: date, wall_clock: time) -> datetime:
    return datetime.combine(day, wall_clock, tzinfo=LONDON)


def _elapsed(start: datetime, end: datetime) -> timedelta:
    # Aware datetimes sharing a tzinfo subtract as wall clocks; UTC gives real time
    # (a clock-change day is 23 or 25 hours long).
    return end.astimezone(UTC) - start.astimezone(UTC)


def _later(start: datetime, amount: timedelta) -> datetime:
    return (start.astimezone(UTC) + amount).astimezone(LONDON)


def decision_due(received_at: datetime) -> datetime:
    """When the decision on a contact received at ``received_at`` is due."""
    return due_after_working_days(received_at, 1)


def due_after_working_days(
    received_at: datetime, days: int, *, statutory: bool = False
) -> datetime:
    """``days`` working days after ``received_at``: the same time of day that many
    working days later, or, for something received on a day that is not a working
    day, the start of the day that many working days after the next working day (one
    day: ``decision_due``; seven: a private fostering visit, docs/adr/0046).

    ``statutory``: a time limit set in law, whose working days are always Monday to
    Friday less England's bank holidays, whatever WORKING_DAYS_INCLUDE_WEEKENDS says
    (that setting is for the council's own clocks, never the law's)."""
    weekends = False if statutory else _weekends_count()
    local = _local(received_at)
    if _is_working_day(local.date(), weekends):
        return _at(
            _add_working_days(local.date(), days, weekends),
            local.timetz().replace(tzinfo=None),
        )
    start = local.date()
    while not _is_working_day(start, weekends):
        start += timedelta(days=1)
    return start_of(_add_working_days(start, days, weekends))


def response_due(
    received_at: datetime, *, immediate: bool = False, working_hours: float | None = None
) -> datetime:
    """The operational clock (the contact's ``decision_due_at``, the queue's and the
    alerts'): when the front door aims to decide a contact received at ``received_at``.
    One working day after (``decision_due``, the statutory timescale the scorecard
    measures); for one marked immediate risk, IMMEDIATE_RISK_WORKING_HOURS working
    hours after, never later than one working day. Where the council has the clock
    follow its service hours (CLOCK_FOLLOWS_SERVICE_HOURS), the same rules run from
    when the service next opens, and the immediate-risk hours are service hours.
    ``working_hours`` gives a channel's own shorter clock (a police grade's), capped
    the same way."""
    start = service_opens(received_at) if clock_follows_service_hours() else received_at
    day = decision_due(start)
    if immediate:
        working_hours = settings.IMMEDIATE_RISK_WORKING_HOURS
    if working_hours is None:
        return day
    return min(add_clock_time(start, timedelta(hours=working_hours)), day)


def decided_in_time(*, decided_at: datetime, due_at: datetime) -> bool:
    """Whether a decision made at ``decided_at`` met the one-working-day rule: the one
    test the scorecard's timeliness and the screening pages both use."""
    return decided_at <= due_at


def working_time_between(start: datetime, end: datetime) -> timedelta:
    """The part of [start, end) that falls on working days (negative if end < start)."""
    if end < start:
        return -working_time_between(end, start)
    total = timedelta()
    cursor = _local(start)
    end_local = _local(end)
    include_weekends = _weekends_count()
    if cursor.date() == end_local.date():  # the common case: decided the same day
        working = _is_working_day(cursor.date(), include_weekends)
        return _elapsed(cursor, end_local) if working else total
    while cursor < end_local:
        next_midnight = start_of(cursor.date() + timedelta(days=1))
        segment_end = min(next_midnight, end_local)
        if _is_working_day(cursor.date(), include_weekends):
            total += _elapsed(cursor, segment_end)
        cursor = segment_end
    return total


def add_working_time(start: datetime, amount: timedelta) -> datetime:
    """The moment ``amount`` of working time after ``start``."""
    cursor = _local(start)
    remaining = amount
    while True:
        next_midnight = start_of(cursor.date() + timedelta(days=1))
        if is_working_day(cursor.date()):
            available = _elapsed(cursor, next_midnight)
            if remaining <= available:
                return _later(cursor, remaining)
            remaining -= available
        cursor = next_midnight


def working_time_before(end: datetime, amount: timedelta) -> datetime:
    """The moment ``amount`` of working time before ``end`` (add_working_time run
    backwards): on a Saturday, twenty working hours ago is Friday at four."""
    remaining = amount
    day = _local(end).date()
    segment_end = _local(end)
    while True:
        segment_start = start_of(day)
        if is_working_day(day):
            available = _elapsed(segment_start, segment_end)
            if remaining < available:
                return _later(segment_end, -remaining)
            remaining -= available
        day -= timedelta(days=1)
        segment_end = segment_start


# --- Service hours (frontdoor/settings/service_hours.py, docs/adr/0044): when the day
# team is open. The statutory clock above never looks at them; the operational clock does
# where the council chooses.


def clock_follows_service_hours() -> bool:
    return bool(getattr(settings, "CLOCK_FOLLOWS_SERVICE_HOURS", False))


def service_hours_on(day: date) -> tuple[time, time] | None:
    """(opens, closes) in London wall-clock time on ``day``, or None when closed:
    weekday hours Monday to Friday, weekend hours at weekends and on bank holidays."""
    weekday = day.weekday() < 5 and day not in _bank_holidays(day.year)
    return settings.SERVICE_HOURS_WEEKDAYS if weekday else settings.SERVICE_HOURS_WEEKENDS


def _open_spans(day: date) -> tuple[datetime, datetime] | None:
    hours = service_hours_on(day)
    if hours is None:
        return None
    opens, closes = hours
    end = start_of(day + timedelta(days=1)) if closes == time.max else _at(day, closes)
    return _at(day, opens), end


def in_service_hours(moment: datetime) -> bool:
    span = _open_spans(_local(moment).date())
    return span is not None and span[0] <= _local(moment) < span[1]


# Far more than any configuration closes for: a guard, not a rule.
_DAYS_LOOKED_AHEAD = 31


def service_opens(moment: datetime) -> datetime:
    """``moment`` if the service is open then, else when it next opens: when an
    out-of-hours contact is handed over to the day team."""
    local = _local(moment)
    day = local.date()
    for _ in range(_DAYS_LOOKED_AHEAD):
        span = _open_spans(day)
        if span is not None and local < span[1]:
            return max(local, span[0])
        day += timedelta(days=1)
    return local


def service_time_between(start: datetime, end: datetime) -> timedelta:
    """The part of [start, end) that falls in service hours (negative if end < start)."""
    if end < start:
        return -service_time_between(end, start)
    total = timedelta()
    day, last = _local(start).date(), _local(end).date()
    while day <= last:
        span = _open_spans(day)
        if span is not None:
            lower, upper = max(span[0], _local(start)), min(span[1], _local(end))
            if upper > lower:
                total += _elapsed(lower, upper)
        day += timedelta(days=1)
    return total


def add_service_time(start: datetime, amount: timedelta) -> datetime:
    """The moment ``amount`` of service hours after ``start``."""
    cursor = _local(start)
    remaining = amount
    for _ in range(int(amount.total_seconds() // 3600) + _DAYS_LOOKED_AHEAD * 2):
        span = _open_spans(cursor.date())
        if span is not None and cursor < span[1]:
            lower = max(cursor, span[0])
            available = _elapsed(lower, span[1])
            if remaining <= available:
                return _later(lower, remaining)
            remaining -= available
        cursor = start_of(cursor.date() + timedelta(days=1))
    return cursor


def clock_time_between(start: datetime, end: datetime) -> timedelta:
    """The operational clock's time between two moments: working time, or service
    hours where the clock follows them. The queue's time left and its RAG use this; the
    scorecard's statutory measure uses ``working_time_between`` always."""
    if clock_follows_service_hours():
        return service_time_between(start, end)
    return working_time_between(start, end)


def add_clock_time(start: datetime, amount: timedelta) -> datetime:
    """``add_working_time`` or ``add_service_time``, as ``clock_time_between``."""
    if clock_follows_service_hours():
        return add_service_time(start, amount)
    return add_working_time(start, amount)
