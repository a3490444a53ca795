"""Backups taken and restored for real in the tests (tests/frontdoor/test_backup_*):
data made through the services, a newly created database to restore into, and the
test's own queries to compare the two (not the backup's)."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from psycopg import errors, sql

from frontdoor.backups import MANIFEST
from frontdoor.roles import Role
from referrals import services as referral_services
from tests.factories import UserFactory, referral_contact
from tests.support.documents import small_pdf
from tests.support.waiting import wait_until

CHILD_SURNAME = "Harrison"  # the factories' child and parent


def connect(name: str, user: str | None = None) -> psycopg.Connection:
    here = connection.settings_dict
    app = settings.DATABASE_ROLES["app"]
    return psycopg.connect(
        dbname=name,
        user=user or here["USER"],
        password=(app.get("PASSWORD") if user else here.get("PASSWORD")) or None,
        host=here["HOST"] or None,
        port=here["PORT"] or None,
        autocommit=True,
    )


@pytest.fixture
def fresh_database():
    """A newly created database on the test server, prepared as scripts/database-roles.sql
    prepares one (owned by the owner; the app gets row access to each table the owner
    creates), and dropped afterwards."""
    name = f"test_frontdoor_restore_{uuid.uuid4().hex[:10]}"
    owner = connection.settings_dict["USER"]
    app = settings.DATABASE_APP_USER
    with connect("postgres") as db:
        db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with connect(name) as db:
            db.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
            db.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(sql.Identifier(app)))
            db.execute(
                sql.SQL(
                    "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public"
                    " GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
                ).format(sql.Identifier(owner), sql.Identifier(app))
            )
        yield name
    finally:
        wait_until(lambda: _dropped(name), 30, f"{name} could not be dropped")


def _dropped(name: str) -> bool:
    """Dropped, unless autovacuum is analysing the restored tables just then: the owner
    may not end a process it does not own (FORCE or not), so it is asked again."""
    with connect("postgres") as db:
        try:
            db.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        except (errors.InsufficientPrivilege, errors.ObjectInUse):
            return False
    return True


@pytest.fixture
def data(clamd):
    """Committed contacts, decisions, audit rows and change history, and two attached
    files stored (encrypted) through the real upload service."""
    screener = UserFactory(roles=[Role.SCREENER])
    manager = UserFactory(roles=[Role.MANAGER])
    referrer = UserFactory(roles=[Role.REFERRER])
    contacts = [
        referral_contact(
            screener=screener, manager=manager, referrer=referrer, received_at=timezone.now()
        )
        for _ in range(3)
    ]
    uploads = {}
    for number, contact in enumerate(contacts[:2]):
        upload = small_pdf(f"Report {number}")
        document = referral_services.document_attach(
            actor=screener,
            contact=contact,
            upload=referral_services.DocumentUpload(filename="report.pdf", data=upload),
            via="screening",
        )
        uploads[document.storage_name] = upload
    return uploads


def take_backup(tmp_path: Path) -> tuple[Path, str]:
    out = io.StringIO()
    call_command("backup", to=str(tmp_path / "back ups"), stdout=out)
    [made] = (tmp_path / "back ups").iterdir()
    return made, out.getvalue()


def restore_backup(backup: Path, database: str, documents: Path, **options) -> str:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "restore",
            str(backup),
            database=database,
            documents_root=str(documents),
            stdout=out,
            stderr=err,
            **options,
        )
    finally:
        assert CHILD_SURNAME not in out.getvalue() + err.getvalue()
    return out.getvalue()


def counts(name: str) -> dict[str, int]:
    with connect(name) as db:
        names = db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
        return {
            table: db.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for (table,) in names
        }


def rows_digest(name: str, table: str) -> str:
    """The table's rows, in one md5: this test's own checksum, not the backup's."""
    with connect(name) as db:
        db.execute("SET TimeZone = 'UTC'")
        return db.execute(
            sql.SQL("SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) FROM {} t").format(
                sql.Identifier(table)
            )
        ).fetchone()[0]


def manifest_edit(backup: Path, change) -> None:
    manifest = json.loads((backup / MANIFEST).read_text())
    change(manifest)
    (backup / MANIFEST).write_text(json.dumps(manifest))
