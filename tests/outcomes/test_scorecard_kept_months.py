"""Kept months (docs/adr/0049): a closed month's scorecard facts counted once, a late
change marking only the months it touches, and any period the sum of kept months
and the open month counted live, exactly as a fresh count."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from frontdoor.london import london_date
from outcomes.models import ScorecardMonth, ScorecardMonthMark
from outcomes.scorecard import services_months
from outcomes.scorecard.definitions import DEFINITIONS_VERSION, MEASURES_BY_KEY
from outcomes.scorecard.kept import kept_parts, months_holding
from outcomes.scorecard.periods import Granularity, Period
from outcomes.scorecard.selectors import (
    figure_get,
    months_of_card,
    scorecard_count,
    scorecard_count_afresh,
    scorecard_get,
)
from screening.models import Route
from tests.outcomes.scorecard_world import NFA, E, at, build_world_with_staff
from tests.support.worlds import built_once

pytestmark = pytest.mark.django_db
JULY, AUGUST, SEPTEMBER = date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The scorecard world (2025-07 to 2026-10), built once; each test's own writes,
    kept months and marks included, are undone after it (tests/support/worlds.py)."""
    yield from built_once(django_db_blocker, build_world_with_staff)


def _numbers(figures):
    return {key: (f.count, f.base, f.percent, f.hours) for key, f in figures.items()}


def _card(card):
    return {
        "figures": _numbers(card.figures),
        "trend": [(p.key, _numbers(f)) for p, f in card.trend],
        "monthly": [(p.key, _numbers(f)) for p, f in card.monthly],
        "by_agency": [(g.key, g.name, _numbers(f)) for g, f in card.by_agency],
    }


def _periods():
    today = london_date(timezone.now())
    return [
        Period.parse("2026-Q3"),
        Period.parse("2026-08"),
        Period.parse("FY2026-27"),
        Period.parse("2026"),
        # Holding the open month, counted live beside the kept ones.
        Period.containing(today, Granularity.QUARTER),
        Period.containing(today, Granularity.YEAR),
    ]


def _kept_rows():
    return {
        (row.month, row.agency): (row.pk, row.counted_at) for row in ScorecardMonth.objects.all()
    }


def _assert_as_fresh(period, as_at):
    assert _card(scorecard_count(period=period, as_at=as_at)) == _card(
        scorecard_count_afresh(period=period, as_at=as_at)
    )


def test_a_period_of_kept_months_and_the_open_month_equals_a_fresh_count(world):
    # Something in the open month: Ava back again, and a contact still undecided.
    world.contact("open", child="Ava", received=timezone.now() - timedelta(minutes=5))
    assert services_months.months_keep_due() > 0
    as_at = timezone.now()

    for period in _periods():
        assert kept_parts(months_of_card(period), as_at), period  # the kept path is taken
        kept = scorecard_count(period=period, as_at=as_at)
        fresh = scorecard_count_afresh(period=period, as_at=as_at)
        assert set(MEASURES_BY_KEY) <= set(kept.figures)
        assert _card(kept) == _card(fresh), period
    # Not a trivial match: the quarter's figures and its split by agency count things.
    q3 = scorecard_count(period=Period.parse("2026-Q3"), as_at=as_at)
    assert q3.figures["contacts"].count == 10
    assert q3.figures["decision_hours_median"].hours is not None
    assert q3.figures["repeat_not_progressed"].base
    assert len(q3.by_agency) == 3


def test_a_late_outcome_changes_only_its_months_kept_facts(world):
    services_months.months_keep_due()
    before = _kept_rows()
    q3 = Period.parse("2026-Q3")
    conversion = scorecard_count(period=q3, as_at=timezone.now()).figures["assessment_conversion"]

    # Ava's referral (received in August) gets an assessment, recorded months late.
    world.outcome("c1", E.ASSESSMENT_STARTED, date(2026, 8, 20))

    # Its contact's month and the months of its outcomes (August, September) only.
    assert set(ScorecardMonthMark.objects.values_list("month", flat=True)) == {AUGUST, SEPTEMBER}
    as_at = timezone.now()
    holding = months_holding(months_of_card(q3), as_at)
    assert JULY in holding
    assert AUGUST not in holding
    assert SEPTEMBER not in holding
    _assert_as_fresh(q3, as_at)  # the marked months are counted live meanwhile

    services_months.months_keep_due()
    after = _kept_rows()
    changed = {key for key in after if after[key] != before.get(key)}
    assert {month for month, _ in changed} == {AUGUST, SEPTEMBER}
    assert {key for key in before if key[0] not in (AUGUST, SEPTEMBER)} <= set(after)
    as_at = timezone.now()
    assert months_holding([AUGUST, SEPTEMBER], as_at) == {AUGUST, SEPTEMBER}
    card = scorecard_get(user=world.manager, period=q3, as_at=as_at)
    assert card.figures["assessment_conversion"].count == conversion.count + 1
    _assert_as_fresh(q3, as_at)


def test_a_superseded_decision_marks_its_month_stale(world):
    services_months.months_keep_due()
    before = _kept_rows()

    # Cai's second contact (July, advice) is corrected to an assessment.
    world.decide("c5", Route.SOCIAL_CARE_ASSESSMENT, at(2026, 7, 25, 9), at(2026, 7, 25, 10))

    assert set(ScorecardMonthMark.objects.values_list("month", flat=True)) == {JULY}
    as_at = timezone.now()
    assert JULY not in months_holding([JULY], as_at)
    for period in _periods()[:4]:
        _assert_as_fresh(period, as_at)

    services_months.months_keep_due()
    after = _kept_rows()
    assert {key[0] for key in after if after[key] != before.get(key)} == {JULY}
    _assert_as_fresh(Period.parse("2026"), timezone.now())


def test_a_moment_before_a_month_was_kept_is_counted_live_and_never_changes(world):
    earlier = timezone.now()
    first = scorecard_count(period=Period.parse("2026"), as_at=earlier)
    services_months.months_keep_due()

    assert kept_parts(months_of_card(Period.parse("2026")), earlier) == {}
    again = scorecard_count(period=Period.parse("2026"), as_at=earlier)
    assert _card(again) == _card(first)

    # After a stale mark the marked month is counted live; before it, the kept count
    # holds, and both are what a fresh count says.
    kept_at = timezone.now()
    world.outcome("c3", E.ASSESSMENT_COMPLETED, date(2026, 9, 1), NFA)
    later = timezone.now()
    for moment in (kept_at, later):
        _assert_as_fresh(Period.parse("2026-Q3"), moment)
    assert SEPTEMBER in months_holding([SEPTEMBER], kept_at)
    assert SEPTEMBER not in months_holding([SEPTEMBER], later)


def test_a_month_kept_under_an_earlier_definition_is_counted_again(world):
    services_months.months_keep_due()
    ScorecardMonth.objects.update(definitions=DEFINITIONS_VERSION - 1)
    as_at = timezone.now()
    assert kept_parts(months_of_card(Period.parse("2026-Q3")), as_at) == {}

    services_months.months_keep_due()

    assert set(ScorecardMonth.objects.values_list("definitions", flat=True)) == {
        DEFINITIONS_VERSION
    }


def test_the_recount_keeps_the_cards_months_and_the_page_reads_them(world, client):
    from outcomes.tasks import scorecard_months_keep, scorecard_snapshot_take

    assert (
        settings.CELERY_BEAT_SCHEDULE["scorecard-months-keep"]["task"]
        == "outcomes.tasks.scorecard_months_keep"
    )
    scorecard_snapshot_take("2026-Q3")  # a recount: what a worker runs, by period key
    months = set(ScorecardMonth.objects.values_list("month", flat=True))
    closed = {m for m in months_of_card(Period.parse("2026-Q3"))}
    assert closed <= months
    assert scorecard_months_keep() >= 0  # the beat entry: the rest of the 48 months

    client.force_login(world.manager)
    response = client.get(reverse("outcomes:scorecard"), {"period": "2026"})
    assert response.status_code == 200


def test_a_month_kept_alone_counts_what_the_month_before_sent_into_it(world):
    """Dee's September contact is decided on 1 October: October kept on its own (not
    with September) still counts that decision in its route share."""
    services_months.months_keep(months=[date(2026, 10, 1)])
    as_at = timezone.now()
    assert kept_parts([date(2026, 10, 1)], as_at)
    _assert_as_fresh(Period.parse("2026-10"), as_at)
    _assert_as_fresh(Period.parse("2026-Q4"), as_at)


def test_the_drill_down_lists_what_the_split_by_agency_counts(world):
    """A figure's records (for everyone and for each agency) load only what the
    period's figures read of the year before, and number what a fresh count shows."""
    q3 = Period.parse("2026-Q3")
    as_at = timezone.now()
    fresh = scorecard_count_afresh(period=q3, as_at=as_at)
    splits = [("", fresh.figures)] + [(g.key, f) for g, f in fresh.by_agency]
    for agency, figures in splits:
        for key in MEASURES_BY_KEY:
            figure = figure_get(user=world.manager, period=q3, as_at=as_at, key=key, agency=agency)
            assert (figure.count, figure.base) == (figures[key].count, figures[key].base), key


def test_a_contact_entered_late_marks_its_month_and_the_childs_previous_one(world):
    services_months.months_keep_due()
    q3 = Period.parse("2026-Q3")
    before = scorecard_count(period=q3, as_at=timezone.now()).figures["repeat_not_progressed"]

    # Dee comes back, on a contact received in October but recorded only now: her
    # September contact (advice) is now one she came back from.
    world.contact("late", child="Dee", received=at(2026, 10, 20))

    october = date(2026, 10, 1)
    assert set(ScorecardMonthMark.objects.values_list("month", flat=True)) == {SEPTEMBER, october}
    as_at = timezone.now()
    for period in _periods()[:4]:
        _assert_as_fresh(period, as_at)
    services_months.months_keep_due()
    after = scorecard_count(period=q3, as_at=timezone.now()).figures["repeat_not_progressed"]
    assert after.count == before.count + 1
    _assert_as_fresh(q3, timezone.now())


def test_a_contact_withdrawn_late_marks_its_month(world):
    from referrals.models import Contact, WithdrawalReason
    from screening.services_withdraw import contact_withdraw

    services_months.months_keep_due()
    q3 = Period.parse("2026-Q3")
    overdue = scorecard_count(period=q3, as_at=timezone.now()).figures["overdue"].count

    # Eve's contact (July, never decided) turns out to have been sent in error.
    contact_withdraw(
        actor=world.screener,
        contact=Contact.objects.get(pk=world.contacts["c7"].pk),
        reason=WithdrawalReason.SENT_IN_ERROR,
        note="Sent to us in error by the contact centre.",
    )

    assert set(ScorecardMonthMark.objects.values_list("month", flat=True)) == {JULY}
    _assert_as_fresh(q3, timezone.now())
    services_months.months_keep_due()
    card = scorecard_count(period=q3, as_at=timezone.now())
    assert card.figures["overdue"].count == overdue - 1
    _assert_as_fresh(q3, timezone.now())
