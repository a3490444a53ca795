"""Kept months (docs/adr/0049) kept by several workers at once: the beat entry, the
nightly run and a recount can overlap. Each month ends with one count (one row for
everyone and each agency), nothing fails, and it is what a fresh count says; a second
run with nothing changed keeps nothing."""

import threading
from datetime import date

import pytest
from django.db import connection, transaction
from django.utils import timezone

from frontdoor.roles import Role
from outcomes.models import ScorecardMonth
from outcomes.scorecard import services_months
from outcomes.scorecard.periods import Period
from outcomes.scorecard.selectors import scorecard_count, scorecard_count_afresh
from referrals.models import Contact
from referrals.services import contact_submit
from screening.models import Route
from tests.factories import AgencyFactory, UserFactory, child_input, contact_input
from tests.outcomes.scorecard_world import at, empty_world
from tests.outcomes.test_scorecard_kept_months import _card
from tests.support.waiting import wait_until

OCTOBER, NOVEMBER = date(2026, 10, 1), date(2026, 11, 1)


@pytest.mark.django_db(transaction=True)
def test_workers_keeping_the_same_months_at_once_leave_one_count_each():
    screener = UserFactory(roles=[Role.SCREENER])
    for n, (received, agency) in enumerate(
        [(at(2026, 10, 5), AgencyFactory()), (at(2026, 11, 9), None), (at(2026, 11, 20), None)]
    ):
        contact_submit(
            actor=screener,
            channel=Contact.Channel.EMAIL,
            data=contact_input(
                subjects=[child_input(first_name=f"Child{n}")],
                received_at=received,
                source_agency=agency,
            ),
        )
    barrier, failures = threading.Barrier(4), []

    def keep():
        try:
            barrier.wait()
            services_months.months_keep(months=[OCTOBER, NOVEMBER])
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    for _ in range(2):  # the first count, then counted again over it
        workers = [threading.Thread(target=keep) for _ in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()

    assert failures == []
    rows = list(ScorecardMonth.objects.values_list("month", "agency"))
    assert len(rows) == len(set(rows))
    assert {month for month, _ in rows} == {OCTOBER, NOVEMBER}
    as_at = timezone.now()
    for key in ("2026-10", "2026-11", "2026-Q4"):
        period = Period.parse(key)
        assert _card(scorecard_count(period=period, as_at=as_at)) == _card(
            scorecard_count_afresh(period=period, as_at=as_at)
        )
    # Nothing changed since: the beat entry finds nothing to keep.
    assert services_months.months_keep_due(months=[OCTOBER, NOVEMBER]) == 0


@pytest.mark.django_db(transaction=True)
def test_a_month_kept_again_while_a_scorecard_is_counted_gives_a_fresh_counts_figures():
    """A scorecard finds October kept, then counts the months not kept live; October is
    kept again meanwhile (the beat entry, after a late change), so the rows it found
    are gone when it reads their decision times and children: it counts from what
    holds then, not from nothing (no error, no median of fewer values)."""
    world = empty_world(UserFactory(roles=[Role.SCREENER]), UserFactory(roles=[Role.MANAGER]))
    for name, day, hour in (("Ann", 5, 14), ("Bea", 6, 16), ("Cal", 7, 11)):
        world.contact(name, child=name, received=at(2026, 10, day))
        world.decide(name, Route.EARLY_HELP, at(2026, 10, day, hour))
    services_months.months_keep(months=[OCTOBER])
    period, as_at = Period.parse("2026-10"), timezone.now()
    counted, failures = [], []

    def count():
        try:
            counted.append(scorecard_count(period=period, as_at=as_at))
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    def waiting_for_the_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # taken once a transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            return cursor.fetchone()[0] > 0

    with transaction.atomic():
        # The live count reads withdrawals; finding the kept months does not.
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE referrals_contactwithdrawal IN ACCESS EXCLUSIVE MODE")
        counting = threading.Thread(target=count)
        counting.start()
        wait_until(
            lambda: waiting_for_the_lock() or failures or counted,
            30,
            "the scorecard never reached its live count",
        )
        assert (failures, counted) == ([], [])
        services_months.months_keep(months=[OCTOBER])  # committed with the lock's release
    counting.join()

    assert failures == []
    assert _card(counted[0]) == _card(scorecard_count_afresh(period=period, as_at=as_at))
