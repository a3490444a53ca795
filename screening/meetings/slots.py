"""When meetings happen: configured London times on working days.

The scheduler ticks in UTC every few minutes and asks which slots are due; slot
times are turned into moments day by day in London time, so a clock change can
neither skip a meeting nor hold it twice.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings

from frontdoor.london import LONDON, london_date
from frontdoor.working_days import is_working_day

LATE_AFTER = timedelta(minutes=10)


def slot_times() -> list[time]:
    return sorted(time.fromisoformat(value) for value in settings.COMPLEX_CASE_SLOTS)


def slot_moment(day: date, slot: time) -> datetime:
    return datetime.combine(day, slot, tzinfo=LONDON)


def slots_due(*, now: datetime, since: date | None) -> list[tuple[date, time, bool]]:
    """(date, slot, late) for every slot that has started, from ``since`` (or today)
    up to ``now``; ``late`` marks a slot caught up after the scheduler was down."""
    today = london_date(now)
    earliest = max(since or today, today - timedelta(days=settings.COMPLEX_CASE_CATCH_UP_DAYS))
    due = []
    day = earliest
    while day <= today:
        if is_working_day(day):
            for slot in slot_times():
                moment = slot_moment(day, slot)
                if moment <= now:
                    due.append((day, slot, now - moment > LATE_AFTER))
        day += timedelta(days=1)
    return due
