"""The reference functions and sequences as the database sees them (docs/adr/0050): the
app's role draws numbers and can do nothing else with them (make other objects, move a
year's numbering back, drop it); a year's first draw makes its sequence apart from the
intake's transaction, so nobody waits for that intake; two openings of a year at once
both succeed; the migrations there and back keep each year's position.

Each test makes its own far-off year's sequence and drops it afterwards (a flush between
tests empties tables, not sequences)."""

from __future__ import annotations

import random
import threading
from contextlib import contextmanager

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from psycopg import errors

from frontdoor.database_roles import app_privileges_grant
from referrals.services import reference_numbers
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


OPEN = "SELECT referrals_reference_year_open(%s)"


def test_the_app_draws_numbers_and_cannot_move_make_or_drop_anything(year):
    sequence = f"public.referrals_reference_{year}"
    with _connect("app") as db:
        assert _numbers(db, year, 3) == []  # no sequence yet: the caller opens the year
        db.execute(OPEN, [year])
        db.execute(OPEN, [year])  # opened already: nothing to do
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
        for wrong in (None, 1899, 3000):
            with pytest.raises(errors.InvalidParameterValue):
                db.execute(OPEN, [wrong])
        assert _numbers(db, year) == [4]
        made = db.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'S'"
            " AND relname LIKE 'referrals\\_reference\\_%%' AND relname !~ '_[0-9]{4}$'"
        ).fetchall()
        assert made == []
        # Only the app's role may call them (no function is PUBLIC's unless revoked).
        public_may = db.execute(
            "SELECT count(*) FROM pg_proc p, aclexplode(p.proacl) acl"
            " WHERE p.proname IN ('referrals_reference_numbers', 'referrals_reference_year_open')"
            " AND acl.grantee = 0"
        ).fetchone()[0]
        assert public_may == 0


def test_the_years_first_draw_does_not_hold_its_sequence_until_the_intake_commits(year):
    """Made in the intake's transaction, the year's sequence stayed uncommitted until that
    intake committed, and every other intake of the year waited for it."""
    drawn, done = threading.Event(), threading.Event()
    got = {}

    def first_intake() -> None:
        try:
            with transaction.atomic():
                got["first"] = reference_numbers(year, 1)
                drawn.set()
                done.wait(timeout=120)
                transaction.set_rollback(True)  # and it is not recorded after all
        finally:
            connection.close()

    thread = threading.Thread(target=first_intake)
    thread.start()
    try:
        assert drawn.wait(timeout=60)
        with _connect("app") as db:
            db.execute("SET lock_timeout = '5s'")
            got["second"] = _numbers(db, year)
    finally:
        done.set()
        thread.join(timeout=120)
    assert (got["first"], got["second"]) == ([1], [2])
    assert reference_numbers(year, 2) == [3, 4]  # the rollback took nothing back


@pytest.mark.parametrize("first_commits", [True, False])
def test_two_connections_opening_a_year_at_once_both_succeed(year, first_commits):
    """The second waits for the first to end, then finds the sequence made (or, if the
    first was rolled back, makes it)."""
    errors_seen = []
    with _connect("app") as first, _connect("app") as second:
        waiter = second.info.backend_pid
        first.execute("BEGIN")
        first.execute(OPEN, [year])

        def open_second() -> None:
            try:
                second.execute(OPEN, [year])
            except psycopg.Error as error:  # pragma: no cover - reported below
                errors_seen.append(error)

        thread = threading.Thread(target=open_second)
        thread.start()
        try:
            wait_until(
                lambda: first.execute(
                    "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s",
                    [waiter],
                ).fetchone()[0],
                timeout=30,
                message="the second never waited for the first",
            )
            first.execute("COMMIT" if first_commits else "ROLLBACK")
        finally:
            thread.join(timeout=60)
        assert errors_seen == []
        assert _numbers(second, year) == [1]


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


def test_a_year_whose_sequence_went_missing_carries_on_after_its_last_reference(referrer):
    """A database restored without its sequences (or one dropped): the year is opened
    again after the highest reference it has recorded, not from 1."""
    year = timezone.localdate().year
    last = int(submit_contact(referrer).reference[-6:])
    with _connect("owner") as db:
        db.execute(f"DROP SEQUENCE public.referrals_reference_{year}")
    assert submit_contact(referrer).reference == f"FD-{year}-{last + 1:06d}"
