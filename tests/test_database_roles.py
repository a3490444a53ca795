"""The app's database role (issue 16, findings 3 and 4).

The app connects as a role that owns nothing, so the four ways a superuser or owner gets
past the append-only guards all fail for it; it still does all of the app's real work;
and the server's log never holds a failing statement's values.

The suite's own connection is the owner's (it creates, migrates and flushes the test
database): these tests connect as the app's role themselves.
"""

from __future__ import annotations

import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

import psycopg
import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from psycopg import errors

from frontdoor import embedded
from frontdoor.models import AuditEvent
from frontdoor.roles import Role
from outcomes import retention
from outcomes.models import RetentionRun
from referrals.models import Contact
from screening.models import Decision, Route
from tests.factories import UserFactory, referral_contact

# The audit trail, decisions, and one of django-pghistory's change-history tables.
APPEND_ONLY_TABLES = ["frontdoor_auditevent", "screening_decision", "referrals_contactevent"]
LOG_DEADLINE_SECONDS = 30


def _app_role() -> dict[str, str]:
    """Who the app connects as. (Before issue 16 there was no separate role: the app
    connected as the embedded server's superuser, which is what these tests then use.)"""
    roles = getattr(settings, "DATABASE_ROLES", None)
    app = roles["app"] if roles else connection.settings_dict
    return {"user": app["USER"], "password": app.get("PASSWORD") or None}


@contextmanager
def app_role_connection():
    """A connection to the test database as the app's role, as web, worker and beat make."""
    test_database = connection.settings_dict
    with psycopg.connect(
        dbname=test_database["NAME"],
        host=test_database["HOST"] or None,
        port=test_database["PORT"] or None,
        autocommit=True,
        **_app_role(),
    ) as db:
        # An attack that got as far as waiting for a lock would have got past the check.
        db.execute("SET lock_timeout = '10s'")
        yield db


@pytest.fixture
def decided_contact(transactional_db):
    """Committed rows in every append-only table: audit, decision and change history."""
    screener = UserFactory(roles=[Role.SCREENER])
    manager = UserFactory(roles=[Role.MANAGER])
    referrer = UserFactory(roles=[Role.REFERRER])
    return referral_contact(
        screener=screener, manager=manager, referrer=referrer, received_at=timezone.now()
    )


def _rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - a constant above
        return cursor.fetchone()[0]


def _guard_triggers(table: str) -> list[tuple[str, str]]:
    """The table's own (not foreign-key) triggers and whether each is enabled."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname, tgenabled FROM pg_trigger"
            " WHERE tgrelid = %s::regclass AND NOT tgisinternal ORDER BY tgname",
            [table],
        )
        return cursor.fetchall()


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_the_app_role_cannot_truncate_an_append_only_table(decided_contact, table):
    before = _rows(table)
    assert before > 0

    with app_role_connection() as db, pytest.raises(errors.InsufficientPrivilege):
        db.execute(f"TRUNCATE {table} CASCADE")

    assert _rows(table) == before


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_the_app_role_cannot_disable_an_append_only_tables_triggers(decided_contact, table):
    guards = _guard_triggers(table)
    assert guards, f"{table} has no guard trigger to protect"

    with app_role_connection() as db:
        with pytest.raises(errors.InsufficientPrivilege):
            db.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        for name, _ in guards:
            with pytest.raises(errors.InsufficientPrivilege):
                db.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{name}"')

    assert _guard_triggers(table) == guards
    assert all(enabled == "O" for _, enabled in guards)  # O: fires in origin sessions


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_the_app_role_cannot_drop_an_append_only_tables_triggers(decided_contact, table):
    guards = _guard_triggers(table)

    with app_role_connection() as db:
        for name, _ in guards:
            with pytest.raises(errors.InsufficientPrivilege):
                db.execute(f'DROP TRIGGER "{name}" ON {table}')

    assert _guard_triggers(table) == guards


def test_the_app_role_cannot_switch_triggers_off_for_its_session(decided_contact):
    audit_rows = _rows("frontdoor_auditevent")

    with app_role_connection() as db:
        for statement in (
            "SET session_replication_role = replica",
            "SELECT set_config('session_replication_role', 'replica', false)",
            "ALTER ROLE CURRENT_USER SET session_replication_role = replica",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                db.execute(statement)
        assert db.execute("SHOW session_replication_role").fetchone() == ("origin",)

    assert _rows("frontdoor_auditevent") == audit_rows


def test_the_app_role_is_no_superuser_owns_nothing_and_cannot_create_tables(transactional_db):
    with app_role_connection() as db:
        superuser, bypasses_rls = db.execute(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        owned = db.execute(
            "SELECT count(*) FROM pg_class WHERE relowner = "
            "(SELECT oid FROM pg_roles WHERE rolname = current_user)"
        ).fetchone()[0]
        assert (superuser, bypasses_rls, owned) == (False, False, 0)
        with pytest.raises(errors.InsufficientPrivilege):
            db.execute("CREATE TABLE public.mine (note text)")
        # The rows of the audit trail cannot be changed or removed even where no
        # trigger would be asked: the privilege is simply not there.
        for statement in (
            "DELETE FROM frontdoor_auditevent",
            "UPDATE frontdoor_auditevent SET via = ''",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                db.execute(statement)


# --- The app's real work, as the app's role ------------------------------------------


@pytest.fixture
def as_app_role(transactional_db):
    """Django's own connection switched to the app's role for the test, as web, worker
    and beat connect; back to the owner before the database is flushed."""
    saved = {key: connection.settings_dict.get(key) for key in ("USER", "PASSWORD")}
    role = _app_role()
    connection.close()
    connection.settings_dict.update(USER=role["user"], PASSWORD=role["password"] or "")
    yield role["user"]
    connection.close()
    connection.settings_dict.update(saved)


def test_the_app_role_does_the_apps_real_work(as_app_role, client, settings):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == as_app_role
    screener = UserFactory(roles=[Role.SCREENER])
    manager = UserFactory(roles=[Role.MANAGER])
    referrer = UserFactory(roles=[Role.REFERRER])

    # Intake, screening, a decision a manager approves (an update of the decision).
    contact = referral_contact(
        screener=screener,
        manager=manager,
        referrer=referrer,
        received_at=timezone.now() - timedelta(days=1),
        route=Route.INFORMATION_AND_ADVICE,
    )
    # A page view, audited; signing in and out writes and deletes a session.
    client.force_login(screener)
    page = client.get(reverse("screening:contact", args=[contact.reference]))
    assert page.status_code == 200
    assert AuditEvent.objects.filter(
        actor=screener, action=AuditEvent.Action.VIEW, record_id=contact.reference
    ).exists()
    client.post(reverse("sign-out"))

    # Erasure under the retention policy: the decision's free text replaced, the change
    # history purged past its append-only trigger, an audit row per contact.
    settings.RETENTION_YEARS = {"information_and_advice": 0, "early_help": 3, "referral": 25}
    [run] = retention.retention_review()
    client.force_login(manager)
    client.post(reverse("outcomes:retention"), {"run": run.pk})
    assert RetentionRun.objects.get(pk=run.pk).status == RetentionRun.Status.APPROVED
    assert retention.retention_erase(run_id=run.pk) == 1
    assert Decision.objects.get(contact=contact).rationale == retention.ERASED
    history = Contact.events.field.model.objects.filter(pgh_obj_id=contact.pk)
    assert not history.exclude(concerns=retention.ERASED).exists()
    assert AuditEvent.objects.filter(
        record_id=contact.reference, via="outcomes.retention.erase", actor=manager
    ).exists()

    # The guards still hold for the app: a decision is never deleted.
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(contact=contact).delete()


def _deploy_warnings() -> list[str]:
    messages = run_checks(include_deployment_checks=True, databases=["default"])
    return [message.id for message in messages if message.id.startswith("frontdoor.")]


def test_the_app_role_may_not_migrate_and_is_told_how(as_app_role):
    with pytest.raises(CommandError, match="DATABASE_ROLE=owner"):
        call_command("migrate", verbosity=0)
    assert _deploy_warnings() == []


def test_the_deploy_check_warns_when_the_app_connects_as_the_tables_owner(db):
    assert _deploy_warnings() == ["frontdoor.W001"]  # the suite's connection is the owner


def test_each_migrate_grants_the_app_no_more_than_the_append_only_tables_allow(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, string_agg(privilege_type, ',' ORDER BY privilege_type)"
            " FROM information_schema.role_table_grants"
            " WHERE grantee = %s AND table_schema = 'public' GROUP BY table_name",
            [_app_role()["user"]],
        )
        grants = dict(cursor.fetchall())
    assert grants["frontdoor_auditevent"] == "INSERT,SELECT"
    assert grants["screening_decision"] == "INSERT,SELECT,UPDATE"
    assert grants["referrals_contactevent"] == "DELETE,INSERT,SELECT"
    assert grants["referrals_contact"] == "DELETE,INSERT,SELECT,UPDATE"
    assert not [table for table, privileges in grants.items() if "TRUNCATE" in privileges]


# --- The server's log ---------------------------------------------------------------


def _server_log_after(offset: int, until: str) -> str:
    log = embedded.STATE_DIR / "pgdata" / "log"
    deadline = time.monotonic() + LOG_DEADLINE_SECONDS
    while True:
        with log.open("rb") as file:
            file.seek(offset)
            text = file.read().decode(errors="replace")
        if until in text or time.monotonic() > deadline:
            return text
        time.sleep(0.1)


@pytest.mark.skipif(
    not (embedded.STATE_DIR / "pgdata" / "log").exists(),
    reason="reads the embedded server's log; a production server's is configured as documented",
)
def test_failing_statements_leave_no_values_in_the_servers_log(db):
    marker = f"Zebedee-{uuid.uuid4().hex}"  # a child's name, as far as the log knows
    nhs_number = "9434765919"
    nonce = uuid.uuid4().hex[:12]
    log = embedded.STATE_DIR / "pgdata" / "log"
    offset = log.stat().st_size

    # A duplicate key (logged with DETAIL: Key (email)=(…) before), through the ORM.
    UserFactory(email=f"{marker}@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email=f"{marker}@example.org")
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE concern_{nonce} (child text, nhs text, "
            f"urgency int CONSTRAINT urgency_{nonce} CHECK (urgency > 0))"
        )
        # A failing statement with its values in its text, and one with parameters.
        with pytest.raises(Exception), transaction.atomic():  # noqa: B017, PT011
            cursor.execute(f"SELECT 1 / 0, '{marker} {nhs_number}' AS concern_{nonce}")
        with pytest.raises(Exception), transaction.atomic():  # noqa: B017, PT011
            cursor.execute(f"SELECT 1 / 0 AS last_{nonce} WHERE %s <> %s", [marker, nhs_number])
        # A failing row (logged whole in DETAIL: Failing row contains (…) before). Last,
        # because its message names the constraint: once that is in the log, so is
        # everything before it from this connection.
        with pytest.raises(IntegrityError), transaction.atomic():
            cursor.execute(
                f"INSERT INTO concern_{nonce} VALUES (%s, %s, -1)",  # noqa: S608
                [marker, nhs_number],
            )

    written = _server_log_after(offset, until=f"urgency_{nonce}")
    assert f"urgency_{nonce}" in written, "the server logged none of the errors"
    assert marker not in written
    assert nhs_number not in written


# --- A database from before the roles ---------------------------------------------------


@pytest.mark.skipif(
    not (embedded.STATE_DIR / "pgdata").exists(),
    reason="needs the embedded server's superuser to make a database as it was before",
)
def test_the_roles_script_upgrades_a_database_made_before_the_roles():
    """What the embedded server does to an existing data directory, and a DBA to a
    database a superuser migrated: roles made, everything handed to the owner."""
    nonce = uuid.uuid4().hex[:8]
    database, owner, app = f"upgrade_{nonce}", f"upgrade_owner_{nonce}", f"upgrade_app_{nonce}"
    socket_dir = embedded.postgres().socket_dir

    def superuser(dbname="postgres"):
        return psycopg.connect(
            host=socket_dir, user=embedded.SUPERUSER, dbname=dbname, autocommit=True
        )

    with superuser() as db:
        db.execute(f"CREATE DATABASE {database}")
    try:
        with superuser(database) as db:  # as the migrations left it before issue 16
            db.execute("CREATE EXTENSION pg_trgm")
            db.execute("CREATE TABLE audit (id bigint GENERATED BY DEFAULT AS IDENTITY, note text)")
            db.execute("CREATE SEQUENCE counter")
            db.execute(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql"
                " AS $$ BEGIN RAISE EXCEPTION 'append-only'; END $$"
            )
            db.execute(
                "CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit"
                " FOR EACH ROW EXECUTE FUNCTION refuse()"
            )
        for _ in range(2):  # as every start does: the second run changes nothing
            embedded.roles_script_run(socket_dir, database=database, owner_role=owner, app_role=app)

        with superuser(database) as db:
            roles = db.execute(
                "SELECT rolname, rolsuper, rolcreaterole FROM pg_roles"
                " WHERE rolname IN (%s, %s) ORDER BY rolname",
                [app, owner],
            ).fetchall()
            assert roles == [(app, False, False), (owner, False, False)]
            owners = dict(
                db.execute(
                    "SELECT relname, pg_get_userbyid(relowner) FROM pg_class"
                    " WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'S')"
                ).fetchall()
            )
            assert owners == {"audit": owner, "audit_id_seq": owner, "counter": owner}
            assert db.execute(
                "SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'refuse'"
            ).fetchone() == (owner,)
            # The extension's own functions stay the extension's.
            assert db.execute(
                "SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'similarity'"
            ).fetchone() == (embedded.SUPERUSER,)
            assert db.execute(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", [database]
            ).fetchone() == (owner,)

        # A table a later migration makes is the app's to read and write at once.
        with psycopg.connect(host=socket_dir, user=owner, dbname=database, autocommit=True) as db:
            db.execute("CREATE TABLE later (note text)")
            db.execute("DROP TRIGGER audit_append_only ON audit")  # the owner still may
        with psycopg.connect(host=socket_dir, user=app, dbname=database, autocommit=True) as db:
            db.execute("INSERT INTO later VALUES ('written')")
            with pytest.raises(errors.InsufficientPrivilege):
                db.execute("TRUNCATE later")
            with pytest.raises(errors.InsufficientPrivilege):
                db.execute("CREATE TABLE mine (note text)")
    finally:
        with superuser() as db:
            db.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            db.execute(f"DROP ROLE IF EXISTS {app}")
            db.execute(f"DROP ROLE IF EXISTS {owner}")
