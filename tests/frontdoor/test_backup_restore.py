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
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from psycopg import errors

from frontdoor import file_crypto
from frontdoor.backups import (
    DOCUMENTS,
    DUMP,
    MANIFEST,
    BackupError,
    Database,
    append_only_tables,
)
from frontdoor.restores import backup_restore
from tests.support.backups import (
    CHILD_SURNAME,
    connect,
    counts,
    manifest_edit,
    restore_backup,
    rows_digest,
    take_backup,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_backup_restores_into_a_fresh_database_with_every_row_and_file(
    data, fresh_database, tmp_path
):
    source = connection.settings_dict["NAME"]
    before = timezone.now()
    backup, said = take_backup(tmp_path)
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
    said = restore_backup(backup, fresh_database, restored_files)
    assert f"Restored into {fresh_database} and checked against the backup" in said

    source_counts = counts(source)
    assert source_counts["screening_decision"] >= 3
    assert source_counts["frontdoor_auditevent"] > 0
    assert source_counts["referrals_document"] == 2
    assert counts(fresh_database) == source_counts
    for table in append_only_tables():
        assert rows_digest(fresh_database, table) == rows_digest(source, table), table

    # The files, byte for byte as stored, and they still open with the key.
    stored = storages["documents"]
    for name, upload in data.items():
        restored = (restored_files / name).read_bytes()
        with stored.open(name, "rb") as original:
            assert restored == original.read()
        assert file_crypto.decrypt(restored) == upload

    # The owner owns every table; the app role reads and writes rows but still cannot
    # change or empty the audit trail or switch its guards off.
    with connect(fresh_database) as db:
        others = db.execute(
            "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
            " AND relkind IN ('r', 'S') AND relowner <> current_user::regrole"
        ).fetchone()[0]
        assert others == 0
    with connect(fresh_database, user=settings.DATABASE_APP_USER) as db:
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
        # Each year's reference sequence comes back where it was (pg_dump carries its
        # position): the restored app's next contact has a reference none has yet.
        year = timezone.localdate().year
        issued = db.execute(
            "SELECT max(substring(reference from 9)::integer) FROM referrals_contact"
            " WHERE reference LIKE %s",
            [f"FD-{year}-%"],
        ).fetchone()[0]
        [(following,)] = db.execute("SELECT referrals_reference_numbers(%s, 1)", [year]).fetchall()
        assert issued >= 3
        assert following > issued
        # And only the app may call the functions that run as the owner.
        public_may = db.execute(
            "SELECT count(*) FROM pg_proc p, aclexplode(p.proacl) acl"
            " WHERE p.proname LIKE 'referrals\\_reference\\_%%' AND acl.grantee = 0"
        ).fetchone()[0]
        assert public_may == 0


def test_a_database_that_is_not_empty_is_refused_unless_forced(data, fresh_database, tmp_path):
    backup, _ = take_backup(tmp_path)
    restore_backup(backup, fresh_database, tmp_path / "documents")
    before = counts(fresh_database)

    with pytest.raises(CommandError, match=f"The database {fresh_database} is not empty"):
        restore_backup(backup, fresh_database, tmp_path / "documents")
    assert counts(fresh_database) == before

    # Forced, the backed-up tables are dropped and recreated: a row added since is gone
    # again, and the restore still checks out (grants included).
    with connect(fresh_database) as db:
        db.execute("DELETE FROM django_session")
        db.execute("INSERT INTO django_session VALUES ('added-since', '', now())")
    said = restore_backup(backup, fresh_database, tmp_path / "documents", force=True)
    assert "checked against the backup" in said
    assert counts(fresh_database) == before


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
        lambda b: manifest_edit(b, lambda m: m.update(documents=list(m["documents"]))),
        "contents are not as written",
    ),
    "another dump named": (
        lambda b: manifest_edit(b, lambda m: m["dump"].update(file="../../elsewhere.dump")),
        "contents are not as written",
    ),
    "a NUL in a file's name": (
        lambda b: manifest_edit(b, lambda m: m["documents"].update({"a\0b": "0" * 64})),
        "contents are not as written",
    ),
    "counts as text": (
        lambda b: manifest_edit(b, lambda m: m["row_counts"].update(django_session="=SUM(A1)")),
        "contents are not as written",
    ),
}


def test_a_damaged_or_incomplete_backup_is_refused_before_anything_is_changed(
    data, fresh_database, tmp_path
):
    backup, _ = take_backup(tmp_path)
    for damage, (do, message) in DAMAGES.items():
        copy = tmp_path / damage.replace(" ", "-") / backup.name
        shutil.copytree(backup, copy)
        do(copy)
        with pytest.raises(CommandError, match=message):
            restore_backup(copy, fresh_database, tmp_path / "documents")
        assert counts(fresh_database) == {}, damage
        assert not (tmp_path / "documents").exists(), damage

    with pytest.raises(CommandError, match="There is no backup at"):
        restore_backup(tmp_path / "nowhere", fresh_database, tmp_path / "documents")
    with pytest.raises(
        CommandError,
        match=r"Cannot connect to the database test_frontdoor_gone .*\"test_frontdoor_gone\" does",
    ):
        restore_backup(backup, "test_frontdoor_gone", tmp_path / "documents")

    # The app's role may not create the tables: told to restore as the owner.
    as_app = Database.from_settings(
        {**connection.settings_dict, "USER": settings.DATABASE_APP_USER}, name=fresh_database
    )
    with pytest.raises(BackupError, match="restore as the owner role"):
        backup_restore(backup=backup, database=as_app, storage=storages["documents"])
    assert counts(fresh_database) == {}
