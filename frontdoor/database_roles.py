"""What the app's database role may do, granted by the owner after every ``migrate``.

The app connects as a role that owns nothing (docs/adr/0013-database-roles.md), so it
can never TRUNCATE a table, ALTER or DROP its triggers, or switch them off with
``session_replication_role``: only the owner, which migrations run as, could. This
module grants the app row access: SELECT, INSERT, UPDATE and DELETE on ordinary tables,
and less on the append-only ones, exactly what the app does with them:

- the audit trail: read and append, nothing else;
- decisions: read, append, and update, because an approval is recorded on the decision
  and erasure under the retention policy replaces its free text (the guard trigger
  still refuses every other change, and every delete); the contact log, withdrawals
  and requests for one likewise (update only for erasure's marker);
- change history (django-pghistory's event tables): read, append, and delete, because
  erasure purges the history of the records it erases (outcomes/retention.py, past the
  append-only trigger with ``pgtrigger.ignore``); never update;
- the migration ledger: read only.

Sequences: USAGE and SELECT, never UPDATE (no ``setval``). Functions that run as the
owner (``OWNER_FUNCTIONS``): EXECUTE, which no other role has.

Tables made by later migrations are covered twice: the owner's default privileges
(scripts/database-roles.sql) give the app row access the moment a table is created, and
this step, run at the end of every ``migrate``, narrows the append-only ones again.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Warning
from django.core.management.base import CommandError
from django.db import connections, transaction

logger = logging.getLogger(__name__)

ROW_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
# Tables the app may not freely change, by model label, and what it may do instead.
APPEND_ONLY_PRIVILEGES = {
    "frontdoor.AuditEvent": "SELECT, INSERT",
    "screening.Decision": "SELECT, INSERT, UPDATE",
    # Update only for erasure's marker; the trigger refuses every other change.
    "screening.ContactLogEntry": "SELECT, INSERT, UPDATE",
    # Withdrawals and referrers' requests for one (ADR 0036): the same.
    "referrals.ContactWithdrawal": "SELECT, INSERT, UPDATE",
    "referrals.WithdrawalRequest": "SELECT, INSERT, UPDATE",
}
HISTORY_PRIVILEGES = "SELECT, INSERT, DELETE"
MIGRATIONS_TABLE = "django_migrations"
# SECURITY DEFINER functions the app calls (by signature): contact references (ADR 0050).
OWNER_FUNCTIONS = [
    "referrals_reference_numbers(integer, integer)",
    "referrals_reference_year_open(integer)",
]


def restricted_tables() -> dict[str, str]:
    """Each table the app has less than row access to, and the privileges it has."""
    import pghistory.models

    tables = {MIGRATIONS_TABLE: "SELECT"}
    for label, privileges in APPEND_ONLY_PRIVILEGES.items():
        tables[apps.get_model(label)._meta.db_table] = privileges
    for model in apps.get_models():
        if issubclass(model, pghistory.models.Event) and not model._meta.proxy:
            tables[model._meta.db_table] = HISTORY_PRIVILEGES
    return tables


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def app_privilege_statements(app_role: str, present: set[str]) -> list[str]:
    """What gives the app's role exactly its privileges on the tables ``present``: run by
    the owner after every ``migrate``, and by ``restore`` (frontdoor/restores.py), which
    must not take them from the backup it restores."""
    role = _quoted(app_role)
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
        f"GRANT {ROW_PRIVILEGES} ON ALL TABLES IN SCHEMA public TO {role}",
        # USAGE and SELECT only: without UPDATE no setval, so the app cannot move a
        # year's reference numbering back (docs/adr/0050).
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ]
    # The functions the app calls that run as the owner: its alone, where they exist (a
    # backup from before them restores without them).
    literal = "'" + app_role.replace("'", "''") + "'"
    for function in OWNER_FUNCTIONS:
        statements.append(
            f"DO $$ BEGIN IF to_regprocedure('{function}') IS NOT NULL THEN"
            f" REVOKE ALL ON FUNCTION {function} FROM PUBLIC;"
            f" EXECUTE 'GRANT EXECUTE ON FUNCTION {function} TO ' || quote_ident({literal});"
            " END IF; END $$"
        )
    for table, privileges in restricted_tables().items():
        if table in present:
            statements.append(f"REVOKE ALL ON {_quoted(table)} FROM {role}")
            statements.append(f"GRANT {privileges} ON {_quoted(table)} TO {role}")
    return statements


def app_privileges_grant(*, using: str = "default") -> bool:
    """Grant the app's role what it needs on every table; False when there is nobody to
    grant to (the app and the migrations share one role, as before issue 16)."""
    app_role = settings.DATABASE_APP_USER
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, EXISTS (SELECT FROM pg_roles WHERE rolname = %s)", [app_role]
        )
        current_user, app_role_exists = cursor.fetchone()
        if not app_role or app_role == current_user:
            logger.warning(
                "The app and the migrations share the database role %s, so the app could "
                "empty the append-only tables: see docs/adr/0013-database-roles.md.",
                current_user,
            )
            return False
        if not app_role_exists:
            raise RuntimeError(
                f"The app's database role {app_role} does not exist: run "
                "scripts/database-roles.sql as a superuser (see README, Production)."
            )
        # Only the tables there now: migrated back, a later model's table is not.
        present = set(connection.introspection.table_names(cursor))
        for statement in app_privilege_statements(app_role, present):
            cursor.execute(statement)
    return True


def refuse_migrate_as_app(sender, *, using: str, **kwargs) -> None:
    """pre_migrate receiver: the app's role may not create tables, so say how to migrate
    before the first CREATE fails with a bare "permission denied"."""
    if settings.DATABASE_ROLES.get("owner") is None:
        return  # one role for both, as before issue 16: nothing else to suggest
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT current_user")
        (current_user,) = cursor.fetchone()
    if current_user == settings.DATABASE_APP_USER:
        raise CommandError(
            f"{current_user} is the app's database role, which may not change tables. "
            "Migrations run as the owner: DATABASE_ROLE=owner python manage.py migrate"
        )


def check_app_role(app_configs, databases=None, **kwargs) -> list[CheckMessage]:
    """``manage.py check --deploy --database default``: the app must not connect as a
    role that can get past the append-only guards."""
    if not databases or "default" not in databases:
        return []
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT r.rolsuper, EXISTS (SELECT FROM pg_class c WHERE c.relowner = r.oid"
            " AND c.relnamespace = 'public'::regnamespace)"
            " FROM pg_roles r WHERE r.rolname = current_user"
        )
        superuser, owns_tables = cursor.fetchone()
    if superuser or owns_tables:
        return [
            Warning(
                "The app connects to PostgreSQL as a superuser or as the owner of its "
                "tables, so it could empty the audit, decision and history tables.",
                hint="Connect as the app's role (DATABASE_URL) and migrate as the owner "
                "(MIGRATION_DATABASE_URL, DATABASE_ROLE=owner): see SECURITY.md.",
                id="frontdoor.W001",
            )
        ]
    return []


def grant_after_migrate(sender, *, using: str, **kwargs) -> None:
    """post_migrate receiver. A flush (between tests) sends the signal too, with no
    plan: it creates no tables, so there is nothing new to grant."""
    if "plan" not in kwargs:
        return
    app_privileges_grant(using=using)


def manage_as_owner(*arguments: str) -> int:
    """Run ``manage.py <arguments>`` in a child process connected as the owner role
    (``DATABASE_ROLE=owner``): for ``migrate`` and ``generate_synthetic``, from
    processes that themselves connect as the app. Returns its exit code."""
    manage = settings.BASE_DIR / "manage.py"
    environment = {**os.environ, "DATABASE_ROLE": "owner"}
    environment.setdefault("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE)
    return subprocess.run([sys.executable, str(manage), *arguments], env=environment).returncode  # noqa: S603
