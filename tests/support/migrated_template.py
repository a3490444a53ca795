"""The migrated test database kept between runs, as a PostgreSQL template.

Migrating a new test database takes each test process 10 to 15 seconds, and under
pytest-xdist every process does it at once. The first process to migrate copies its
database as a template named after the migrations (every app's migration files and the
installed packages), and every later process, in this run or the next, creates its own
test database from that copy instead: a file copy on the server. ``migrate`` still runs
over the copy (nothing left to apply), so its post-migrate steps (permissions, the app
role's grants) run as they always do. A change to any migration names a new template
and the old one is dropped; ``pytest --create-db`` migrates afresh and leaves the
template alone.
"""

from __future__ import annotations

import fcntl
import hashlib
from importlib import metadata
from pathlib import Path
from typing import IO

from django.apps import apps
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import sql

from frontdoor import embedded

PREFIX = "test_frontdoor_migrated_"


def _name() -> str:
    digest = hashlib.sha256()
    for config in sorted(apps.get_app_configs(), key=lambda config: config.label):
        folder = Path(config.path) / "migrations"
        for path in sorted(folder.glob("*.py")):
            digest.update(f"{config.label}/{path.name}\n".encode())
            digest.update(path.read_bytes())
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    digest.update("\n".join(packages).encode())
    return PREFIX + digest.hexdigest()[:16]


def _exists(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


class Template:
    """``prepare`` before the test database is set up, ``keep`` after it is migrated."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        self.name = _name()
        self.test_name = connection.creation._get_test_db_name()
        self._lock: IO | None = None
        self.cloned = False

    def prepare(self) -> bool:
        """Create the test database from the template if there is one (True). If not,
        hold the lock until ``keep``, so the other processes wait and copy this one's."""
        embedded.STATE_DIR.mkdir(parents=True, exist_ok=True)
        self._lock = open(embedded.STATE_DIR / "tests-template.lock", "a")  # noqa: SIM115
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        with self.connection.creation._nodb_cursor() as cursor:
            if not _exists(cursor, self.name):
                return False
            test = sql.Identifier(self.test_name)
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {0}").format(test))
            cursor.execute(
                sql.SQL("CREATE DATABASE {0} TEMPLATE {1}").format(test, sql.Identifier(self.name))
            )
        self._release()
        self.cloned = True
        return True

    def keep(self) -> None:
        """Copy the freshly migrated test database as the template; drop older ones."""
        if self._lock is None:
            return
        try:
            self.connection.close()  # a template may have no one connected to it
            with self.connection.creation._nodb_cursor() as cursor:
                cursor.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s",
                    [PREFIX.replace("_", r"\_") + "%"],
                )
                for (old,) in cursor.fetchall():
                    cursor.execute(sql.SQL("DROP DATABASE {0}").format(sql.Identifier(old)))
                cursor.execute(
                    sql.SQL("CREATE DATABASE {0} TEMPLATE {1}").format(
                        sql.Identifier(self.name), sql.Identifier(self.test_name)
                    )
                )
        finally:
            self._release()

    def _release(self) -> None:
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None
