"""Restoring a backup made by frontdoor/backups.py (docs/adr/0048-backups.md).

In order, stopping at the first problem and saying what it is:

1. the backup is checked whole: its manifest reads, the dump and every file are there
   and have the SHA-256 the manifest recorded (a corrupted or incomplete backup is
   refused before anything is changed);
2. the target database must be empty, and the documents storage must not hold a
   different file under a backed-up file's name, unless ``force`` is given: then the
   backed-up tables are dropped and recreated (``pg_restore --clean``), anything else in
   the database stays, and differing files are replaced;
3. ``pg_restore --no-owner`` as the owner role, in one transaction, so every object is
   the owner's and the app role's grants come back as they were;
4. the restored database is checked against the manifest: every table's row count, the
   checksum of each append-only table, the migrations, the app role's grants, that the
   owner owns every table; and every file is read back and its SHA-256 compared.

Nothing here prints a row's values: only table names, counts and checksums.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.files.base import File
from django.db.migrations.loader import MigrationLoader
from psycopg import sql

from frontdoor.backups import (
    CHUNK_BYTES,
    DOCUMENTS,
    DUMP,
    FORMAT,
    MANIFEST,
    BackupError,
    Database,
    database_facts,
    file_sha256,
    postgres_program,
    postgres_reason,
    program_run,
    tables,
)
from frontdoor.database_roles import app_privilege_statements

MANIFEST_KEYS = {"format", "dump", "migrations", "row_counts", "checksums", "documents"}
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")


@dataclass
class Restored:
    tables: int
    rows: int
    checksummed: int
    documents: int
    # Migrations this code has that the backup's database had not applied: run migrate.
    migrations_to_apply: int = 0
    # Migrations the backup's database had applied that this code does not know.
    migrations_unknown: int = 0
    problems: list[str] = field(default_factory=list)


def manifest_read(backup: Path) -> dict:
    if not backup.is_dir():
        raise BackupError(f"There is no backup at {backup}: give the backup's directory.")
    if backup.name.endswith(".partial"):
        raise BackupError(f"{backup.name} is a backup that did not finish: use another one.")
    try:
        manifest = json.loads((backup / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{backup} has no {MANIFEST}: it is not a whole backup.") from None
    except (ValueError, UnicodeDecodeError):
        raise BackupError(f"{backup / MANIFEST} is damaged: it is not readable JSON.") from None
    if not isinstance(manifest, dict) or not set(manifest) >= MANIFEST_KEYS:
        raise BackupError(f"{backup / MANIFEST} is not a Front Door backup manifest.")
    if manifest["format"] != FORMAT:
        raise BackupError(f"This backup's format ({manifest['format']!r}) is not {FORMAT}.")
    if not _manifest_well_formed(manifest):
        raise BackupError(f"{backup / MANIFEST} is damaged: its contents are not as written.")
    return manifest


def _mapping_of(value: object, kind: type) -> bool:
    return isinstance(value, dict) and all(
        isinstance(key, str) and "\0" not in key and isinstance(item, kind)
        for key, item in value.items()
    )


def _manifest_well_formed(manifest: dict) -> bool:
    """Each part of the manifest is what ``backup`` writes: a manifest edited by hand
    is refused with a message, never a traceback, and names no dump but the backup's."""
    dump = manifest["dump"]
    return (
        isinstance(dump, dict)
        and dump.get("file") == DUMP
        and isinstance(dump.get("sha256"), str)
        and isinstance(manifest["migrations"], list)
        and all(isinstance(name, str) for name in manifest["migrations"])
        and _mapping_of(manifest["row_counts"], int)
        and _mapping_of(manifest["checksums"], str)
        and _mapping_of(manifest["documents"], str)
        and _mapping_of(manifest.get("app_grants", {}), str)
        and _mapping_of(manifest.get("triggers", {}), list)
    )


def backup_check(backup: Path, manifest: dict) -> None:
    """Every file the manifest names is there, unchanged, and nothing claims to be a
    file that is not; refuses the whole backup otherwise."""
    dump = backup / manifest["dump"]["file"]
    if not dump.is_file():
        raise BackupError(f"The backup has no database dump ({dump.name}): it is incomplete.")
    if file_sha256(dump) != manifest["dump"]["sha256"]:
        raise BackupError(
            f"The database dump ({dump.name}) does not match its checksum: it is damaged."
        )
    missing, damaged = [], []
    for name, expected in manifest["documents"].items():
        path = _document_path(backup, name)
        if not path.is_file():
            missing.append(name)
        elif file_sha256(path) != expected:
            damaged.append(name)
    if missing or damaged:
        raise BackupError(
            f"The backup's documents are not as recorded: {len(missing)} missing, "
            f"{len(damaged)} damaged (first: {(missing + damaged)[0]})."
        )


def _document_path(backup: Path, name: str) -> Path:
    root = (backup / DOCUMENTS).resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root):
        raise BackupError(f"The manifest names a file outside the backup: {name!r}.")
    return path


def database_objects(database: Database) -> int:
    """How many tables, views and sequences the database holds outside PostgreSQL's own
    schemas: none in a freshly created database. Refuses a role that could not create
    the tables (the app's, when the owner's URL was not given)."""
    try:
        with database.connect(autocommit=True) as db:
            if not db.execute("SELECT has_schema_privilege(current_schema(), 'CREATE')").fetchone()[
                0
            ]:
                raise BackupError(
                    f"{database.user} may not create tables in {database.name}: restore as "
                    "the owner role (MIGRATION_DATABASE_URL and DATABASE_ROLE=owner)."
                )
            return db.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname <> ALL(%s)"
                " AND n.nspname NOT LIKE 'pg\\_temp%%'"
                " AND n.nspname NOT LIKE 'pg\\_toast\\_temp%%'",
                [list(SYSTEM_SCHEMAS)],
            ).fetchone()[0]
    except psycopg.OperationalError as failed:
        raise BackupError(
            f"Cannot connect to the database {database.name} as {database.user} "
            f"({postgres_reason(failed)}). If it does not exist, create it first "
            "(scripts/database-roles.sql does, owned by the owner role)."
        ) from None


def _documents_conflicting(storage, manifest: dict, backup: Path) -> list[str]:
    conflicting = []
    for name, expected in manifest["documents"].items():
        if storage.exists(name) and _stored_sha256(storage, name) != expected:
            conflicting.append(name)
    return conflicting


def _stored_sha256(storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _documents_restore(storage, manifest: dict, backup: Path) -> None:
    for name, expected in manifest["documents"].items():
        if storage.exists(name):
            if _stored_sha256(storage, name) == expected:
                continue
            storage.delete(name)
        with _document_path(backup, name).open("rb") as handle:
            saved = storage.save(name, File(handle, name=name))
        if saved != name:
            raise BackupError(f"The documents storage stored {name} as {saved}.")


def _compare(manifest: dict, facts: dict, restored: Restored) -> None:
    expected, found = manifest["row_counts"], facts["row_counts"]
    for table in sorted(set(expected) | set(found)):
        if table not in found:
            restored.problems.append(f"table {table} is missing")
        elif table not in expected:
            restored.problems.append(f"table {table} is not in the backup")
        elif table in expected and found[table] != expected[table]:
            restored.problems.append(
                f"table {table} has {found[table]} rows, the backup {expected[table]}"
            )
    for table, checksum in manifest["checksums"].items():
        if facts["checksums"].get(table) != checksum:
            restored.problems.append(f"the rows of {table} differ from the backup's (checksum)")
    if "triggers" in manifest and facts["triggers"] != manifest["triggers"]:
        differing = sorted(
            table
            for table in set(facts["triggers"]) | set(manifest["triggers"])
            if facts["triggers"].get(table) != manifest["triggers"].get(table)
        )
        restored.problems.append(f"the triggers differ on {', '.join(differing[:5])}")
    if facts["migrations"] != manifest["migrations"]:
        restored.problems.append("the recorded migrations differ from the backup's")
    # The app's grants are this code's (_app_grants_set): the backup's should be the same
    # when it was taken by this release's schema. One from another release is granted
    # anew by the migrate the restore then asks for, so differing grants say nothing.
    same_release = not (restored.migrations_to_apply or restored.migrations_unknown)
    grants = manifest.get("app_grants")
    if same_release and grants is not None and facts["app_grants"] != grants:
        differing = sorted(
            table
            for table in set(facts["app_grants"]) | set(grants)
            if facts["app_grants"].get(table) != grants.get(table)
        )
        restored.problems.append(f"the app role's grants differ on {', '.join(differing[:5])}")


def _app_grants_set(database: Database) -> None:
    """Give the app role the privileges this code gives it after every ``migrate``
    (frontdoor/database_roles.py), whatever the dump or the manifest says: a manifest
    edited to grant the app TRUNCATE on the audit trail grants nothing. The dump's own
    GRANTs only add, and a database prepared by scripts/database-roles.sql gives the app
    row access to every table the owner creates (its default privileges), so without
    this the restored audit trail would be open to the app's UPDATE and DELETE. The
    result is then compared with the grants the backup recorded."""
    app_role = settings.DATABASE_APP_USER
    with database.connect() as db:
        if (
            app_role == database.user
            or not db.execute(
                "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = %s)", [app_role]
            ).fetchone()[0]
        ):
            return
        for statement in app_privilege_statements(app_role, set(tables(db))):
            db.execute(statement)


def _owned_by_others(db: psycopg.Connection) -> list[str]:
    rows = db.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace"
        " AND relkind IN ('r', 'p', 'S', 'v', 'm') AND relowner <> current_user::regrole"
        " ORDER BY 1"
    ).fetchall()
    return [name for (name,) in rows]


def _migrations_against_code(manifest: dict, restored: Restored) -> None:
    in_code = {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
    applied = set(manifest["migrations"])
    restored.migrations_to_apply = len(in_code - applied)
    restored.migrations_unknown = len(applied - in_code)


def _reason(failed: Exception) -> str:
    """What went wrong, in words that quote no row: PostgreSQL's primary message (its
    DETAIL may quote one), the system's for a file."""
    if isinstance(failed, psycopg.Error):
        return postgres_reason(failed)
    if isinstance(failed, OSError):
        return f"{failed.strerror or type(failed).__name__}: {failed.filename}"
    return str(failed)


def _sequences_behind(db: psycopg.Connection) -> list[str]:
    """Each sequence behind the largest id in its column: the app's next insert into
    that table would fail on a duplicate key."""
    rows = db.execute(
        "SELECT s.sequencename, t.relname, a.attname, s.last_value FROM pg_sequences s"
        " JOIN pg_class q ON q.relname = s.sequencename"
        "  AND q.relnamespace = current_schema()::regnamespace"
        " JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = q.oid"
        "  AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')"
        " JOIN pg_class t ON t.oid = d.refobjid"
        " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid"
        " WHERE s.schemaname = current_schema() ORDER BY 1"
    ).fetchall()
    behind = []
    for sequence, table, column, last_value in rows:
        largest = db.execute(
            sql.SQL("SELECT max({}) FROM {}").format(sql.Identifier(column), sql.Identifier(table))
        ).fetchone()[0]
        if largest is not None and (last_value is None or largest > last_value):
            behind.append(f"the sequence {sequence} is behind {table}.{column}")
    return behind


def _triggers_off(db: psycopg.Connection) -> list[str]:
    """The append-only guards and the history triggers must be on, whatever the backup."""
    rows = db.execute(
        "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        " WHERE NOT t.tgisinternal AND t.tgenabled = 'D'"
        " AND c.relnamespace = current_schema()::regnamespace ORDER BY 1, 2"
    ).fetchall()
    return [f"the trigger {name} on {table} is switched off" for table, name in rows]


def _restore_list(backup: Path, database: Database, directory: Path) -> Path:
    """The dump's contents less the extensions' comments: CREATE EXTENSION writes them
    itself, and only the extension's owner may write them again, which the owner role
    is not where a DBA created the extension first (as managed servers have it done)."""
    contents = program_run(
        [postgres_program("pg_restore"), "--list", str(backup / DUMP)], database
    ).splitlines()
    path = directory / "contents.list"
    path.write_text(
        "\n".join(line for line in contents if " COMMENT - EXTENSION " not in line) + "\n"
    )
    return path


def _tables_not_in_backup(database: Database, manifest: dict) -> list[str]:
    with database.connect(autocommit=True) as db:
        return sorted(set(tables(db)) - set(manifest["row_counts"]))


def backup_restore(*, backup: Path, database: Database, storage, force: bool = False) -> Restored:
    """Restore ``backup`` into ``database`` (connected to as the owner role) and the
    attached files into ``storage``; check the result against the manifest. Raises
    ``BackupError`` when it cannot start or the result differs (saying where)."""
    manifest = manifest_read(backup)
    backup_check(backup, manifest)
    existing = database_objects(database)
    if existing and not force:
        raise BackupError(
            f"The database {database.name} is not empty (it holds {existing} tables, "
            "views or sequences), so nothing was restored. Restore into a newly "
            "created database, or give --force to drop and recreate the backed-up tables "
            "in this one (anything else in it stays)."
        )
    if existing and (extra := _tables_not_in_backup(database, manifest)):
        # Left beside the restored tables, they would belong to no recorded migration
        # (a later release's tables under an older backup): migrate would then fail.
        raise BackupError(
            f"The database {database.name} has {len(extra)} tables the backup has not "
            f"({', '.join(extra[:3])}{', …' if len(extra) > 3 else ''}), so nothing was "
            "restored: restore into a newly created database."
        )
    conflicting = _documents_conflicting(storage, manifest, backup)
    if conflicting and not force:
        raise BackupError(
            f"The documents storage already holds {len(conflicting)} files under the "
            "backup's names with different contents, so nothing was restored. Restore into "
            "an empty documents storage, or give --force to replace them."
        )
    with tempfile.TemporaryDirectory(prefix="frontdoor-restore-") as directory:
        program_run(
            [
                postgres_program("pg_restore"),
                "--format=custom",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--no-password",
                f"--dbname={database.name}",
                f"--use-list={_restore_list(backup, database, Path(directory))}",
                *(["--clean", "--if-exists"] if existing else []),
                str(backup / DUMP),
            ],
            database,
        )
    try:
        return _after_pg_restore(backup, manifest, database, storage)
    except (BackupError, psycopg.Error, OSError) as failed:
        raise BackupError(
            f"The database {database.name} was restored, but the rest failed "
            f"({_reason(failed)}), "
            "so it is not known to match the backup. Do not use it: put right what the "
            "reason says, then restore again with --force."
        ) from None


def _after_pg_restore(backup: Path, manifest: dict, database: Database, storage) -> Restored:
    """The app's grants, the files, and the checks of the result against the manifest."""
    _app_grants_set(database)
    _documents_restore(storage, manifest, backup)

    restored = Restored(
        tables=len(manifest["row_counts"]),
        rows=sum(manifest["row_counts"].values()),
        checksummed=len(manifest["checksums"]),
        documents=len(manifest["documents"]),
    )
    with database.connect() as db:
        db.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        facts = database_facts(db)
        others = _owned_by_others(db)
        restored.problems += _sequences_behind(db) + _triggers_off(db)
        db.rollback()
    _migrations_against_code(manifest, restored)
    _compare(manifest, facts, restored)
    if others:
        restored.problems.append(f"{len(others)} objects are not the owner's ({others[0]}, …)")
    for name, expected in manifest["documents"].items():
        if not storage.exists(name) or _stored_sha256(storage, name) != expected:
            restored.problems.append(f"the document {name} was not restored byte for byte")
    return restored
