"""Backups you can restore (issue 25 part 5): ``manage.py backup`` of real data, restored
by ``manage.py restore`` into a newly created database on the same server, gives every
table its rows back, the append-only tables row for row, the attached files byte for
byte, and the app role no more power over the audit trail than before.

Transactional: pg_dump connects on its own and sees only committed rows. The source and
restored databases are compared here by queries of the test's own, not the backup's.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import threading
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from psycopg import errors, sql

from frontdoor import embedded, file_crypto
from frontdoor.backups import (
    DOCUMENTS,
    DUMP,
    MANIFEST,
    BackupError,
    Database,
    append_only_tables,
)
from frontdoor.restores import backup_restore
from frontdoor.roles import Role
from referrals import services as referral_services
from tests.factories import UserFactory, referral_contact
from tests.support.documents import own_clamd, small_pdf
from tests.support.waiting import wait_until

pytestmark = pytest.mark.django_db(transaction=True)
CHILD_SURNAME = "Harrison"  # the factories' child and parent


@pytest.fixture(scope="module")
def module_clamd():
    with own_clamd() as clamd:
        yield clamd


@pytest.fixture
def clamd(module_clamd, settings):
    settings.CLAMD_SOCKET = str(module_clamd.socket)
    settings.CLAMD_HOST = ""
    settings.CLAMD_EMBEDDED = False
    return module_clamd


def _connect(name: str, user: str | None = None) -> psycopg.Connection:
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
    with _connect("postgres") as db:
        db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with _connect(name) as db:
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
    with _connect("postgres") as db:
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


def _backup(tmp_path: Path) -> tuple[Path, str]:
    out = io.StringIO()
    call_command("backup", to=str(tmp_path / "back ups"), stdout=out)
    [made] = (tmp_path / "back ups").iterdir()
    return made, out.getvalue()


def _restore(backup: Path, database: str, documents: Path, **options) -> str:
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


def _counts(name: str) -> dict[str, int]:
    with _connect(name) as db:
        names = db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
        return {
            table: db.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for (table,) in names
        }


def _rows_digest(name: str, table: str) -> str:
    """The table's rows, in one md5: this test's own checksum, not the backup's."""
    with _connect(name) as db:
        db.execute("SET TimeZone = 'UTC'")
        return db.execute(
            sql.SQL("SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) FROM {} t").format(
                sql.Identifier(table)
            )
        ).fetchone()[0]


def test_a_backup_restores_into_a_fresh_database_with_every_row_and_file(
    data, fresh_database, tmp_path
):
    source = connection.settings_dict["NAME"]
    before = timezone.now()
    backup, said = _backup(tmp_path)
    # Named by the UTC date it was taken on (either side of midnight, at midnight).
    days = {f"frontdoor-backup-{moment:%Y-%m-%d}" for moment in (before, timezone.now())}
    assert backup.name[: len("frontdoor-backup-2026-11-30")] in days
    assert CHILD_SURNAME not in said
    assert "keys (DOCUMENT_KEYS) are not in the backup" in said
    assert {path.name for path in backup.iterdir()} == {DUMP, MANIFEST, DOCUMENTS}
    # Nothing in it is readable by anyone but the account that made it.
    assert all(oct(path.stat().st_mode)[-3:] in ("600", "700") for path in backup.rglob("*"))
    manifest = json.loads((backup / MANIFEST).read_text())
    assert manifest["document_keys_included"] is False
    assert manifest["documents_missing"] == 0
    assert set(data) <= set(manifest["documents"])
    key = settings.DOCUMENT_KEYS[0].encode()
    assert not [p for p in backup.rglob("*") if p.is_file() and key in p.read_bytes()]

    restored_files = tmp_path / "restored-documents"
    said = _restore(backup, fresh_database, restored_files)
    assert f"Restored into {fresh_database} and checked against the backup" in said

    source_counts = _counts(source)
    assert source_counts["screening_decision"] >= 3
    assert source_counts["frontdoor_auditevent"] > 0
    assert source_counts["referrals_document"] == 2
    assert _counts(fresh_database) == source_counts
    for table in append_only_tables():
        assert _rows_digest(fresh_database, table) == _rows_digest(source, table), table

    # The files, byte for byte as stored, and they still open with the key.
    stored = storages["documents"]
    for name, upload in data.items():
        restored = (restored_files / name).read_bytes()
        with stored.open(name, "rb") as original:
            assert restored == original.read()
        assert file_crypto.decrypt(restored) == upload

    # The owner owns every table; the app role reads and writes rows but still cannot
    # change or empty the audit trail or switch its guards off.
    with _connect(fresh_database) as db:
        others = db.execute(
            "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
            " AND relkind IN ('r', 'S') AND relowner <> current_user::regrole"
        ).fetchone()[0]
        assert others == 0
    with _connect(fresh_database, user=settings.DATABASE_APP_USER) as db:
        assert db.execute("SELECT count(*) FROM referrals_contact").fetchone()[0] == 3
        for statement in (
            "TRUNCATE frontdoor_auditevent CASCADE",
            "DELETE FROM frontdoor_auditevent",
            "UPDATE frontdoor_auditevent SET via = ''",
            "ALTER TABLE frontdoor_auditevent DISABLE TRIGGER USER",
            "DELETE FROM screening_decision",
            "SET session_replication_role = replica",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                db.execute(statement)


def test_a_database_that_is_not_empty_is_refused_unless_forced(data, fresh_database, tmp_path):
    backup, _ = _backup(tmp_path)
    _restore(backup, fresh_database, tmp_path / "documents")
    before = _counts(fresh_database)

    with pytest.raises(CommandError, match=f"The database {fresh_database} is not empty"):
        _restore(backup, fresh_database, tmp_path / "documents")
    assert _counts(fresh_database) == before

    # Forced, the backed-up tables are dropped and recreated: a row added since is gone
    # again, and the restore still checks out (grants included).
    with _connect(fresh_database) as db:
        db.execute("DELETE FROM django_session")
        db.execute("INSERT INTO django_session VALUES ('added-since', '', now())")
    said = _restore(backup, fresh_database, tmp_path / "documents", force=True)
    assert "checked against the backup" in said
    assert _counts(fresh_database) == before


def test_a_backup_says_when_a_documents_file_is_missing(data, tmp_path):
    storages["documents"].delete(next(iter(data)))
    # The run fails (so a timer's OnFailure= tells someone), and the backup is kept.
    with pytest.raises(CommandError, match=r"^1 files the database's documents name are not in"):
        call_command("backup", to=str(tmp_path), stdout=io.StringIO())
    [made] = tmp_path.iterdir()
    assert json.loads((made / MANIFEST).read_text())["documents_missing"] == 1


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


DAMAGES = {
    "the dump changed": (lambda b: _flip_a_byte(b / DUMP), "does not match its checksum"),
    "the dump gone": (lambda b: (b / DUMP).unlink(), "has no database dump"),
    "a file gone": (
        lambda b: next(p for p in (b / DOCUMENTS).rglob("*") if p.is_file()).unlink(),
        "1 missing, 0 damaged",
    ),
    "a file changed": (
        lambda b: _flip_a_byte(next(p for p in (b / DOCUMENTS).rglob("*") if p.is_file())),
        "0 missing, 1 damaged",
    ),
    "no manifest": (lambda b: (b / MANIFEST).unlink(), "has no manifest.json"),
    "a damaged manifest": (lambda b: _flip_a_byte(b / MANIFEST), "is damaged"),
    # Edited by hand: refused with a message, never a traceback or another dump.
    "the files as a list": (
        lambda b: _manifest_edit(b, lambda m: m.update(documents=list(m["documents"]))),
        "contents are not as written",
    ),
    "another dump named": (
        lambda b: _manifest_edit(b, lambda m: m["dump"].update(file="../../elsewhere.dump")),
        "contents are not as written",
    ),
    "a NUL in a file's name": (
        lambda b: _manifest_edit(b, lambda m: m["documents"].update({"a\0b": "0" * 64})),
        "contents are not as written",
    ),
    "counts as text": (
        lambda b: _manifest_edit(b, lambda m: m["row_counts"].update(django_session="=SUM(A1)")),
        "contents are not as written",
    ),
}


def _manifest_edit(backup: Path, change) -> None:
    manifest = json.loads((backup / MANIFEST).read_text())
    change(manifest)
    (backup / MANIFEST).write_text(json.dumps(manifest))


def test_a_damaged_or_incomplete_backup_is_refused_before_anything_is_changed(
    data, fresh_database, tmp_path
):
    backup, _ = _backup(tmp_path)
    for damage, (do, message) in DAMAGES.items():
        copy = tmp_path / damage.replace(" ", "-") / backup.name
        shutil.copytree(backup, copy)
        do(copy)
        with pytest.raises(CommandError, match=message):
            _restore(copy, fresh_database, tmp_path / "documents")
        assert _counts(fresh_database) == {}, damage
        assert not (tmp_path / "documents").exists(), damage

    with pytest.raises(CommandError, match="There is no backup at"):
        _restore(tmp_path / "nowhere", fresh_database, tmp_path / "documents")
    with pytest.raises(
        CommandError,
        match=r"Cannot connect to the database test_frontdoor_gone .*\"test_frontdoor_gone\" does",
    ):
        _restore(backup, "test_frontdoor_gone", tmp_path / "documents")

    # The app's role may not create the tables: told to restore as the owner.
    as_app = Database.from_settings(
        {**connection.settings_dict, "USER": settings.DATABASE_APP_USER}, name=fresh_database
    )
    with pytest.raises(BackupError, match="restore as the owner role"):
        backup_restore(backup=backup, database=as_app, storage=storages["documents"])
    assert _counts(fresh_database) == {}


def test_a_hand_edited_manifest_cannot_give_the_app_role_more_power(data, fresh_database, tmp_path):
    """The app's grants come from this code, as after every migrate: a manifest edited
    to let the app empty the audit trail is reported, and grants nothing."""
    backup, _ = _backup(tmp_path)
    wider = "DELETE,INSERT,SELECT,TRIGGER,TRUNCATE,UPDATE"
    _manifest_edit(backup, lambda m: m["app_grants"].update(frontdoor_auditevent=wider))
    with pytest.raises(CommandError, match="does not match the backup"):
        _restore(backup, fresh_database, tmp_path / "documents")
    with _connect(fresh_database, user=settings.DATABASE_APP_USER) as db:
        assert db.execute("SELECT count(*) FROM frontdoor_auditevent").fetchone()[0] > 0
        for statement in ("TRUNCATE frontdoor_auditevent", "DELETE FROM frontdoor_auditevent"):
            with pytest.raises(errors.InsufficientPrivilege):
                db.execute(statement)


def test_a_restore_reports_a_guard_switched_off_and_a_sequence_behind(
    data, fresh_database, tmp_path
):
    """A database backed up with the audit trail's guard off, or a sequence set back
    (by hand, by a bad import), would restore to an app that is unguarded or cannot
    insert: the restore says so."""
    source = connection.settings_dict["NAME"]
    with _connect(source) as db:
        db.execute(
            "ALTER TABLE frontdoor_auditevent DISABLE TRIGGER frontdoor_auditevent_append_only"
        )
        db.execute("SELECT setval('referrals_contact_id_seq', 1)")
    try:
        backup, _ = _backup(tmp_path)
    finally:
        with _connect(source) as db:
            db.execute(
                "ALTER TABLE frontdoor_auditevent ENABLE TRIGGER frontdoor_auditevent_append_only"
            )
            db.execute(
                "SELECT setval('referrals_contact_id_seq', (SELECT max(id) FROM referrals_contact))"
            )
    err = io.StringIO()
    with pytest.raises(CommandError, match="differences: 2"):
        call_command(
            "restore",
            str(backup),
            database=fresh_database,
            documents_root=str(tmp_path / "documents"),
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "the trigger frontdoor_auditevent_append_only on frontdoor_auditevent is switched" in (
        err.getvalue()
    )
    assert "the sequence referrals_contact_id_seq is behind referrals_contact.id" in err.getvalue()


def test_forced_restore_refuses_a_database_with_tables_the_backup_has_not(
    data, fresh_database, tmp_path
):
    backup, _ = _backup(tmp_path)
    _restore(backup, fresh_database, tmp_path / "documents")
    with _connect(fresh_database) as db:
        db.execute("CREATE TABLE later_release_table (id integer)")
    before = _counts(fresh_database)
    with pytest.raises(CommandError, match=r"1 tables the backup has not \(later_release_table\)"):
        _restore(backup, fresh_database, tmp_path / "documents", force=True)
    assert _counts(fresh_database) == before


def test_a_failure_after_the_database_is_restored_says_so(data, fresh_database, tmp_path):
    """The files cannot be written (here a file stands where the directory should be):
    the database is restored, and the message says it is not to be used."""
    backup, _ = _backup(tmp_path)
    in_the_way = tmp_path / "in the way"
    in_the_way.write_text("")
    with pytest.raises(CommandError, match=f"The database {fresh_database} was restored, but"):
        _restore(backup, fresh_database, in_the_way)


def test_a_backup_directory_that_cannot_be_written_is_said_plainly(data, tmp_path):
    in_the_way = tmp_path / "a file"
    in_the_way.write_text("")
    for where in (in_the_way, in_the_way / "below"):
        with pytest.raises(CommandError, match=r"could not be made: .*Nothing was kept"):
            call_command("backup", to=str(where), stdout=io.StringIO())


def test_a_restore_into_a_database_whose_extensions_a_dba_created(data, fresh_database, tmp_path):
    """Managed servers have the DBA create pg_trgm and fuzzystrmatch: the owner role may
    not then comment on them, so the dump's extension comments are left out."""
    if not settings.DATABASE_EMBEDDED:
        pytest.skip("needs the embedded server's superuser")
    with psycopg.connect(
        dbname=fresh_database,
        user=embedded.SUPERUSER,
        host=connection.settings_dict["HOST"],
        autocommit=True,
    ) as db:
        db.execute("CREATE EXTENSION pg_trgm")
        db.execute("CREATE EXTENSION fuzzystrmatch")
    backup, _ = _backup(tmp_path)
    said = _restore(backup, fresh_database, tmp_path / "documents")
    assert "checked against the backup" in said
    with _connect(fresh_database) as db:
        assert db.execute("SELECT similarity('Harrison', 'Harison') > 0.5").fetchone()[0]


def test_a_backup_taken_while_the_app_writes_restores_whole(data, fresh_database, tmp_path):
    """The dump, the counts and the checksums come from one snapshot: rows committed
    while the backup runs are in none of them or all of them."""
    source = connection.settings_dict["NAME"]
    done = threading.Event()
    written = []

    def write() -> None:
        with _connect(source, user=settings.DATABASE_APP_USER) as db:
            while not done.is_set() and len(written) < 100_000:
                key = f"during-backup-{len(written)}"
                db.execute("INSERT INTO django_session VALUES (%s, '', now())", [key])
                written.append(key)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        wait_until(lambda: written, 30, "the writer never wrote")
        backup, _ = _backup(tmp_path)
    finally:
        done.set()
        writer.join()
    backed_up = json.loads((backup / MANIFEST).read_text())["row_counts"]["django_session"]
    assert 0 < backed_up < len(written)  # taken mid-stream
    said = _restore(backup, fresh_database, tmp_path / "documents")
    assert "checked against the backup" in said
    assert _counts(fresh_database)["django_session"] == backed_up


def test_a_backup_stopped_by_sigterm_leaves_no_part_made_dump(data, tmp_path):
    """systemd stops a run with SIGTERM (a stop, a timeout): the part-made backup, a
    dump of personal data, is removed. pg_dump is held on a lock until the signal."""
    source = connection.settings_dict["NAME"]
    locked, failures = threading.Event(), []

    def hold_a_lock_then_stop_the_backup() -> None:
        try:
            with _connect(source) as db, db.transaction():
                db.execute("LOCK TABLE django_session IN ACCESS EXCLUSIVE MODE")
                locked.set()
                with _connect(source) as watcher:
                    wait_until(
                        lambda: watcher.execute(
                            "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE"
                            " application_name = 'frontdoor-backup' AND wait_event_type = 'Lock')"
                        ).fetchone()[0],
                        30,
                        "pg_dump never waited on the lock",
                    )
                os.kill(os.getpid(), signal.SIGTERM)
        except BaseException as failed:  # reported by the test, not lost in the thread
            failures.append(failed)
            locked.set()

    late_signal_ignored = signal.signal(signal.SIGTERM, lambda *_: None)
    stopper = threading.Thread(target=hold_a_lock_then_stop_the_backup)
    try:
        stopper.start()
        locked.wait(30)
        with pytest.raises(CommandError, match=r"Stopped \(SIGTERM\)") as stopped:
            call_command("backup", to=str(tmp_path), stdout=io.StringIO())
    finally:
        stopper.join()
        signal.signal(signal.SIGTERM, late_signal_ignored)
    assert not failures
    assert stopped.value.returncode == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []
