"""Kept months (docs/adr/0049) kept by several workers at once: the beat entry, the
nightly run and a recount can overlap. Each month ends with one count (one row for
everyone and each agency), nothing fails, and it is what a fresh count says; a second
run with nothing changed keeps nothing."""

import threading
from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from frontdoor.roles import Role
from outcomes.models import ScorecardMonth
from outcomes.scorecard import services_months
from outcomes.scorecard.periods import Period
from outcomes.scorecard.selectors import scorecard_count, scorecard_count_afresh
from referrals.models import Contact
from referrals.services import contact_submit
from tests.factories import AgencyFactory, UserFactory, child_input, contact_input
from tests.outcomes.scorecard_world import at
from tests.outcomes.test_scorecard_kept_months import _card

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
