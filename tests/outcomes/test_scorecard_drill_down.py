"""A figure's drill-down (the contacts or children behind it) loads only what that
figure reads, and only its agency's contacts where the figure looks at no other
agency's: its list still numbers exactly what the scorecard shows, from kept months
or counted live, before and after a late change marks a month stale."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.london import LONDON, london_date
from outcomes.encompass import notices as encompass
from outcomes.models import Notice, ScorecardMonthMark
from outcomes.models_encompass import EncompassNotice
from outcomes.scorecard import services_months
from outcomes.scorecard.kept import months_holding
from outcomes.scorecard.measures import SECTION_OF, needs_of, section_of
from outcomes.scorecard.periods import Period
from outcomes.scorecard.selectors import (
    figure_get,
    months_of_card,
    scorecard_count,
    scorecard_count_afresh,
)
from screening.models import Route
from tests.factories import child_input
from tests.outcomes.scorecard_world import E, at, build_world_with_staff
from tests.support.encompass import calendar_2026_27, police_notification, school
from tests.support.worlds import built_once

pytestmark = pytest.mark.django_db
AUGUST, SEPTEMBER, OCTOBER = date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)
Q3 = Period.parse("2026-Q3")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, build_world_with_staff)


def _splits(card):
    """(agency key, figures) for everyone and for each agency the card splits by."""
    return [("", card.figures)] + [(group.key, figures) for group, figures in card.by_agency]


def _assert_drill_down_numbers(world, card, period, as_at):
    """Every figure of the card, breakdown rows included, for everyone and each
    agency: the drill-down counts what the card shows."""
    checked = 0
    for agency, figures in _splits(card):
        for key, shown in figures.items():
            figure = figure_get(
                user=world.manager, period=period, as_at=as_at, key=key, agency=agency
            )
            assert (figure.count, figure.base) == (shown.count, shown.base), (agency, key)
            checked += 1
    assert checked > 50  # not a trivial match: every section, every agency


def test_every_figure_has_a_section_that_loads_what_it_reads():
    assert section_of("source:2A") == "received"
    assert section_of("route_share:early_help") == "decided"
    assert section_of("nonsense") is None
    # Only its agency's contacts, and for re-referrals a child's other contacts.
    assert needs_of("contacts", "3").agency == "3"
    assert not needs_of("contacts", "3").children
    assert needs_of("re_referrals", "3").lookback
    assert needs_of("repeat_not_progressed", "3").came_back
    assert set(SECTION_OF.values()) >= {"received", "timeliness", "checks", "encompass"}


# October reads September's contacts decided in it (route share); the year, a child's
# contacts from the year before.
@pytest.mark.parametrize("key", ["2026-Q3", "2026-10", "2026-Q4", "2026"])
def test_every_figure_and_breakdown_row_lists_what_a_fresh_count_shows(world, key):
    period = Period.parse(key)
    as_at = timezone.now()
    fresh = scorecard_count_afresh(period=period, as_at=as_at)
    assert fresh.by_agency
    _assert_drill_down_numbers(world, fresh, period, as_at)


def test_the_drill_down_numbers_the_kept_figure_after_a_late_change_marks_its_month(world):
    services_months.months_keep_due()
    # Ava's referral (August) gets an assessment recorded months late, and Dee comes
    # back on a contact received in October but recorded only now.
    world.outcome("c1", E.ASSESSMENT_STARTED, date(2026, 8, 20))
    world.contact("late", child="Dee", received=at(2026, 10, 20))
    # Ben referred again in September, by the police this time: a re-referral that
    # looks back at the school's referral in July, in the same quarter.
    world.contact("again", child="Ben", received=at(2026, 9, 25), agency=world.police)
    world.decide("again", Route.SOCIAL_CARE_ASSESSMENT, at(2026, 9, 25, 12), at(2026, 9, 25, 13))
    marked = set(ScorecardMonthMark.objects.values_list("month", flat=True))
    assert {AUGUST, SEPTEMBER, OCTOBER} <= marked
    as_at = timezone.now()
    holding = months_holding(months_of_card(Q3), as_at)
    assert holding  # the kept path is taken
    assert not holding & {AUGUST, SEPTEMBER}  # the stale months counted live

    card = scorecard_count(period=Q3, as_at=as_at)
    police = next(f for g, f in card.by_agency if g.key == str(world.police.pk))
    assert police["re_referrals"].count == 2  # Ava's, and Ben's after the school's
    _assert_drill_down_numbers(world, card, Q3, as_at)

    # Kept again: the drill-down as at the same moment still numbers the same.
    services_months.months_keep_due()
    assert {AUGUST, SEPTEMBER} <= months_holding(months_of_card(Q3), timezone.now())
    later = timezone.now()
    _assert_drill_down_numbers(world, scorecard_count(period=Q3, as_at=later), Q3, later)


def test_the_page_lists_one_agencys_contacts_as_its_figure_counts(world, client):
    services_months.months_keep_due()
    world.decide("c7", Route.EARLY_HELP, at(2026, 11, 2))  # decided late: July marked
    as_at = timezone.now()
    card = scorecard_count(period=Q3, as_at=as_at)
    client.force_login(world.manager)
    url = reverse("outcomes:scorecard-figure")
    for agency, figures in _splits(card):
        for key in ("contacts", "route_share:early_help", "re_referrals", "timeliness"):
            if key not in figures:
                continue
            for part in ("numerator", "denominator"):
                response = client.get(
                    url,
                    {
                        "period": Q3.key,
                        "as_at": as_at.isoformat(),
                        "figure": key,
                        "part": part,
                        "agency": agency,
                    },
                )
                assert response.status_code == 200
                shown = figures[key]
                expected = shown.count if part == "numerator" else shown.base
                if expected is None:  # a figure without a base lists its numerator
                    expected = shown.count
                assert response.context["count"] == expected, (agency, key, part)


def test_a_notice_due_in_a_month_counted_live_goes_with_its_contacts_agency(world):
    """A school's notice due in November on a police contact received in October
    (half term): November counted live still splits it to the police, as a fresh
    count does, though the contact is not November's."""
    calendar_2026_27()
    millbrook = school()
    friday_night = datetime(2026, 10, 30, 22, 0, tzinfo=LONDON)
    notification = police_notification(
        incident_at=friday_night, children=[child_input(first_name="Uma")]
    )
    notice = EncompassNotice.objects.get(notification=notification)
    encompass.school_confirm(actor=world.screener, encompass=notice, school=millbrook)
    notice.refresh_from_db()
    assert london_date(notice.due_at) == date(2026, 11, 2)
    Notice.objects.filter(pk=notice.notice_id).update(
        status=Notice.Status.SENT, sent_at=friday_night + timedelta(hours=1)
    )
    services_months.months_keep(months=[OCTOBER])  # November and after counted live
    q4 = Period.parse("2026-Q4")
    as_at = timezone.now()
    assert OCTOBER in months_holding(months_of_card(q4), as_at)

    card = scorecard_count(period=q4, as_at=as_at)
    fresh = scorecard_count_afresh(period=q4, as_at=as_at)
    assert [(g.key, f["encompass_on_time"].base) for g, f in card.by_agency] == [
        (g.key, f["encompass_on_time"].base) for g, f in fresh.by_agency
    ]
    police = str(notification.contact.source_agency_id)
    assert dict((g.key, f) for g, f in card.by_agency)[police]["encompass_on_time"].base == 1
    _assert_drill_down_numbers(world, card, q4, as_at)
