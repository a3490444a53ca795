"""Backups against what could go wrong (issue 25 part 5, docs/adr/0048-backups.md): a
manifest edited to widen the app's grants, a guard switched off or a sequence set back
in the backed-up database, a forced restore over a later release's tables, a failure
after pg_restore, a directory that cannot be written, extensions a DBA made, a backup
taken while the app writes, and a backup stopped by SIGTERM.
"""

from __future__ import annotations

import io
import json
import os
import signal
import threading

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg import errors

from frontdoor import embedded
from frontdoor.backups import MANIFEST
from tests.support.backups import connect, counts, manifest_edit, restore_backup, take_backup
from tests.support.waiting import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_hand_edited_manifest_cannot_give_the_app_role_more_power(data, fresh_database, tmp_path):
    """The app's grants come from this code, as after every migrate: a manifest edited
    to let the app empty the audit trail is reported, and grants nothing."""
    backup, _ = take_backup(tmp_path)
    wider = "DELETE,INSERT,SELECT,TRIGGER,TRUNCATE,UPDATE"
    manifest_edit(backup, lambda m: m["app_grants"].update(frontdoor_auditevent=wider))
    with pytest.raises(CommandError, match="does not match the backup"):
        restore_backup(backup, fresh_database, tmp_path / "documents")
    with connect(fresh_database, user=settings.DATABASE_APP_USER) as db:
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
    with connect(source) as db:
        db.execute(
            "ALTER TABLE frontdoor_auditevent DISABLE TRIGGER frontdoor_auditevent_append_only"
        )
        db.execute("SELECT setval('referrals_contact_id_seq', 1)")
    try:
        backup, _ = take_backup(tmp_path)
    finally:
        with connect(source) as db:
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
    backup, _ = take_backup(tmp_path)
    restore_backup(backup, fresh_database, tmp_path / "documents")
    with connect(fresh_database) as db:
        db.execute("CREATE TABLE later_release_table (id integer)")
    before = counts(fresh_database)
    with pytest.raises(CommandError, match=r"1 tables the backup has not \(later_release_table\)"):
        restore_backup(backup, fresh_database, tmp_path / "documents", force=True)
    assert counts(fresh_database) == before


def test_a_failure_after_the_database_is_restored_says_so(data, fresh_database, tmp_path):
    """The files cannot be written (here a file stands where the directory should be):
    the database is restored, and the message says it is not to be used."""
    backup, _ = take_backup(tmp_path)
    in_the_way = tmp_path / "in the way"
    in_the_way.write_text("")
    with pytest.raises(CommandError, match=f"The database {fresh_database} was restored, but"):
        restore_backup(backup, fresh_database, in_the_way)


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
    backup, _ = take_backup(tmp_path)
    said = restore_backup(backup, fresh_database, tmp_path / "documents")
    assert "checked against the backup" in said
    with connect(fresh_database) as db:
        assert db.execute("SELECT similarity('Harrison', 'Harison') > 0.5").fetchone()[0]


def test_a_backup_taken_while_the_app_writes_restores_whole(data, fresh_database, tmp_path):
    """The dump, the counts and the checksums come from one snapshot: rows committed
    while the backup runs are in none of them or all of them."""
    source = connection.settings_dict["NAME"]
    done = threading.Event()
    written = []

    def write() -> None:
        with connect(source, user=settings.DATABASE_APP_USER) as db:
            while not done.is_set() and len(written) < 100_000:
                key = f"during-backup-{len(written)}"
                db.execute("INSERT INTO django_session VALUES (%s, '', now())", [key])
                written.append(key)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        wait_until(lambda: written, 30, "the writer never wrote")
        backup, _ = take_backup(tmp_path)
    finally:
        done.set()
        writer.join()
    backed_up = json.loads((backup / MANIFEST).read_text())["row_counts"]["django_session"]
    assert 0 < backed_up < len(written)  # taken mid-stream
    said = restore_backup(backup, fresh_database, tmp_path / "documents")
    assert "checked against the backup" in said
    assert counts(fresh_database)["django_session"] == backed_up


def test_a_backup_stopped_by_sigterm_leaves_no_part_made_dump(data, tmp_path):
    """systemd stops a run with SIGTERM (a stop, a timeout): the part-made backup, a
    dump of personal data, is removed. pg_dump is held on a lock until the signal."""
    source = connection.settings_dict["NAME"]
    locked, failures = threading.Event(), []

    def hold_a_lock_then_stop_the_backup() -> None:
        try:
            with connect(source) as db, db.transaction():
                db.execute("LOCK TABLE django_session IN ACCESS EXCLUSIVE MODE")
                locked.set()
                with connect(source) as watcher:
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
