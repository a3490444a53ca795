"""Weeks as the audits and the joint review count them: Monday to Sunday, London dates
(a decision made at 00:30 BST on a Monday belongs to that Monday's week)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from frontdoor.london import start_of


def week_of(day: date) -> date:
    """The Monday of the week holding ``day``."""
    return day - timedelta(days=day.weekday())


def week_bounds(week_start: date) -> tuple[datetime, datetime]:
    """From London midnight at the start of the Monday up to (not including) the next."""
    return start_of(week_start), start_of(week_start + timedelta(days=7))


def last_complete_week(today: date | None = None) -> date:
    """The Monday of the week before this one: the latest week that has ended."""
    return week_of(today or timezone.localdate()) - timedelta(days=7)


def has_ended(week_start: date, now: datetime | None = None) -> bool:
    return week_bounds(week_start)[1] <= (now or timezone.now())


def weeks_before(week_start: date, count: int) -> list[date]:
    """``count`` weeks up to and including ``week_start``, oldest first."""
    return [week_start - timedelta(days=7 * back) for back in range(count - 1, -1, -1)]


def week_label(week_start: date) -> str:
    end = week_start + timedelta(days=6)
    if week_start.year != end.year:
        return f"{week_start:%-d %b %Y} to {end:%-d %b %Y}"
    if week_start.month != end.month:
        return f"{week_start:%-d %b} to {end:%-d %b %Y}"
    return f"{week_start:%-d} to {end:%-d %b %Y}"
