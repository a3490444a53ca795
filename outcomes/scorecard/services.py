"""Writes for the scorecard: keeping counts so pages need not count again."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from frontdoor.dispatch import send
from frontdoor.london import london_date
from outcomes.models import ScorecardSnapshot
from outcomes.scorecard.definitions import DEFINITIONS_VERSION, HEADLINE_MEASURES, maturing_until
from outcomes.scorecard.measures import Figures
from outcomes.scorecard.periods import Period, recent_choices
from outcomes.scorecard.selectors import months_of_card, scorecard_count
from outcomes.scorecard.services_months import months_keep_due

SNAPSHOT_TAKE = "outcomes.tasks.scorecard_snapshot_take"

# Kept counts older than this are removed; a link carrying such a moment is
# counted afresh, with the same result (figures as at a moment never change).
KEEP_SNAPSHOTS_FOR = timedelta(days=35)


def _numbers(figures: Figures) -> dict[str, list]:
    return {key: [f.count, f.base, f.hours] for key, f in figures.items()}


def snapshot_take(*, period: Period, as_at: datetime | None = None) -> ScorecardSnapshot:
    """Count ``period``'s scorecard as at ``as_at`` (now) and keep its figures."""
    started = time.perf_counter()
    if as_at is None:
        # On demand: closed months not kept yet (or changed since) are kept first, so
        # the count is their sums and the open month's (docs/adr/0049).
        as_at = timezone.now()
        months_keep_due(now=as_at, months=months_of_card(period))
    card = scorecard_count(period=period, as_at=as_at)
    figures = {
        "definitions": DEFINITIONS_VERSION,
        "trend": [[each.key, _numbers(figures)] for each, figures in card.trend],
        "monthly": [[month.key, _numbers(figures)] for month, figures in card.monthly],
        "by_agency": [[g.key, g.name, _numbers(figures)] for g, figures in card.by_agency],
    }
    try:
        with transaction.atomic():
            return ScorecardSnapshot.objects.create(
                period=period.key,
                as_at=as_at,
                figures=figures,
                seconds=time.perf_counter() - started,
            )
    except IntegrityError:
        # Counted twice at the same moment (a retried task): the figures are the same.
        return ScorecardSnapshot.objects.get(period=period.key, as_at=as_at)


def periods_to_keep(today) -> list[Period]:
    """The periods a steering group looks at, as the scorecard offers them: this and
    the last month, quarter, financial year and year."""
    return [choice.period for choice in recent_choices(today)]


def maturing_kept_periods(now: datetime) -> list[Period]:
    """Other periods with a kept count (someone asked for a recount) whose figures can
    still rise at ``now``: a figure counted forward (repeat contacts not progressed) is
    not final until 12 months after its period ends, so their counts are renewed each
    night rather than left as they stood when kept."""
    forward = [measure.key for measure in HEADLINE_MEASURES if measure.counted_forward]
    keys = set(ScorecardSnapshot.objects.order_by().values_list("period", flat=True).distinct())
    return [
        period
        for period in sorted(Period.parse(key) for key in keys)
        if any(maturing_until(key, period, now) for key in forward)
    ]


def snapshots_take_due(*, now: datetime | None = None) -> list[ScorecardSnapshot]:
    """The overnight count: every period in ``periods_to_keep``, and every other kept
    period still maturing, as at one moment."""
    now = now or timezone.now()
    months_keep_due(now=now)
    ScorecardSnapshot.objects.filter(computed_at__lt=now - KEEP_SNAPSHOTS_FOR).delete()
    today = london_date(now)
    due = periods_to_keep(today)
    due += [period for period in maturing_kept_periods(now) if period not in due]
    return [snapshot_take(period=period, as_at=now) for period in due]


class RecountUnavailable(Exception):
    pass


def recount_request(*, period: Period) -> None:
    """Ask a worker to count ``period`` again now (the task takes the period key only).
    Nothing is recorded for a recount, so nothing could sweep it up: a broker that
    cannot be reached is reported to the person instead (the overnight count still runs)."""
    if not send(SNAPSHOT_TAKE, period.key):
        raise RecountUnavailable(
            "The figures could not be counted again just now. Try again in a minute."
        )
