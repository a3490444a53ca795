"""Kept scorecards: counted once (overnight, or when asked), shown without counting again."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.celery import app as celery_app
from outcomes.models import ScorecardSnapshot
from outcomes.scorecard import services
from outcomes.scorecard.periods import Granularity, Period
from outcomes.scorecard.selectors import scorecard_count, scorecard_get
from tests.outcomes.scorecard_world import build_world_with_staff
from tests.support import broker
from tests.support.embedded_redis import needs_embedded_redis, restart_embedded_redis
from tests.support.worlds import built_once

pytestmark = pytest.mark.django_db
Q3 = Period.parse("2026-Q3")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The scorecard's records, built once: the tests read them and keep counts of
    them, which are undone after each test (tests/support/worlds.py)."""

    yield from built_once(django_db_blocker, build_world_with_staff)


@pytest.fixture
def screener(world):
    return world.screener


@pytest.fixture
def manager(world):
    return world.manager


def _numbers(figures):
    return {key: (f.count, f.base, f.percent, f.hours) for key, f in figures.items()}


def test_a_kept_scorecard_shows_exactly_the_figures_counted_afresh(screener, manager):
    as_at = timezone.now()
    live = scorecard_count(period=Q3, as_at=as_at)

    services.snapshot_take(period=Q3, as_at=as_at)
    kept = scorecard_get(user=manager, period=Q3)

    assert kept.kept is not None
    assert kept.as_at == as_at
    assert _numbers(kept.figures) == _numbers(live.figures)
    assert [(p.key, _numbers(f)) for p, f in kept.trend] == [
        (p.key, _numbers(f)) for p, f in live.trend
    ]
    assert [(p.key, _numbers(f)) for p, f in kept.monthly] == [
        (p.key, _numbers(f)) for p, f in live.monthly
    ]
    assert [(g, _numbers(f)) for g, f in kept.by_agency] == [
        (g, _numbers(f)) for g, f in live.by_agency
    ]


def test_the_page_shows_the_latest_kept_count_and_links_carry_its_moment(client, screener, manager):
    snapshot = services.snapshot_take(period=Q3)
    client.force_login(manager)

    response = client.get(reverse("outcomes:scorecard"), {"period": "2026-Q3"})

    assert response.status_code == 200
    assert "kept count" in response.text
    assert snapshot.as_at.isoformat()[:19] in response.text.replace("%3A", ":")


def test_without_a_kept_count_the_page_counts_now(client, screener, manager):
    client.force_login(manager)
    response = client.get(reverse("outcomes:scorecard"), {"period": "2026-Q3"})
    assert response.status_code == 200
    assert "kept count" not in response.text


def test_the_overnight_count_keeps_this_and_the_last_month_quarter_financial_year_and_year(
    manager,
):
    now = timezone.now()
    kept = services.snapshots_take_due(now=now)
    today = timezone.localdate(now)
    expected = {p.key for p in services.periods_to_keep(today)}
    assert {s.period for s in kept} == expected
    assert len(expected) == 8
    assert sum(key.startswith("FY") for key in expected) == 2  # the links the page offers
    assert all(s.as_at == now for s in kept)


def test_a_recount_is_asked_of_a_worker_and_the_page_says_so(client, manager):
    celery_app.control.purge()
    client.force_login(manager)
    response = client.post(f"{reverse('outcomes:scorecard')}?period=2026-Q3", follow=True)
    # What the real broker holds for a worker.
    asked = [key for (key,) in broker.queued(services.SNAPSHOT_TAKE)]
    assert asked == ["2026-Q3"]
    assert "being counted again" in response.text


@needs_embedded_redis
def test_a_broker_failure_on_recount_is_reported_not_raised(client, manager):
    client.force_login(manager)
    answers = []
    restart_embedded_redis(
        down_while=lambda: answers.append(
            client.post(f"{reverse('outcomes:scorecard')}?period=2026-Q3", follow=True)
        )
    )
    response = answers[0]
    assert "could not be counted again" in response.text
    assert not ScorecardSnapshot.objects.exists()


def test_the_recount_task_keeps_a_new_count(manager):
    from outcomes.tasks import scorecard_snapshot_take

    snapshot_id = scorecard_snapshot_take("2026-Q3")
    assert ScorecardSnapshot.objects.get(pk=snapshot_id).period == "2026-Q3"


def test_a_kept_count_carries_assessments_within_45_working_days(screener, manager):
    as_at = timezone.now()
    snapshot = services.snapshot_take(period=Q3, as_at=as_at)
    kept = scorecard_get(user=manager, period=Q3)
    assert kept.kept == snapshot
    assert (
        kept.figures["assessment_within_45_days"].count,
        kept.figures["assessment_within_45_days"].base,
    ) == (2, 2)


def test_a_count_kept_before_a_measure_existed_is_counted_afresh(screener, manager):
    old = services.snapshot_take(period=Q3)
    for _, figures in old.figures["trend"]:
        figures.pop("assessment_within_45_days")
    old.save()

    card = scorecard_get(user=manager, period=Q3)

    assert card.kept is None
    assert card.figures["assessment_within_45_days"].base == 2


def test_a_count_kept_under_an_earlier_definition_is_counted_afresh(screener, manager):
    """Counts kept before repeat contacts were counted forward (no definitions mark)
    hold the old figure under the same name: they are not shown."""
    old = services.snapshot_take(period=Q3)
    old.figures.pop("definitions")
    old.save()

    card = scorecard_get(user=manager, period=Q3)

    assert card.kept is None
    # Counted forward: Cai came back after c4 (tests/outcomes/test_scorecard_measures.py).
    assert card.figures["repeat_not_progressed"].count == 1


def test_the_overnight_count_renews_kept_periods_still_maturing(manager):
    """A period kept by a recount whose repeat figure can still rise is counted again
    each night, not left as it stood; one whose 12 months have passed is not."""
    now = timezone.now()
    earlier = timezone.localdate(now)
    this_quarter = Period.containing(earlier, Granularity.QUARTER)
    maturing = this_quarter.shifted(-2)  # ended under six months ago
    matured = this_quarter.shifted(-6)  # ended over 15 months ago
    for period in (maturing, matured):
        services.snapshot_take(period=period, as_at=now - timedelta(days=1))

    kept = services.snapshots_take_due(now=now)

    renewed = {s.period for s in kept}
    assert maturing.key in renewed
    assert matured.key not in renewed
    assert renewed - {maturing.key} == {p.key for p in services.periods_to_keep(earlier)}
    latest = scorecard_get(user=manager, period=maturing)
    assert latest.kept is not None
    assert latest.as_at == now
