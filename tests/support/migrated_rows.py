"""The test database back to the rows ``migrate`` left, after each transactional test.

The data migrations put rows in the test database (census codes, roles and their
permissions, referral sources, threshold levels, national figures). A transactional test
commits what it writes, so Django empties every table after it (``flush``) and, with
serialized rollback, loads those rows back one object at a time before the next one:
about three seconds a test, for some 150 tests. Instead, the rows are copied once, just
after migrating, into a schema of their own; after each transactional test only the
tables that hold rows are emptied, and only the copied tables that differ from their
copy are filled again from it. The database is then exactly as migrated, for the next
test of either kind.

Triggers are off while this runs (``session_replication_role``, which the owner role
the tests connect as may set), so the append-only tables' guards, the change-history
triggers and foreign-key checks neither refuse nor record the reset.
"""

from __future__ import annotations

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import sql

SCHEMA = "test_migrated_rows"

# Per database alias: the tables that held rows after migrating, with a fingerprint of
# their contents.
_copied: dict[str, dict[str, str]] = {}


def _union(cursor, parts: list[sql.Composable]) -> list[tuple]:
    """One round trip for a question about every table."""
    if not parts:
        return []
    cursor.execute(sql.SQL(" UNION ALL ").join(parts))
    return cursor.fetchall()


def _tables_with_rows(cursor, tables: list[str]) -> list[str]:
    question = sql.SQL("SELECT {name} WHERE EXISTS (SELECT FROM {table})")
    parts = [question.format(name=sql.Literal(t), table=sql.Identifier(t)) for t in tables]
    return [name for (name,) in _union(cursor, parts)]


def _fingerprints(cursor, schema: str, tables: list[str]) -> dict[str, str]:
    question = sql.SQL(
        "SELECT {name}, (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
        " FROM {table} t)"
    )
    parts = [question.format(name=sql.Literal(t), table=sql.Identifier(schema, t)) for t in tables]
    return dict(_union(cursor, parts))


def _columns(cursor, table: str) -> list[sql.Identifier]:
    """The columns a row can be written with (not generated ones), in table order."""
    cursor.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = 'public' AND table_name = %s AND is_generated = 'NEVER'"
        " ORDER BY ordinal_position",
        [table],
    )
    return [sql.Identifier(name) for (name,) in cursor.fetchall()]


def copy_take(connection: BaseDatabaseWrapper) -> None:
    """Copy every table that holds rows just after ``migrate``."""
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        schema = sql.Identifier(SCHEMA)
        cursor.execute(sql.SQL("DROP SCHEMA IF EXISTS {0} CASCADE").format(schema))
        cursor.execute(sql.SQL("CREATE SCHEMA {0}").format(schema))
        holding = _tables_with_rows(cursor, sorted(tables))
        for table in holding:
            cursor.execute(
                sql.SQL("CREATE TABLE {copy} AS TABLE {table}").format(
                    copy=sql.Identifier(SCHEMA, table), table=sql.Identifier("public", table)
                )
            )
        _copied[connection.alias] = _fingerprints(cursor, SCHEMA, holding)


def is_taken(alias: str) -> bool:
    return alias in _copied


def copied_tables(alias: str) -> set[str]:
    return set(_copied[alias])


def tables_holding_rows(connection: BaseDatabaseWrapper) -> set[str]:
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        return set(_tables_with_rows(cursor, sorted(tables)))


def reset(connection: BaseDatabaseWrapper) -> None:
    """Empty what the tests wrote and put back what they changed of the migrated rows."""
    copied = _copied[connection.alias]
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        holding = set(_tables_with_rows(cursor, sorted(tables)))
        now = _fingerprints(cursor, "public", sorted(holding & copied.keys()))
        changed = [table for table in sorted(copied) if now.get(table) != copied[table]]
        for table in sorted(holding - copied.keys()) + changed:
            if table in holding:
                cursor.execute(sql.SQL("DELETE FROM {0}").format(sql.Identifier("public", table)))
        for table in changed:
            columns = sql.SQL(", ").join(_columns(cursor, table))
            cursor.execute(
                sql.SQL("INSERT INTO {table} ({columns}) SELECT {columns} FROM {copy}").format(
                    table=sql.Identifier("public", table),
                    columns=columns,
                    copy=sql.Identifier(SCHEMA, table),
                )
            )
