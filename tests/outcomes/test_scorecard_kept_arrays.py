"""A merge of kept months' decision times and children is remembered by the process
(docs/adr/0051), and only ever for the very rows it read: an id given to another row
(a database restored from a backup rewinds its sequences) is read again."""

from datetime import date

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from outcomes.models import ScorecardMonth
from outcomes.scorecard import services_months
from outcomes.scorecard.periods import Period
from outcomes.scorecard.selectors import scorecard_count, scorecard_count_afresh
from screening.models import Route
from tests.factories import AgencyFactory
from tests.outcomes.scorecard_world import at, empty_world

pytestmark = pytest.mark.django_db
OCTOBER = date(2026, 10, 1)
MERGED = ("decision_hours_median", "decision_hours_p90", "repeat_not_progressed")


def _merged(card):
    return {key: (card.figures[key].count, card.figures[key].base) for key in MERGED} | {
        key: card.figures[key].hours for key in MERGED[:2]
    }


def test_a_kept_row_id_given_again_to_another_count_is_read_again(screener, manager):
    world = empty_world(screener, manager)
    world.contact("a", child="Ann", received=at(2026, 10, 5))
    world.decide("a", Route.EARLY_HELP, at(2026, 10, 5, 14))
    period = Period.parse("2026-10")
    services_months.months_keep(months=[OCTOBER])
    first_ids = sorted(ScorecardMonth.objects.values_list("pk", flat=True))
    before = scorecard_count(period=period, as_at=timezone.now())  # remembered
    assert before.figures["decision_hours_median"].count == 1

    # As a restore of a backup taken before that count: the rows gone, the sequence
    # rewound; then October counted again, with a second decision, under the same ids.
    ScorecardMonth.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)",
            [ScorecardMonth._meta.db_table, first_ids[0]],
        )
    world.contact("b", child="Bea", received=at(2026, 10, 6))
    world.decide("b", Route.EARLY_HELP, at(2026, 10, 7, 16))
    services_months.months_keep(months=[OCTOBER])
    assert sorted(ScorecardMonth.objects.values_list("pk", flat=True)) == first_ids

    as_at = timezone.now()
    card = scorecard_count(period=period, as_at=as_at)
    assert _merged(card) == _merged(scorecard_count_afresh(period=period, as_at=as_at))
    assert card.figures["repeat_not_progressed"].base == 2


def test_the_median_and_90th_percentile_of_kept_months_are_a_fresh_counts_for_any_number(
    screener, manager
):
    """Picked by rank in PostgreSQL: one value, two (the mean of both), odd and even
    numbers, as a fresh count works them out in Python."""
    world = empty_world(screener, manager)
    period = Period.parse("2026-Q4")  # October and November kept, with the open month
    for n, (day, hour) in enumerate([(5, 14), (6, 11), (12, 17), (13, 10), (19, 16)]):
        received = at(2026, 10 + n % 2, day)
        world.contact(n, child=f"Child{n}", received=received)
        world.decide(n, Route.EARLY_HELP, at(2026, 10 + n % 2, day + n % 3, hour))
        services_months.months_keep(months=[OCTOBER, date(2026, 11, 1)])
        as_at = timezone.now()
        card = scorecard_count(period=period, as_at=as_at)
        assert card.figures["decision_hours_median"].count == n + 1
        assert _merged(card) == _merged(scorecard_count_afresh(period=period, as_at=as_at)), n


@pytest.mark.parametrize(
    "written",
    [
        lambda pk: "\u00b2",  # a superscript two: a digit to str.isdigit, not to int()
        lambda pk: str(pk).translate(
            str.maketrans(
                "0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669"
            )
        ),
        lambda pk: f"00{pk}",
        lambda pk: "9" * 30,
        lambda pk: "9" * 10000,  # past Python's limit for turning digits into an int
    ],
)
def test_an_agency_in_a_figure_link_that_is_no_agencys_key_is_not_found(client, manager, written):
    """Only an agency's id as the scorecard writes it (or "none") names an agency: the
    same number written otherwise would list none of its contacts under its name, and
    a superscript digit or a number past any id is no agency, not an error."""
    agency = AgencyFactory()
    client.force_login(manager)
    response = client.get(
        reverse("outcomes:scorecard-figure"),
        {"period": "2026-10", "figure": "contacts", "agency": written(agency.pk)},
    )
    assert response.status_code == 404
