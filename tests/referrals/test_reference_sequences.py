"""The reference function and sequences as the database sees them (docs/adr/0050): the
app's role draws numbers and can do nothing else with them (make other objects, move a
year's numbering back, drop it); two first draws of a year at once both get a number;
the migrations there and back keep each year's position.

Each test makes its own far-off year's sequence and drops it afterwards (a flush between
tests empties tables, not sequences)."""

from __future__ import annotations

import random
import threading
from contextlib import contextmanager

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from psycopg import errors

from frontdoor.database_roles import app_privileges_grant
from tests.factories import submit_contact
from tests.support.waiting import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

DRAW = "SELECT referrals_reference_numbers(%s, %s)"


@contextmanager
def _connect(role: str):
    """A connection of its own to the test database: as the app (web, worker, beat) or
    the owner (what the suite's connection is)."""
    here = connection.settings_dict
    who = settings.DATABASE_ROLES[role] if getattr(settings, "DATABASE_ROLES", None) else here
    with psycopg.connect(
        dbname=here["NAME"],
        host=here["HOST"] or None,
        port=here["PORT"] or None,
        user=who["USER"],
        password=who.get("PASSWORD") or None,
        autocommit=True,
    ) as db:
        db.execute("SET lock_timeout = '60s'")
        yield db


@pytest.fixture
def year():
    """A year no other test draws from; its sequence dropped afterwards."""
    year = random.randint(2100, 2899)
    yield year
    with _connect("owner") as db:
        db.execute(f"DROP SEQUENCE IF EXISTS public.referrals_reference_{year}")


def _numbers(db, year: int, count: int = 1) -> list[int]:
    return [number for (number,) in db.execute(DRAW, [year, count]).fetchall()]


def test_the_app_draws_numbers_and_cannot_move_make_or_drop_anything(year):
    sequence = f"public.referrals_reference_{year}"
    with _connect("app") as db:
        assert _numbers(db, year, 3) == [1, 2, 3]
        for statement in (
            f"SELECT setval('{sequence}', 1)",
            f"ALTER SEQUENCE {sequence} RESTART",
            f"DROP SEQUENCE {sequence}",
            "CREATE SEQUENCE public.referrals_reference_mine",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                db.execute(statement)
        for wrong in ((None, 1), (year, None), (1899, 1), (3000, 1), (year, 0), (year, -5)):
            with pytest.raises(errors.InvalidParameterValue):
                db.execute(DRAW, wrong)
        assert _numbers(db, year) == [4]
        made = db.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'S'"
            " AND relname LIKE 'referrals\\_reference\\_%%' AND relname !~ '_[0-9]{4}$'"
        ).fetchall()
        assert made == []
        # Only the app's role may call it (no function is PUBLIC's unless revoked).
        public_may = db.execute(
            "SELECT EXISTS (SELECT FROM pg_proc p, aclexplode(p.proacl) acl"
            " WHERE p.oid = 'referrals_reference_numbers(integer, integer)'::regprocedure"
            " AND acl.grantee = 0)"
        ).fetchone()[0]
        assert public_may is False


@pytest.mark.parametrize("first_commits", [True, False])
def test_two_first_draws_of_a_year_at_once_both_get_a_number(year, first_commits):
    """The first makes the year's sequence in its own transaction; the second waits for
    it to end and then takes that sequence, or makes it again if it was rolled back."""
    got = {}
    with _connect("app") as first, _connect("app") as second:
        waiter = second.info.backend_pid
        first.execute("BEGIN")
        got["first"] = _numbers(first, year)

        def draw_second() -> None:
            got["second"] = _numbers(second, year)

        thread = threading.Thread(target=draw_second)
        thread.start()
        try:
            wait_until(
                lambda: first.execute(
                    "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s",
                    [waiter],
                ).fetchone()[0],
                timeout=30,
                message="the second draw never waited for the first",
            )
            first.execute("COMMIT" if first_commits else "ROLLBACK")
        finally:
            thread.join(timeout=60)
    assert got["first"] == [1]
    assert got["second"] == ([2] if first_commits else [1])


def _migrate(targets=None) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    app_privileges_grant()  # as ``migrate`` does after migrating


def test_the_migrations_back_and_forth_keep_each_years_position(referrer):
    year = timezone.localdate().year
    last = int(submit_contact(referrer).reference[-6:])
    _migrate([("referrals", "0033_police_import_attempts_and_summary_claim")])
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT last_number FROM referrals_referencecounter WHERE year = %s", [year]
            )
            assert cursor.fetchone() == (last,)
            cursor.execute("SELECT to_regclass(%s)", [f"public.referrals_reference_{year}"])
            assert cursor.fetchone() == (None,)
    finally:
        _migrate()
    after = submit_contact(referrer).reference
    assert after == f"FD-{year}-{last + 1:06d}"
    with _connect("app") as db:
        assert _numbers(db, year) == [last + 2]
